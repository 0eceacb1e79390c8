//! Tests of the restaking pallet through its calls, hooks and traits, on real
//! `pallet-balances` and `pallet-staking`. Every test ends with `try_state`.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::{InspectHold, Mutate},
		tokens::Preservation,
	},
};
use restaking_primitives::restaking::{RestakingInterface, SlashTier};
use sp_runtime::{DispatchError, FixedU128, Perbill, Perquintill, TokenError};

fn percent(p: u64) -> Perquintill {
	Perquintill::from_percent(p)
}

/// Operator with 1,000 self-bond, STAKER delegating 3,000, all allocated to a fresh service.
fn setup_pool() -> ServiceId {
	let s = service(OWNER);
	operator(OPERATOR, 1_000);
	assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, 3_000));
	allocate(OPERATOR, s, 100);
	s
}

/// The crate documentation's example: a service registers, an operator registers and opts in,
/// a staker delegates, the operator allocates half of its stake, and once `AllocationDelay` has
/// passed the service can slash half of the self-bond and half of the pool.
#[docify::export]
#[test]
fn example_restake_and_allocate() {
	ExtBuilder::default().build_and_execute(|| {
		// Given a service, and an operator that opted in to it.
		let service = NextServiceId::<Runtime>::get();
		assert_ok!(Restaking::register_service(
			signed(OWNER),
			b"oracle".to_vec(),
			100,
			4,
			false,
			None
		));
		assert_ok!(Restaking::register_operator(
			signed(OPERATOR),
			1_000,
			Perbill::from_percent(10),
			b"operator".to_vec()
		));
		assert_ok!(Restaking::opt_in(signed(OPERATOR), service));
		assert_eq!(
			events_since_last_call(),
			vec![
				Event::ServiceRegistered { service, owner: OWNER, deposit: SERVICE_DEPOSIT },
				Event::OperatorRegistered {
					operator: OPERATOR,
					self_bond: 1_000,
					commission: Perbill::from_percent(10)
				},
				Event::OptedIn { operator: OPERATOR, service, approved: true },
			]
		);

		// When a staker delegates to the operator, and the operator allocates half its stake.
		assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, 3_000));
		assert_ok!(Restaking::allocate(signed(OPERATOR), service, Perquintill::from_percent(50)));

		// Then the allocation takes effect `AllocationDelay` later: until then nothing is
		// slashable, from then on half of the self-bond and half of the pool.
		let at = System::block_number() + ALLOCATION_DELAY;
		assert_eq!(
			events_since_last_call(),
			vec![
				Event::Delegated {
					staker: STAKER,
					operator: OPERATOR,
					amount: 3_000,
					shares: 3_000
				},
				Event::AllocationScheduled {
					operator: OPERATOR,
					service,
					magnitude: Perquintill::from_percent(50),
					effective_at: at
				},
			]
		);
		assert_eq!(Restaking::slashable_stake(&OPERATOR, service), None);
		run_to_block(at);
		// (self-bond part, pool part)
		assert_eq!(Restaking::slashable_stake(&OPERATOR, service), Some((500, 1_500)));
		assert_eq!(events_since_last_call(), vec![]);
	});
}

mod services {
	use super::*;

	#[test]
	fn register_holds_deposit_and_assigns_ids() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(service(OWNER), 0);
			assert_eq!(service(OWNER), 1);
			assert_eq!(
				Balances::balance_on_hold(&HoldReason::ServiceDeposit.into(), &OWNER),
				2 * SERVICE_DEPOSIT
			);
			let record = Services::<Runtime>::get(1).unwrap();
			assert_eq!(record.owner, OWNER);
			assert_eq!(record.status, ServiceStatus::Active);
			assert_eq!(
				last_event(),
				Event::ServiceRegistered { service: 1, owner: OWNER, deposit: SERVICE_DEPOSIT }
			);
		});
	}

	#[test]
	fn register_rejects_bad_input() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Restaking::register_service(signed(OWNER), vec![0; 33], 0, 4, false, None),
				Error::<Runtime>::MetadataTooLong
			);
			assert_noop!(
				Restaking::register_service(signed(OWNER), vec![], 0, 0, false, None),
				Error::<Runtime>::InvalidMaxOperators
			);
			assert_noop!(
				Restaking::register_service(signed(OWNER), vec![], 0, 5, false, None),
				Error::<Runtime>::InvalidMaxOperators
			);
			// A poor owner cannot pay the deposit.
			assert_ok!(Balances::transfer(
				&OWNER,
				&NOBODY,
				ENDOWMENT - 10,
				Preservation::Expendable
			));
			assert_noop!(
				Restaking::register_service(signed(OWNER), vec![], 0, 4, false, None),
				TokenError::FundsUnavailable
			);
		});
	}

	#[test]
	fn update_is_for_the_owner_and_bounded() {
		ExtBuilder::default().build_and_execute(|| {
			let s = service(OWNER);
			assert_noop!(
				Restaking::update_service(signed(OWNER_2), s, None, None, Some(2), None, None),
				Error::<Runtime>::NotServiceOwner
			);
			assert_noop!(
				Restaking::update_service(signed(OWNER), 7, None, None, None, None, None),
				Error::<Runtime>::UnknownService
			);
			assert_noop!(
				Restaking::update_service(signed(OWNER), s, None, None, Some(9), None, None),
				Error::<Runtime>::InvalidMaxOperators
			);
			operator(OPERATOR, 1_000);
			operator(OPERATOR_2, 1_000);
			assert_ok!(Restaking::opt_in(signed(OPERATOR), s));
			assert_ok!(Restaking::opt_in(signed(OPERATOR_2), s));
			// Not below the operators already in.
			assert_noop!(
				Restaking::update_service(signed(OWNER), s, None, None, Some(1), None, None),
				Error::<Runtime>::InvalidMaxOperators
			);
			assert_ok!(Restaking::update_service(
				signed(OWNER),
				s,
				Some(b"new".to_vec()),
				Some(5_000),
				Some(2),
				Some(true),
				None
			));
			let record = Services::<Runtime>::get(s).unwrap();
			assert_eq!(record.metadata.to_vec(), b"new".to_vec());
			assert_eq!((record.min_operator_stake, record.max_operators), (5_000, 2));
			assert!(record.requires_approval);
		});
	}

	/// A service declares what corrupting it pays at registration or later; a zero threshold is
	/// refused; retiring removes the declaration. The security report reads it: one operator
	/// of 1,000 + 3,000 behind a service that needs half its stake and slashes at most half
	/// of it costs 1,000 to corrupt, so a profit of 500 is certified with `γ = 1`.
	#[test]
	fn risk_profiles_are_declared_checked_and_reported() {
		use restaking_primitives::{
			api::Overcollateralization,
			risk::{RiskProfile, ONE},
		};
		ExtBuilder::default().build_and_execute(|| {
			let profile = |profit, percent| RiskProfile {
				profit_from_corruption: profit,
				corruption_threshold: Perbill::from_percent(percent),
			};
			let s = NextServiceId::<Runtime>::get();
			assert_noop!(
				Restaking::register_service(
					signed(OWNER),
					vec![],
					0,
					4,
					false,
					Some(profile(1, 0))
				),
				Error::<Runtime>::InvalidCorruptionThreshold
			);
			assert_ok!(Restaking::register_service(
				signed(OWNER),
				vec![],
				0,
				4,
				false,
				Some(profile(500, 50))
			));
			assert_eq!(
				events_since_last_call(),
				vec![
					Event::ServiceRegistered { service: s, owner: OWNER, deposit: SERVICE_DEPOSIT },
					Event::RiskProfileSet {
						service: s,
						profit_from_corruption: 500,
						corruption_threshold: Perbill::from_percent(50)
					},
					// Nothing is behind it yet: below the mock's floor (corruption must not pay).
					Event::OvercollateralizationBreached {
						service: s,
						cost_of_corruption: 0,
						required: 500
					},
				]
			);
			assert_eq!(RiskProfiles::<Runtime>::get(s), Some(profile(500, 50)));
			assert_noop!(
				Restaking::update_service(
					signed(OWNER_2),
					s,
					None,
					None,
					None,
					None,
					Some(profile(1, 1))
				),
				Error::<Runtime>::NotServiceOwner
			);
			assert_noop!(
				Restaking::update_service(
					signed(OWNER),
					s,
					None,
					None,
					None,
					None,
					Some(profile(1, 0))
				),
				Error::<Runtime>::InvalidCorruptionThreshold
			);

			operator(OPERATOR, 1_000);
			assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, 3_000));
			allocate(OPERATOR, s, 100);
			MaxSlashFraction::set(Perbill::from_percent(50));
			let report = Restaking::security_report(Perbill::from_percent(10));
			let corruption = &report.services[0];
			assert_eq!(corruption.stake_behind, 4_000);
			assert_eq!(corruption.cost_of_corruption, 1_000);
			assert_eq!(corruption.cost_to_profit, Some(FixedU128::from_u32(2)));
			assert!(corruption.secure && corruption.declared);
			assert_eq!(report.operators[0].load, FixedU128::from_rational(1, 2));
			assert_eq!(
				report.overcollateralization,
				Overcollateralization::Gamma(FixedU128::from_u32(1))
			);
			// ψ = 10 % cascades to at most (1 + 1/1) × 10 %.
			assert_eq!(report.cascade_bound, Some(Perbill::from_percent(20)));

			// Declaring twice the profit leaves no margin; more breaks the certificate.
			assert_ok!(Restaking::update_service(
				signed(OWNER),
				s,
				None,
				None,
				None,
				None,
				Some(profile(1_000, 50))
			));
			let report = Restaking::security_report(Perbill::from_percent(10));
			assert_eq!(
				report.overcollateralization,
				Overcollateralization::Gamma(FixedU128::from_u32(0))
			);
			assert!(!report.services[0].secure);
			assert_eq!(report.operators[0].load.into_inner(), ONE);

			// Retiring the service (after its operator left) drops its declaration.
			assert_ok!(Restaking::allocate(signed(OPERATOR), s, Perquintill::zero()));
			run_to_block(System::block_number() + DEALLOCATION_DELAY);
			assert_ok!(Restaking::opt_out(signed(OPERATOR), s));
			assert_ok!(Restaking::retire_service(signed(OWNER), s));
			assert_eq!(RiskProfiles::<Runtime>::get(s), None);
			assert!(Restaking::security_report(Perbill::zero()).services.is_empty());
		});
	}

	#[test]
	fn pause_blocks_opt_ins_and_increases_only() {
		ExtBuilder::default().build_and_execute(|| {
			let s = service(OWNER);
			operator(OPERATOR, 1_000);
			operator(OPERATOR_2, 1_000);
			allocate(OPERATOR, s, 50);
			assert_noop!(
				Restaking::set_service_paused(signed(OWNER), s, false),
				Error::<Runtime>::ServiceStatusUnchanged
			);
			assert_ok!(Restaking::set_service_paused(signed(OWNER), s, true));
			assert_eq!(last_event(), Event::ServicePaused { service: s });
			assert_noop!(Restaking::opt_in(signed(OPERATOR_2), s), Error::<Runtime>::ServicePaused);
			assert_noop!(
				Restaking::allocate(signed(OPERATOR), s, percent(60)),
				Error::<Runtime>::ServicePaused
			);
			// Decreasing stays possible, and what is allocated stays slashable.
			assert_ok!(Restaking::allocate(signed(OPERATOR), s, percent(10)));
			assert!(Restaking::slashable_stake(&OPERATOR, s).is_some());
			assert_ok!(Restaking::set_service_paused(signed(OWNER), s, false));
			assert_ok!(Restaking::opt_in(signed(OPERATOR_2), s));
		});
	}

	#[test]
	fn retire_needs_no_operators_and_refunds() {
		ExtBuilder::default().build_and_execute(|| {
			let s = service(OWNER);
			assert_ok!(Restaking::fund_service(signed(OWNER_2), s, 500));
			operator(OPERATOR, 1_000);
			assert_ok!(Restaking::opt_in(signed(OPERATOR), s));
			assert_noop!(
				Restaking::retire_service(signed(OWNER), s),
				Error::<Runtime>::ServiceInUse
			);
			assert_noop!(
				Restaking::retire_service(signed(OWNER_2), s),
				Error::<Runtime>::NotServiceOwner
			);
			assert_ok!(Restaking::opt_out(signed(OPERATOR), s));
			let before = free(OWNER);
			assert_ok!(Restaking::retire_service(signed(OWNER), s));
			assert_eq!(free(OWNER), before + SERVICE_DEPOSIT + 500);
			assert_eq!(Balances::balance_on_hold(&HoldReason::ServiceDeposit.into(), &OWNER), 0);
			assert_eq!(last_event(), Event::ServiceRetired { service: s, refunded: 500 });
			assert!(!Restaking::service_is_live(s));
			assert_noop!(
				Restaking::retire_service(signed(OWNER), s),
				Error::<Runtime>::ServiceRetired
			);
			assert_noop!(Restaking::opt_in(signed(OPERATOR), s), Error::<Runtime>::ServiceRetired);
			assert_noop!(
				Restaking::fund_service(signed(OWNER), s, 1),
				Error::<Runtime>::ServiceRetired
			);
		});
	}

	#[test]
	fn fund_moves_free_balance_into_the_budget() {
		ExtBuilder::default().build_and_execute(|| {
			let s = service(OWNER);
			let pot = free(Restaking::pot());
			assert_noop!(
				Restaking::fund_service(signed(OWNER), s, 0),
				Error::<Runtime>::AmountTooLow
			);
			assert_noop!(
				Restaking::fund_service(signed(OWNER), 9, 5),
				Error::<Runtime>::UnknownService
			);
			assert_ok!(Restaking::fund_service(signed(OWNER_2), s, 700));
			assert_eq!(free(Restaking::pot()), pot + 700);
			assert_eq!(Services::<Runtime>::get(s).unwrap().reward_budget, 700);
		});
	}
}

mod operators {
	use super::*;

	#[test]
	fn register_holds_bond_and_deposit() {
		ExtBuilder::default().build_and_execute(|| {
			operator(OPERATOR, 1_000);
			assert_eq!(Balances::balance_on_hold(&HoldReason::SelfBond.into(), &OPERATOR), 1_000);
			assert_eq!(
				Balances::balance_on_hold(&HoldReason::OperatorDeposit.into(), &OPERATOR),
				OPERATOR_DEPOSIT
			);
			let pool = Operators::<Runtime>::get(OPERATOR).unwrap();
			assert_eq!(pool.factor, FixedU128::from_u32(1));
			assert_eq!(pool.max_magnitude, Perquintill::one());
			assert_eq!(TotalRestaked::<Runtime>::get(), 1_000);
		});
	}

	#[test]
	fn register_rejects_bad_input() {
		ExtBuilder::default().build_and_execute(|| {
			let register = |who, bond, commission: u32, meta: Vec<u8>| {
				Restaking::register_operator(
					signed(who),
					bond,
					Perbill::from_percent(commission),
					meta,
				)
			};
			assert_noop!(
				register(OPERATOR, MIN_SELF_BOND - 1, 5, vec![]),
				Error::<Runtime>::SelfBondTooLow
			);
			assert_noop!(
				register(OPERATOR, 1_000, 51, vec![]),
				Error::<Runtime>::CommissionTooHigh
			);
			assert_noop!(
				register(OPERATOR, 1_000, 5, vec![1; 33]),
				Error::<Runtime>::MetadataTooLong
			);
			assert_noop!(
				register(OPERATOR, ENDOWMENT * 2, 5, vec![]),
				TokenError::FundsUnavailable
			);
			operator(OPERATOR, 1_000);
			assert_noop!(register(OPERATOR, 1_000, 5, vec![]), Error::<Runtime>::AlreadyOperator);
			// A delegator cannot become an operator.
			assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, 1_000));
			assert_noop!(register(STAKER, 1_000, 5, vec![]), Error::<Runtime>::DelegatedElsewhere);
		});
	}

	#[test]
	fn commission_changes_after_the_delay() {
		ExtBuilder::default().build_and_execute(|| {
			operator(OPERATOR, 1_000);
			assert_noop!(
				Restaking::set_commission(signed(OPERATOR), Perbill::from_percent(60)),
				Error::<Runtime>::CommissionTooHigh
			);
			assert_noop!(
				Restaking::set_commission(signed(NOBODY), Perbill::from_percent(5)),
				Error::<Runtime>::NotOperator
			);
			assert_ok!(Restaking::set_commission(signed(OPERATOR), Perbill::from_percent(30)));
			let at = 1 + COMMISSION_DELAY;
			assert_eq!(
				last_event(),
				Event::CommissionChangeScheduled {
					operator: OPERATOR,
					commission: Perbill::from_percent(30),
					effective_at: at
				}
			);
			let pool = Operators::<Runtime>::get(OPERATOR).unwrap();
			assert_eq!(pool.commission_at(at - 1), Perbill::from_percent(10));
			assert_eq!(pool.commission_at(at), Perbill::from_percent(30));
		});
	}

	#[test]
	fn bond_more_and_deregister() {
		ExtBuilder::default().build_and_execute(|| {
			operator(OPERATOR, 1_000);
			assert_noop!(Restaking::bond_more(signed(OPERATOR), 0), Error::<Runtime>::AmountTooLow);
			assert_noop!(Restaking::bond_more(signed(NOBODY), 5), Error::<Runtime>::NotOperator);
			assert_ok!(Restaking::bond_more(signed(OPERATOR), 500));
			assert_eq!(Operators::<Runtime>::get(OPERATOR).unwrap().self_bond, 1_500);
			assert_eq!(TotalRestaked::<Runtime>::get(), 1_500);

			let s = service(OWNER);
			assert_ok!(Restaking::opt_in(signed(OPERATOR), s));
			assert_noop!(
				Restaking::deregister_operator(signed(OPERATOR)),
				Error::<Runtime>::OperatorInUse
			);
			assert_ok!(Restaking::opt_out(signed(OPERATOR), s));
			assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, 500));
			assert_noop!(
				Restaking::deregister_operator(signed(OPERATOR)),
				Error::<Runtime>::OperatorInUse
			);
			assert_ok!(Restaking::undelegate(signed(STAKER), 500));
			run_to_block(1 + UNDELEGATION_DELAY);
			assert_ok!(Restaking::withdraw_unbonded(signed(STAKER)));

			let before = free(OPERATOR);
			assert_ok!(Restaking::deregister_operator(signed(OPERATOR)));
			assert_eq!(free(OPERATOR), before + 1_500 + OPERATOR_DEPOSIT);
			assert_eq!(TotalRestaked::<Runtime>::get(), 0);
			assert_noop!(
				Restaking::deregister_operator(signed(OPERATOR)),
				Error::<Runtime>::NotOperator
			);
		});
	}

	#[test]
	fn opt_in_checks_service_and_counts() {
		ExtBuilder::default().build_and_execute(|| {
			let s = NextServiceId::<Runtime>::get();
			assert_ok!(Restaking::register_service(signed(OWNER), vec![], 2_000, 1, true, None));
			operator(OPERATOR, 1_000);
			operator(OPERATOR_2, 3_000);
			assert_noop!(Restaking::opt_in(signed(NOBODY), s), Error::<Runtime>::NotOperator);
			assert_noop!(Restaking::opt_in(signed(OPERATOR), 9), Error::<Runtime>::UnknownService);
			assert_noop!(Restaking::opt_in(signed(OPERATOR), s), Error::<Runtime>::SelfBondTooLow);
			assert_ok!(Restaking::opt_in(signed(OPERATOR_2), s));
			assert_eq!(
				last_event(),
				Event::OptedIn { operator: OPERATOR_2, service: s, approved: false }
			);
			assert_noop!(
				Restaking::opt_in(signed(OPERATOR_2), s),
				Error::<Runtime>::AlreadyOptedIn
			);
			assert_ok!(Restaking::bond_more(signed(OPERATOR), 1_000));
			// A candidate waiting for approval takes no place: OPERATOR can still apply for the
			// one place there is.
			assert_ok!(Restaking::opt_in(signed(OPERATOR), s));
			assert_eq!(Services::<Runtime>::get(s).unwrap().operator_count, 0);

			// Not approved: no allocation yet.
			assert_noop!(
				Restaking::allocate(signed(OPERATOR_2), s, percent(10)),
				Error::<Runtime>::NotApproved
			);
			assert_noop!(
				Restaking::approve_operator(signed(OWNER_2), s, OPERATOR_2),
				Error::<Runtime>::NotServiceOwner
			);
			assert_noop!(
				Restaking::approve_operator(signed(OWNER), s, OPERATOR_3),
				Error::<Runtime>::NotOptedIn
			);
			assert_ok!(Restaking::approve_operator(signed(OWNER), s, OPERATOR_2));
			assert_eq!(Services::<Runtime>::get(s).unwrap().operator_count, 1);
			assert_noop!(
				Restaking::approve_operator(signed(OWNER), s, OPERATOR_2),
				Error::<Runtime>::AlreadyApproved
			);
			// The service's one place is taken.
			assert_noop!(
				Restaking::approve_operator(signed(OWNER), s, OPERATOR),
				Error::<Runtime>::TooManyOperators
			);
			assert_ok!(Restaking::allocate(signed(OPERATOR_2), s, percent(10)));

			// Services per operator are bounded.
			let more: Vec<_> = (0..3).map(|_| service(OWNER)).collect();
			assert_ok!(Restaking::opt_in(signed(OPERATOR_2), more[0]));
			assert_ok!(Restaking::opt_in(signed(OPERATOR_2), more[1]));
			assert_noop!(
				Restaking::opt_in(signed(OPERATOR_2), more[2]),
				Error::<Runtime>::TooManyServices
			);
		});
	}
}

mod allocations {
	use super::*;

	#[test]
	fn increases_wait_for_the_allocation_delay() {
		ExtBuilder::default().build_and_execute(|| {
			let s = service(OWNER);
			operator(OPERATOR, 1_000);
			assert_ok!(Restaking::opt_in(signed(OPERATOR), s));
			assert_ok!(Restaking::allocate(signed(OPERATOR), s, percent(40)));
			assert_eq!(Restaking::slashable_stake(&OPERATOR, s), None);
			run_to_block(1 + ALLOCATION_DELAY - 1);
			assert_eq!(Restaking::slashable_stake(&OPERATOR, s), None);
			run_to_block(1 + ALLOCATION_DELAY);
			assert_eq!(Restaking::slashable_stake(&OPERATOR, s), Some((400, 0)));
			assert_noop!(
				Restaking::allocate(signed(OPERATOR), s, percent(40)),
				Error::<Runtime>::AllocationUnchanged
			);
		});
	}

	#[test]
	fn decreases_stay_slashable_until_the_deallocation_delay() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			let start = System::block_number();
			assert_ok!(Restaking::allocate(signed(OPERATOR), s, percent(0)));
			assert_noop!(Restaking::opt_out(signed(OPERATOR), s), Error::<Runtime>::StillAllocated);
			run_to_block(start + DEALLOCATION_DELAY - 1);
			assert_eq!(Restaking::slashable_stake(&OPERATOR, s), Some((1_000, 3_000)));
			assert_ok!(slash_now(&OPERATOR, s, Perbill::from_percent(10), SlashTier::Critical));
			run_to_block(start + DEALLOCATION_DELAY);
			assert_eq!(Restaking::slashable_stake(&OPERATOR, s), None);
			assert_ok!(Restaking::opt_out(signed(OPERATOR), s));
		});
	}

	#[test]
	fn leverage_bounds_the_sum_of_allocations() {
		ExtBuilder::default().build_and_execute(|| {
			let (a, b) = (service(OWNER), service(OWNER));
			operator(OPERATOR, 1_000);
			allocate(OPERATOR, a, 70);
			assert_ok!(Restaking::opt_in(signed(OPERATOR), b));
			assert_noop!(
				Restaking::allocate(signed(OPERATOR), b, percent(31)),
				Error::<Runtime>::LeverageExceeded
			);
			assert_ok!(Restaking::allocate(signed(OPERATOR), b, percent(30)));
			// A pending decrease still counts until it applies.
			assert_ok!(Restaking::allocate(signed(OPERATOR), a, percent(20)));
			let c = service(OWNER);
			assert_ok!(Restaking::opt_in(signed(OPERATOR), c));
			assert_noop!(
				Restaking::allocate(signed(OPERATOR), c, percent(10)),
				Error::<Runtime>::LeverageExceeded
			);
			run_to_block(System::block_number() + DEALLOCATION_DELAY);
			assert_ok!(Restaking::allocate(signed(OPERATOR), c, percent(10)));
		});
	}

	#[test]
	fn shared_security_allows_overlapping_allocations() {
		ExtBuilder::default().leverage(2).build_and_execute(|| {
			let (a, b, c) = (service(OWNER), service(OWNER), service(OWNER));
			operator(OPERATOR, 1_000);
			allocate(OPERATOR, a, 100);
			allocate(OPERATOR, b, 100);
			assert_ok!(Restaking::opt_in(signed(OPERATOR), c));
			assert_noop!(
				Restaking::allocate(signed(OPERATOR), c, percent(1)),
				Error::<Runtime>::LeverageExceeded
			);
			assert_eq!(Restaking::slashable_stake(&OPERATOR, a), Some((1_000, 0)));
			assert_eq!(Restaking::slashable_stake(&OPERATOR, b), Some((1_000, 0)));
		});
	}

	#[test]
	fn service_concentration_cap_applies_once_satisfiable() {
		let mut params = DefaultParams::get();
		params.max_service_operator_share = Perbill::from_percent(50);
		ExtBuilder::default().params(params).build_and_execute(|| {
			let s = service(OWNER);
			operator(OPERATOR, 1_000);
			operator(OPERATOR_2, 3_000);
			// Alone, an operator holds all of the service: the cap cannot apply yet.
			allocate(OPERATOR, s, 100);
			assert_ok!(Restaking::opt_in(signed(OPERATOR_2), s));
			assert_noop!(
				Restaking::allocate(signed(OPERATOR_2), s, percent(50)),
				Error::<Runtime>::ServiceConcentrationExceeded
			);
			assert_ok!(Restaking::allocate(signed(OPERATOR_2), s, percent(33)));
		});
	}
}

mod delegation {
	use super::*;

	#[test]
	fn delegate_freezes_and_issues_shares() {
		ExtBuilder::default().build_and_execute(|| {
			operator(OPERATOR, 1_000);
			assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, 3_000));
			assert_eq!(
				last_event(),
				Event::Delegated {
					staker: STAKER,
					operator: OPERATOR,
					amount: 3_000,
					shares: 3_000
				}
			);
			assert_eq!(frozen(STAKER), 3_000);
			assert_ok!(Restaking::delegate_more(signed(STAKER), 1_000));
			assert_eq!(frozen(STAKER), 4_000);
			assert_eq!(TotalRestaked::<Runtime>::get(), 5_000);
			// The bond stays in the staker's staking ledger.
			assert_eq!(bonded(STAKER), BOND);
		});
	}

	#[test]
	fn delegate_rejects_bad_input() {
		ExtBuilder::default().build_and_execute(|| {
			operator(OPERATOR, 1_000);
			operator(OPERATOR_2, 1_000);
			assert_noop!(
				Restaking::delegate(signed(STAKER), OPERATOR, 0),
				Error::<Runtime>::AmountTooLow
			);
			assert_noop!(
				Restaking::delegate(signed(STAKER), OPERATOR, 9),
				Error::<Runtime>::AmountTooLow
			);
			assert_noop!(
				Restaking::delegate(signed(STAKER), NOBODY, 100),
				Error::<Runtime>::NotOperator
			);
			assert_noop!(
				Restaking::delegate(signed(NOBODY), OPERATOR, 100),
				Error::<Runtime>::NotStaker
			);
			assert_noop!(
				Restaking::delegate(signed(STAKER), OPERATOR, BOND + 1),
				Error::<Runtime>::ExceedsRestakeable
			);
			assert_noop!(
				Restaking::delegate_more(signed(STAKER), 100),
				Error::<Runtime>::NotDelegator
			);
			assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, 100));
			assert_noop!(
				Restaking::delegate(signed(STAKER), OPERATOR_2, 100),
				Error::<Runtime>::DelegatedElsewhere
			);
			assert_noop!(
				Restaking::delegate(signed(STAKER), OPERATOR, BOND - 99),
				Error::<Runtime>::ExceedsRestakeable
			);
		});
	}

	#[test]
	fn restake_ratio_caps_what_a_staker_restakes() {
		let mut params = DefaultParams::get();
		params.max_restake_ratio = Perbill::from_percent(50);
		ExtBuilder::default().params(params).build_and_execute(|| {
			operator(OPERATOR, 1_000);
			assert_noop!(
				Restaking::delegate(signed(STAKER), OPERATOR, BOND / 2 + 1),
				Error::<Runtime>::ExceedsRestakeable
			);
			assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, BOND / 2));
		});
	}

	#[test]
	fn operator_concentration_cap() {
		let mut params = DefaultParams::get();
		params.max_operator_share = Perbill::from_percent(60);
		params.concentration_threshold = Perbill::from_percent(60);
		ExtBuilder::default().params(params).build_and_execute(|| {
			operator(OPERATOR, 1_000);
			operator(OPERATOR_2, 1_000);
			// 1,500 of 2,500 is exactly the cap.
			assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, 500));
			// 2,500 of 3,500 would be 71 %.
			assert_noop!(
				Restaking::delegate(signed(STAKER_2), OPERATOR, 1_000),
				Error::<Runtime>::OperatorConcentrationExceeded
			);
			assert_ok!(Restaking::delegate(signed(STAKER_2), OPERATOR_2, 1_000));
			assert_noop!(
				Restaking::bond_more(signed(OPERATOR_2), 2_000),
				Error::<Runtime>::OperatorConcentrationExceeded
			);
		});
	}

	#[test]
	fn restaked_funds_cannot_leave_after_base_unbonding() {
		ExtBuilder::default().build_and_execute(|| {
			operator(OPERATOR, 1_000);
			assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, 6_000));
			// Unbond everything from staking and wait out the bonding duration.
			assert_ok!(Staking::unbond(signed(STAKER), BOND));
			set_era(BondingDuration::get() + 1);
			assert_ok!(Staking::withdraw_unbonded(signed(STAKER), 0));
			assert_eq!(bonded(STAKER), 0);
			// The freeze keeps the restaked 6,000 in the account.
			assert_noop!(
				Balances::transfer(&STAKER, &NOBODY, ENDOWMENT - 5_000, Preservation::Expendable),
				TokenError::Frozen
			);
			assert_ok!(Balances::transfer(
				&STAKER,
				&NOBODY,
				ENDOWMENT - 6_000,
				Preservation::Expendable
			));
			assert_eq!(free(STAKER), 6_000);
		});
	}

	#[test]
	fn undelegate_waits_the_delay_then_unfreezes() {
		ExtBuilder::default().build_and_execute(|| {
			operator(OPERATOR, 1_000);
			assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, 3_000));
			assert_noop!(Restaking::undelegate(signed(STAKER), 0), Error::<Runtime>::AmountTooLow);
			assert_noop!(
				Restaking::undelegate(signed(STAKER), 3_001),
				Error::<Runtime>::ExceedsDelegation
			);
			assert_noop!(Restaking::undelegate(signed(NOBODY), 10), Error::<Runtime>::NotDelegator);
			assert_ok!(Restaking::undelegate(signed(STAKER), 1_000));
			let unlock_at = 1 + UNDELEGATION_DELAY;
			assert_eq!(
				last_event(),
				Event::UndelegationQueued {
					staker: STAKER,
					operator: OPERATOR,
					amount: 1_000,
					unlock_at
				}
			);
			// Still frozen while in the delay.
			assert_eq!(frozen(STAKER), 3_000);
			run_to_block(unlock_at - 1);
			assert_noop!(
				Restaking::withdraw_unbonded(signed(STAKER)),
				Error::<Runtime>::NothingToWithdraw
			);
			run_to_block(unlock_at);
			assert_ok!(Restaking::withdraw_unbonded(signed(STAKER)));
			assert_eq!(frozen(STAKER), 2_000);
			assert_eq!(TotalRestaked::<Runtime>::get(), 3_000);
			// Leaving fully removes the position and the freeze.
			assert_ok!(Restaking::undelegate(signed(STAKER), 2_000));
			run_to_block(unlock_at + UNDELEGATION_DELAY);
			assert_ok!(Restaking::withdraw_unbonded(signed(STAKER)));
			assert_eq!(frozen(STAKER), 0);
			assert!(Stakers::<Runtime>::get(STAKER).is_none());
			assert_eq!(Operators::<Runtime>::get(OPERATOR).unwrap().delegator_count, 0);
		});
	}

	#[test]
	fn withdrawals_per_staker_are_bounded() {
		ExtBuilder::default().build_and_execute(|| {
			operator(OPERATOR, 1_000);
			assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, 3_000));
			for _ in 0..3 {
				assert_ok!(Restaking::undelegate(signed(STAKER), 100));
			}
			assert_noop!(
				Restaking::undelegate(signed(STAKER), 100),
				Error::<Runtime>::TooManyWithdrawals
			);
		});
	}

	#[test]
	fn outflow_above_the_era_cap_waits_and_is_never_lost() {
		let mut params = DefaultParams::get();
		params.max_outflow_per_era = Perbill::from_percent(10);
		ExtBuilder::default().params(params).build_and_execute(|| {
			operator(OPERATOR, 1_000);
			assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, 4_000));
			assert_ok!(Restaking::delegate(signed(STAKER_2), OPERATOR, 5_000));
			// Total restaked 10,000: 1,000 may start undelegating per era.
			assert_ok!(Restaking::undelegate(signed(STAKER), 1_500));
			assert_eq!(last_event(), Event::OutflowDeferred { staker: STAKER, amount: 500 });
			assert_eq!(Stakers::<Runtime>::get(STAKER).unwrap().withdrawals[0].value, 1_000);
			// The era is full: everything of STAKER_2 waits.
			assert_ok!(Restaking::undelegate(signed(STAKER_2), 200));
			assert_eq!(OutflowQueue::<Runtime>::get().to_vec(), vec![STAKER, STAKER_2]);
			// Next era: the queue drains in order.
			set_era(1);
			run_to_block(System::block_number() + 1);
			assert!(OutflowQueue::<Runtime>::get().is_empty());
			let first = Stakers::<Runtime>::get(STAKER).unwrap();
			assert_eq!(first.withdrawals.len(), 2);
			assert_eq!(first.withdrawals[1].value, 500);
			assert_eq!(first.queued_outflow, 0);
			let second = Stakers::<Runtime>::get(STAKER_2).unwrap();
			assert_eq!(second.withdrawals[0].value, 200);
		});
	}

	/// With 10 % of the restaked stake allowed to start undelegating per era: OPERATOR
	/// (1,000) with STAKER (4,001) and STAKER_2 (5,000), all allocated to service `s`.
	fn outflow_capped_pool(test: impl FnOnce(ServiceId)) {
		let mut params = DefaultParams::get();
		params.max_outflow_per_era = Perbill::from_percent(10);
		ExtBuilder::default().params(params).build_and_execute(|| {
			let s = service(OWNER);
			operator(OPERATOR, 1_000);
			assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, 4_001));
			assert_ok!(Restaking::delegate(signed(STAKER_2), OPERATOR, 5_000));
			allocate(OPERATOR, s, 100);
			test(s);
		});
	}

	/// A queued outflow released in part after a slash: the shares that leave are rounded up
	/// and the value left is rounded down, so what stays queued must be cut to the value left
	/// (found by the adversarial runtime test, seed 5,919).
	#[test]
	fn a_queued_outflow_released_after_a_slash_stays_within_the_value_left() {
		outflow_capped_pool(|s| {
			// 1,000 of the 10,001 restaked may start per era: 3,001 wait.
			assert_ok!(Restaking::undelegate(signed(STAKER), 4_001));
			assert_eq!(Stakers::<Runtime>::get(STAKER).unwrap().queued_outflow, 3_001);
			assert_ok!(slash_now(&OPERATOR, s, Perbill::from_percent(10), SlashTier::Critical));
			// Next era: part of the queue starts, at a factor of 0.9.
			set_era(1);
			run_to_block(System::block_number() + 1);
			let ledger = Stakers::<Runtime>::get(STAKER).unwrap();
			assert!(ledger.withdrawals.len() == 2, "part of the queue started");
			assert!(ledger.queued_outflow > 0, "part of it still waits");
			assert!(ledger.queued_outflow <= ledger.value, "{ledger:?}");
		});
	}

	/// The same rounding when a staker with a queued outflow undelegates the rest of its
	/// value in a new era's first block, before the queue is released.
	#[test]
	fn an_undelegation_beside_a_queued_outflow_stays_within_the_value_left() {
		outflow_capped_pool(|s| {
			// 1,000 start, 2,000 wait, 1,001 stay.
			assert_ok!(Restaking::undelegate(signed(STAKER), 3_000));
			assert_ok!(slash_now(&OPERATOR, s, Perbill::from_percent(10), SlashTier::Critical));
			// 3,001 shares at 0.9: 2,700, of which 2,000 wait and 700 are free to leave.
			set_era(1);
			assert_ok!(Restaking::undelegate(signed(STAKER), 700));
			let ledger = Stakers::<Runtime>::get(STAKER).unwrap();
			assert!(ledger.queued_outflow <= ledger.value, "{ledger:?}");
		});
	}

	#[test]
	fn outflow_queue_is_bounded() {
		let mut params = DefaultParams::get();
		params.max_outflow_per_era = Perbill::from_percent(1);
		ExtBuilder::default().params(params).build_and_execute(|| {
			operator(OPERATOR, 1_000);
			for who in STAKER..STAKER + 4 {
				assert_ok!(Restaking::delegate(signed(who), OPERATOR, 1_000));
			}
			assert_ok!(Restaking::undelegate(signed(STAKER), 500));
			assert_noop!(
				Restaking::undelegate(signed(STAKER), 100),
				Error::<Runtime>::AlreadyInOutflowQueue
			);
			assert_ok!(Restaking::undelegate(signed(STAKER + 1), 500));
			assert_ok!(Restaking::undelegate(signed(STAKER + 2), 500));
			assert_noop!(
				Restaking::undelegate(signed(STAKER + 3), 500),
				Error::<Runtime>::OutflowQueueFull
			);
		});
	}
}

mod slashing {
	use super::*;

	#[test]
	fn pool_slash_lowers_the_factor_without_touching_stakers() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			let ledger = Stakers::<Runtime>::get(STAKER).unwrap();
			let outcome =
				slash_now(&OPERATOR, s, Perbill::from_percent(10), SlashTier::Critical).unwrap();
			assert_eq!((outcome.from_self_bond, outcome.from_pool), (100, 300));
			assert_eq!(outcome.factor_after, FixedU128::from_rational(9, 10));
			// The staker's record is untouched; its loss is pending.
			assert_eq!(Stakers::<Runtime>::get(STAKER).unwrap(), ledger);
			let pool = Operators::<Runtime>::get(OPERATOR).unwrap();
			assert_eq!(ledger.pending_loss(&pool), 300);
			assert_eq!(frozen(STAKER), 3_000);
			assert_eq!(bonded(STAKER), BOND);
			// The self-bond part is taken at once.
			assert_eq!(Balances::balance_on_hold(&HoldReason::SelfBond.into(), &OPERATOR), 900);
			assert_eq!(slashed_funds(), 100);
			// Unique stake: magnitude and max magnitude shrink by the slashed share.
			assert_eq!(pool.max_magnitude, percent(90));
			assert_eq!(Memberships::<Runtime>::get(OPERATOR, s).unwrap().magnitude, percent(90));
			assert_eq!(Restaking::slashable_stake(&OPERATOR, s), Some((900, 2_700)));
		});
	}

	#[test]
	fn settle_realizes_from_the_bond() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			assert_ok!(slash_now(&OPERATOR, s, Perbill::from_percent(10), SlashTier::Critical));
			assert_noop!(
				Restaking::settle(signed(NOBODY), STAKER_2),
				Error::<Runtime>::NotDelegator
			);
			let issuance = Balances::total_issuance();
			let post = Restaking::settle(signed(NOBODY), STAKER).unwrap();
			assert_eq!(post.pays_fee, frame_support::dispatch::Pays::No);
			assert_eq!(bonded(STAKER), BOND - 300);
			assert_eq!(frozen(STAKER), 2_700);
			assert_eq!(slashed_funds(), 400);
			// Nothing is created or lost: the 300 moved from the staker's bond to the handler.
			assert_eq!(Balances::total_issuance(), issuance);
			assert!(events().contains(&Event::LossRealized {
				staker: STAKER,
				operator: OPERATOR,
				loss: 300,
				from_bond: 300,
				from_free: 0,
				owed: 0,
			}));
			// Our own realization is not read back as a base-layer slash.
			assert!(!events().iter().any(|e| matches!(e, Event::StakerBaseSlashed { .. })));
			assert_noop!(
				Restaking::settle(signed(NOBODY), STAKER),
				Error::<Runtime>::NothingToSettle
			);
		});
	}

	#[test]
	fn realization_falls_back_to_frozen_free_balance() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			assert_ok!(Staking::unbond(signed(STAKER), BOND));
			set_era(BondingDuration::get() + 1);
			assert_ok!(Staking::withdraw_unbonded(signed(STAKER), 0));
			assert_ok!(slash_now(&OPERATOR, s, Perbill::from_percent(10), SlashTier::Critical));
			let before = free(STAKER);
			assert_ok!(Restaking::settle(signed(NOBODY), STAKER));
			assert_eq!(free(STAKER), before - 300);
			assert_eq!(frozen(STAKER), 2_700);
			assert!(events().contains(&Event::LossRealized {
				staker: STAKER,
				operator: OPERATOR,
				loss: 300,
				from_bond: 0,
				from_free: 300,
				owed: 0,
			}));
		});
	}

	#[test]
	fn tiers_decide_who_pays() {
		// Slashable: 1,000 self-bond and 3,000 pool.
		for (tier, percent, self_part, pool_part) in [
			(SlashTier::Minor, 10, 400, 0),
			(SlashTier::Major, 10, 400, 0),
			// 1,000 asked of the pool; the factor rounds down, so delegators pay one unit more.
			(SlashTier::Major, 50, 1_000, 1_001),
			(SlashTier::Critical, 20, 200, 600),
		] {
			ExtBuilder::default().build_and_execute(|| {
				let s = setup_pool();
				let outcome =
					slash_now(&OPERATOR, s, Perbill::from_percent(percent), tier).unwrap();
				assert_eq!(
					(outcome.from_self_bond, outcome.from_pool),
					(self_part, pool_part),
					"{tier:?} {percent}%"
				);
			});
		}
	}

	#[test]
	fn minor_never_touches_the_pool() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			let outcome =
				slash_now(&OPERATOR, s, Perbill::from_percent(90), SlashTier::Minor).unwrap();
			assert_eq!((outcome.from_self_bond, outcome.from_pool), (1_000, 0));
			assert_eq!(outcome.factor_after, outcome.factor_before);
		});
	}

	#[test]
	fn unique_stake_isolates_other_services() {
		ExtBuilder::default().build_and_execute(|| {
			let (a, b) = (service(OWNER), service(OWNER));
			operator(OPERATOR, 1_000);
			assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, 3_000));
			allocate(OPERATOR, a, 50);
			allocate(OPERATOR, b, 50);
			assert_eq!(Restaking::slashable_stake(&OPERATOR, b), Some((500, 1_500)));
			let outcome =
				slash_now(&OPERATOR, a, Perbill::from_percent(50), SlashTier::Critical).unwrap();
			assert_eq!(outcome.total(), 1_000);
			assert_eq!(Restaking::slashable_stake(&OPERATOR, a), Some((250, 750)));
			// B keeps all of its slashable stake (the parts move between self-bond and pool
			// only through rounding).
			let (sb, pv) = Restaking::slashable_stake(&OPERATOR, b).unwrap();
			assert!((sb + pv).abs_diff(2_000) <= 1, "{sb} + {pv}");
			assert!(SecurityDrops::get().is_empty());
		});
	}

	#[test]
	fn shared_security_spreads_a_slash() {
		ExtBuilder::default().leverage(2).build_and_execute(|| {
			let (a, b) = (service(OWNER), service(OWNER));
			operator(OPERATOR, 1_000);
			assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, 3_000));
			allocate(OPERATOR, a, 100);
			allocate(OPERATOR, b, 100);
			assert_ok!(slash_now(&OPERATOR, a, Perbill::from_percent(50), SlashTier::Critical));
			assert_eq!(Restaking::slashable_stake(&OPERATOR, a), Some((250, 750)));
			assert_eq!(Restaking::slashable_stake(&OPERATOR, b), Some((500, 1_500)));
			assert_eq!(SecurityDrops::get(), vec![(OPERATOR, b, 4_000, 2_000)]);
			assert!(events().contains(&Event::SecurityReduced {
				service: b,
				operator: OPERATOR,
				before: 4_000,
				after: 2_000
			}));
		});
	}

	#[test]
	fn slash_cannot_exceed_the_allocation() {
		ExtBuilder::default().build_and_execute(|| {
			let s = service(OWNER);
			operator(OPERATOR, 1_000);
			assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, 3_000));
			allocate(OPERATOR, s, 25);
			let outcome = slash_now(&OPERATOR, s, Perbill::one(), SlashTier::Critical).unwrap();
			assert_eq!((outcome.from_self_bond, outcome.from_pool), (250, 750));
			assert_eq!(Restaking::slashable_stake(&OPERATOR, s), None);
			assert_noop!(
				slash_now(&OPERATOR, s, Perbill::one(), SlashTier::Critical),
				Error::<Runtime>::NothingToSlash
			);
			assert_noop!(
				slash_now(&OPERATOR, s, Perbill::zero(), SlashTier::Critical),
				Error::<Runtime>::NothingToSlash
			);
			assert_noop!(
				slash_now(&OPERATOR_2, s, Perbill::one(), SlashTier::Critical),
				Error::<Runtime>::NotOptedIn
			);
		});
	}

	#[test]
	fn queued_withdrawals_stay_slashable() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			assert_ok!(Restaking::undelegate(signed(STAKER), 3_000));
			assert_ok!(slash_now(&OPERATOR, s, Perbill::from_percent(10), SlashTier::Critical));
			run_to_block(System::block_number() + UNDELEGATION_DELAY);
			assert_ok!(Restaking::withdraw_unbonded(signed(STAKER)));
			assert!(events().contains(&Event::Withdrawn {
				staker: STAKER,
				operator: OPERATOR,
				amount: 2_700
			}));
			assert_eq!(bonded(STAKER), BOND - 300);
			assert_eq!(frozen(STAKER), 0);
		});
	}

	/// Five stakers delegating 1,000 each to OPERATOR (1,000 self-bond), then a 20 % slash
	/// of the pool that nobody has realized yet.
	fn five_stakers_with_a_pending_loss() {
		let s = service(OWNER);
		operator(OPERATOR, 1_000);
		for who in STAKER..STAKER + 5 {
			assert_ok!(Restaking::delegate(signed(who), OPERATOR, 1_000));
		}
		allocate(OPERATOR, s, 100);
		assert_ok!(slash_now(&OPERATOR, s, Perbill::from_percent(20), SlashTier::Critical));
	}

	#[test]
	fn idle_sweep_realizes_pending_losses() {
		ExtBuilder::default().build_and_execute(|| {
			five_stakers_with_a_pending_loss();
			run_to_block(System::block_number() + 1);
			for who in STAKER..STAKER + 5 {
				assert_eq!(bonded(who), BOND - 200);
				assert_eq!(frozen(who), 800);
			}
			assert_eq!(slashed_funds(), 200 + 5 * 200);
		});
	}

	/// The idle hook spends at most its limit: with room for two stakers it settles two and
	/// resumes after them in the next block; the charge is the benchmarked weight of the work.
	#[test]
	fn idle_sweep_stays_within_its_weight_and_resumes() {
		use crate::weights::WeightInfo;
		use frame_support::{traits::Hooks, weights::Weight};
		ExtBuilder::default().build_and_execute(|| {
			five_stakers_with_a_pending_loss();
			let pool = Operators::<Runtime>::get(OPERATOR).unwrap();
			let settled = || {
				Stakers::<Runtime>::iter_values()
					.filter(|ledger| ledger.pending_loss(&pool) == 0)
					.count()
			};
			let outflow = <() as WeightInfo>::idle_release_outflow(0);
			let sweep = <() as WeightInfo>::idle_sweep(2);
			let limit = outflow.saturating_add(sweep);
			let now = System::block_number();
			assert_eq!(Restaking::on_idle(now, limit), limit);
			assert_eq!(settled(), 2);
			assert!(SweepCursor::<Runtime>::get().is_some());
			// No room: nothing happens.
			assert_eq!(Restaking::on_idle(now, Weight::zero()), Weight::zero());
			assert_eq!(settled(), 2);
			assert_eq!(Restaking::on_idle(now + 1, limit), limit);
			assert_eq!(settled(), 4);
			// The last staker: the cursor reaches the end and starts over next time.
			let last = outflow.saturating_add(<() as WeightInfo>::idle_sweep(1));
			assert_eq!(Restaking::on_idle(now + 2, limit), last);
			assert_eq!(settled(), 5);
			assert_eq!(SweepCursor::<Runtime>::get(), None);
		});
	}

	#[test]
	fn slash_cost_does_not_depend_on_delegators() {
		ExtBuilder::default().build_and_execute(|| {
			let s = service(OWNER);
			operator(OPERATOR, 1_000);
			for who in STAKER..STAKER + STAKERS {
				assert_ok!(Restaking::delegate(signed(who), OPERATOR, 500));
			}
			allocate(OPERATOR, s, 100);
			let before: Vec<_> = Stakers::<Runtime>::iter().collect();
			assert_ok!(slash_now(&OPERATOR, s, Perbill::from_percent(20), SlashTier::Critical));
			let after: Vec<_> = Stakers::<Runtime>::iter().collect();
			assert_eq!(before, after, "no delegator record is written by a slash");
		});
	}
}

mod base_layer {
	use super::*;

	/// The tests run on the staking pallet CI asked for (`restaking-test-support`'s feature
	/// `staking-async`), and the mock's adapter is that pallet's.
	#[test]
	fn the_mock_runs_on_the_backend_asked_for() {
		let backend = restaking_test_support::BACKEND.replace('-', "_");
		assert!(core::any::type_name::<Staking>().starts_with(&format!("{backend}::")));
		assert!(core::any::type_name::<StakingAdapter>()
			.contains(if backend == "pallet_staking" { "PalletStaking" } else { "StakingAsync" }));
	}

	/// While an election runs, `pallet-staking` answers `StakingInterface::current_era` with the
	/// era it plans, one ahead of the active one (`pallet-staking-async` answers the active
	/// one). Restaking dates its yield records and outflow caps by the active era on both.
	#[test]
	fn records_and_caps_are_dated_by_the_active_era() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			assert_ok!(Restaking::fund_service(signed(OWNER), s, 10_000));
			// Era 3 is active, era 4 planned.
			set_era(3);
			staking::CurrentEra::<Runtime>::put(4);
			let interface_era = <Staking as sp_staking::StakingInterface>::current_era();
			let planned_first = restaking_test_support::BACKEND == "pallet-staking";
			assert_eq!(interface_era, if planned_first { 4 } else { 3 });

			assert_ok!(Restaking::pay_rewards(signed(OWNER), s, OPERATOR, 1_000));
			assert_eq!(PoolHistory::<Runtime>::get(OPERATOR).last().map(|r| r.era), Some(3));
			assert_ok!(Restaking::undelegate(signed(STAKER), 100));
			assert_eq!(CurrentOutflow::<Runtime>::get().era, 3);
			assert_eq!(Restaking::operator_yield(OPERATOR).unwrap().window.current_era, 3);
		});
	}

	/// A realized loss leaves the staker's bond through the staking pallet's own slash, which
	/// its ledger and its `Slashed` event show like any base-layer slash.
	#[test]
	fn a_realized_loss_is_a_slash_of_the_bond_in_the_staking_pallet() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			// Critical: the self-bond and the pool pay pro rata, 10 % each: 300 of the pool.
			assert_ok!(slash_now(&OPERATOR, s, Perbill::from_percent(10), SlashTier::Critical));
			assert_ok!(Restaking::settle(signed(NOBODY), STAKER));
			assert_eq!(bonded(STAKER), BOND - 300);
			let slashed =
				RuntimeEvent::Staking(staking::Event::Slashed { staker: STAKER, amount: 300 });
			assert!(System::events().iter().any(|record| record.event == slashed));
			assert_eq!(slashed_funds(), 300 + 100);
		});
	}

	#[test]
	fn a_base_slash_shrinks_the_restaked_value_in_proportion() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			// 10 % of the staker's bond goes on the base layer.
			base_slash(STAKER, BOND / 10);
			assert_eq!(bonded(STAKER), BOND - BOND / 10);
			assert!(events().contains(&Event::StakerBaseSlashed {
				staker: STAKER,
				operator: OPERATOR,
				value_before: 3_000,
				value_after: 2_700
			}));
			assert_eq!(frozen(STAKER), 2_700);
			// The service lost slashable stake, and was told.
			assert_eq!(Restaking::slashable_stake(&OPERATOR, s), Some((1_000, 2_700)));
			assert_eq!(SecurityDrops::get(), vec![(OPERATOR, s, 4_000, 3_700)]);
			assert_eq!(TotalRestaked::<Runtime>::get(), 3_700);
		});
	}

	/// Each part of a position (active value, each withdrawal) rounds its drop down; together
	/// they may not keep more than the base layer left, or the freeze would hold free balance
	/// that was never restaked (a vault's reserve, which a later loss then took).
	#[test]
	fn a_base_slash_leaves_no_more_restaked_than_bonded() {
		ExtBuilder::default().build_and_execute(|| {
			// Given all of the bond restaked, 200 of it withdrawing.
			operator(OPERATOR, 1_000);
			assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, BOND));
			assert_ok!(Restaking::undelegate(signed(STAKER), 200));
			// When the base layer takes 9,973 of the 10,000: the parts alone would drop
			// ⌊9,800 · 0.9973⌋ + ⌊200 · 0.9973⌋ = 9,773 + 199 and keep 28.
			base_slash(STAKER, 9_973);
			// Then the position keeps the 27 left bonded, and no free balance is frozen: one
			// unit comes off the active value (26 on its 26 shares), the withdrawal keeps 1.
			assert_eq!(bonded(STAKER), 27);
			let ledger = Stakers::<Runtime>::get(STAKER).unwrap();
			assert_eq!(ledger.restaked(), 27);
			assert_eq!(frozen(STAKER), 27);
			assert_eq!((ledger.value, ledger.shares), (26, 26));
			assert_eq!(ledger.withdrawals[0].value, 1);
		});
	}

	/// With balances of 18 decimals, a slash of a third is not a `Perquintill`: cutting shares
	/// by the truncated fraction would leave a hundred units too many, the position above the
	/// bond, and the freeze on free balance.
	#[test]
	fn a_base_slash_of_a_large_position_leaves_no_more_restaked_than_bonded() {
		ExtBuilder::default().build_and_execute(|| {
			let large: Balance = 3 * 10u128.pow(20);
			Balances::set_balance(&STAKER, 2 * large);
			assert_ok!(Staking::bond_extra(signed(STAKER), large - BOND));
			operator(OPERATOR, 1_000);
			assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, large));
			base_slash(STAKER, large / 3);
			assert_eq!(bonded(STAKER), 2 * 10u128.pow(20));
			assert_eq!(Stakers::<Runtime>::get(STAKER).unwrap().restaked(), 2 * 10u128.pow(20));
			assert_eq!(frozen(STAKER), 2 * 10u128.pow(20));
		});
	}

	#[test]
	fn a_base_slash_of_an_operator_lowers_its_pool() {
		ExtBuilder::default().build_and_execute(|| {
			let s = service(OWNER);
			// The operator is itself a base-layer staker (STAKER_3).
			operator(STAKER_3, 1_000);
			assert_ok!(Restaking::delegate(signed(STAKER), STAKER_3, 3_000));
			allocate(STAKER_3, s, 100);
			base_slash(STAKER_3, BOND / 5);
			let pool = Operators::<Runtime>::get(STAKER_3).unwrap();
			assert_eq!(pool.factor, FixedU128::from_rational(4, 5));
			assert_eq!(pool.self_bond, 800);
			assert_eq!(Restaking::slashable_stake(&STAKER_3, s), Some((800, 2_400)));
			assert_eq!(SecurityDrops::get(), vec![(STAKER_3, s, 4_000, 3_200)]);
			assert_ok!(Restaking::settle(signed(NOBODY), STAKER));
			assert_eq!(bonded(STAKER), BOND - 600);
		});
	}
}

mod rewards {
	use super::*;

	#[test]
	fn rewards_pay_commission_then_per_share() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			assert_ok!(Restaking::fund_service(signed(OWNER), s, 10_000));
			let op_before = free(OPERATOR);
			assert_ok!(Restaking::pay_rewards(signed(OWNER), s, OPERATOR, 1_000));
			// 10 % commission = 100; of the 900 left, the pool holds 3/4 of the stake.
			assert_eq!(
				last_event(),
				Event::RewardsPaid {
					service: s,
					operator: OPERATOR,
					to_operator: 325,
					to_pool: 675,
					withheld: 0
				}
			);
			assert_eq!(free(OPERATOR), op_before + 325);
			assert_eq!(Services::<Runtime>::get(s).unwrap().reward_budget, 9_000);
			let before = free(STAKER);
			assert_ok!(Restaking::claim(signed(STAKER)));
			assert_eq!(free(STAKER), before + 675);
			assert_eq!(
				last_event(),
				Event::Claimed { staker: STAKER, rewards: 675, compensation: 0 }
			);
			assert_noop!(Restaking::claim(signed(STAKER)), Error::<Runtime>::NothingToClaim);
		});
	}

	#[test]
	fn pay_rewards_rejects_bad_input() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			assert_ok!(Restaking::fund_service(signed(OWNER), s, 100));
			assert_noop!(
				Restaking::pay_rewards(signed(OWNER_2), s, OPERATOR, 10),
				Error::<Runtime>::NotServiceOwner
			);
			assert_noop!(
				Restaking::pay_rewards(signed(OWNER), s, OPERATOR, 0),
				Error::<Runtime>::AmountTooLow
			);
			assert_noop!(
				Restaking::pay_rewards(signed(OWNER), s, OPERATOR, 101),
				Error::<Runtime>::InsufficientBudget
			);
			assert_noop!(
				Restaking::pay_rewards(signed(OWNER), s, OPERATOR_2, 10),
				Error::<Runtime>::NotOptedIn
			);
		});
	}

	#[test]
	fn concentrated_pools_get_less_and_the_rest_stays_in_the_budget() {
		let mut params = DefaultParams::get();
		params.concentration_threshold = Perbill::from_percent(50);
		params.concentration_floor = Perbill::from_percent(50);
		ExtBuilder::default().params(params).build_and_execute(|| {
			let s = setup_pool();
			assert_ok!(Restaking::fund_service(signed(OWNER), s, 1_000));
			// The pool holds 100 % of all restake: it gets the floor, half.
			assert_ok!(Restaking::pay_rewards(signed(OWNER), s, OPERATOR, 1_000));
			assert!(matches!(last_event(), Event::RewardsPaid { withheld: 500, .. }));
			assert_eq!(Services::<Runtime>::get(s).unwrap().reward_budget, 500);
		});
	}

	#[test]
	fn concentration_curve_is_linear_between_threshold_and_cap() {
		let params = Parameters {
			max_restake_ratio: Perbill::one(),
			max_operator_share: Perbill::from_percent(40),
			max_service_operator_share: Perbill::one(),
			max_outflow_per_era: Perbill::one(),
			concentration_threshold: Perbill::from_percent(20),
			concentration_floor: Perbill::from_percent(50),
		};
		assert_eq!(params.concentration_factor(Perbill::from_percent(10)), Perbill::one());
		assert_eq!(params.concentration_factor(Perbill::from_percent(20)), Perbill::one());
		assert_eq!(
			params.concentration_factor(Perbill::from_percent(30)),
			Perbill::from_percent(75)
		);
		assert_eq!(
			params.concentration_factor(Perbill::from_percent(40)),
			Perbill::from_percent(50)
		);
		assert_eq!(
			params.concentration_factor(Perbill::from_percent(90)),
			Perbill::from_percent(50)
		);
	}
}

mod parameters {
	use super::*;

	#[test]
	fn only_root_sets_valid_parameters() {
		ExtBuilder::default().build_and_execute(|| {
			let mut params = DefaultParams::get();
			params.max_outflow_per_era = Perbill::from_percent(5);
			assert_noop!(
				Restaking::set_parameters(signed(OWNER), params),
				DispatchError::BadOrigin
			);
			let mut bad = params;
			bad.max_restake_ratio = Perbill::zero();
			assert_noop!(
				Restaking::set_parameters(RuntimeOrigin::root(), bad),
				Error::<Runtime>::InvalidParameters
			);
			let mut bad = params;
			bad.concentration_threshold = Perbill::one();
			bad.max_operator_share = Perbill::from_percent(50);
			assert_noop!(
				Restaking::set_parameters(RuntimeOrigin::root(), bad),
				Error::<Runtime>::InvalidParameters
			);
			assert_ok!(Restaking::set_parameters(RuntimeOrigin::root(), params));
			assert_eq!(ActiveParameters::<Runtime>::get(), params);
		});
	}

	#[test]
	fn integrity_test_passes() {
		ExtBuilder::default().build_and_execute(|| {
			<Restaking as frame_support::traits::Hooks<u64>>::integrity_test();
		});
	}
}

#[test]
fn the_freeze_overlaps_the_staking_hold() {
	ExtBuilder::default().build_and_execute(|| {
		operator(OPERATOR, 1_000);
		assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, 3_000));
		// Free: 90,000 unbonded + 10,000 held by staking, of which 3,000 is restaked. Moving
		// all the free balance is allowed: the freeze is covered by the staking hold.
		assert_ok!(Balances::transfer(&STAKER, &NOBODY, free(STAKER) - 1, Preservation::Preserve));
	});
}

mod exits_and_losses {
	use super::*;

	#[test]
	fn no_stake_leaves_while_a_slash_waits() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			assert_ok!(Restaking::undelegate(signed(STAKER), 1_000));
			allocate(OPERATOR, s, 0);
			run_to_block(System::block_number() + UNDELEGATION_DELAY);
			FrozenExits::set(vec![OPERATOR]);
			assert_noop!(
				Restaking::withdraw_unbonded(signed(STAKER)),
				Error::<Runtime>::SlashPending
			);
			assert_noop!(Restaking::opt_out(signed(OPERATOR), s), Error::<Runtime>::SlashPending);
			assert_noop!(
				Restaking::deregister_operator(signed(OPERATOR)),
				Error::<Runtime>::SlashPending
			);
			// Nor can stake start leaving another service; allocating more is still allowed.
			let other = service(OWNER);
			FrozenExits::set(vec![]);
			assert_ok!(Restaking::opt_in(signed(OPERATOR), other));
			FrozenExits::set(vec![OPERATOR]);
			allocate(OPERATOR, other, 50);
			assert_noop!(
				Restaking::allocate(signed(OPERATOR), other, percent(10)),
				Error::<Runtime>::SlashPending
			);
			assert_ok!(Restaking::allocate(signed(OPERATOR), other, percent(60)));
			// Once the slash has landed (or was vetoed), exits open again.
			FrozenExits::set(vec![]);
			assert_ok!(Restaking::withdraw_unbonded(signed(STAKER)));
			assert_ok!(Restaking::opt_out(signed(OPERATOR), s));
		});
	}

	#[test]
	fn the_loss_ledger_follows_imposed_and_realized_losses() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			assert_ok!(Restaking::delegate(signed(STAKER_2), OPERATOR, 1_000));
			assert_ok!(slash_now(&OPERATOR, s, Perbill::from_percent(10), SlashTier::Critical));
			let losses = Restaking::pool_losses(&OPERATOR);
			// Two delegators with up to three withdrawals each: 2 × 4 + 1 units of rounding.
			assert_eq!(
				(losses.from_service_slashes, losses.realized, losses.rounding),
				(400, 0, 9)
			);
			assert_ok!(Restaking::settle(signed(NOBODY), STAKER));
			let losses = Restaking::pool_losses(&OPERATOR);
			assert_eq!((losses.realized, losses.realized_from_bond), (300, 300));
			// A base-layer slash of STAKER_2 takes 10 % of its bond, and with it 10 % of the
			// loss it still owes the pool: the base layer absorbed that part.
			base_slash(STAKER_2, BOND / 10);
			let losses = Restaking::pool_losses(&OPERATOR);
			assert_eq!(losses.realized, 310);
			assert_ok!(Restaking::settle(signed(NOBODY), STAKER_2));
			let losses = Restaking::pool_losses(&OPERATOR);
			assert_eq!(losses.realized, 400);
			assert_eq!(losses.realized_from_bond, 390);
		});
	}

	#[test]
	fn rounding_stays_accounted_after_the_delegators_leave() {
		ExtBuilder::default().build_and_execute(|| {
			// Ten delegators of 11 each; a slash of 6 from the pool rounds each one's loss up
			// to a whole unit, 10 in all, more than the pool's drop in value.
			let s = service(OWNER);
			operator(OPERATOR, MIN_SELF_BOND);
			let stakers: Vec<_> = (STAKER..STAKER + STAKERS).collect();
			for who in &stakers {
				assert_ok!(Restaking::delegate(signed(*who), OPERATOR, 11));
			}
			allocate(OPERATOR, s, 100);
			assert_ok!(slash_now(&OPERATOR, s, Perbill::from_percent(5), SlashTier::Critical));
			for who in &stakers {
				assert_ok!(Restaking::undelegate(signed(*who), 10));
			}
			run_to_block(System::block_number() + UNDELEGATION_DELAY);
			for who in &stakers {
				assert_ok!(Restaking::withdraw_unbonded(signed(*who)));
			}
			assert_eq!(Operators::<Runtime>::get(OPERATOR).unwrap().delegator_count, 0);
			let losses = Restaking::pool_losses(&OPERATOR);
			assert!(losses.realized > losses.from_service_slashes);
			assert!(losses.realized <= losses.from_service_slashes + losses.rounding);
		});
	}

	#[test]
	fn a_position_with_value_left_is_not_empty() {
		ExtBuilder::default().build_and_execute(|| {
			operator(OPERATOR, 1_000);
			let pool = Operators::<Runtime>::get(OPERATOR).unwrap();
			let mut ledger = StakerLedger::<Runtime>::new(OPERATOR, &pool);
			assert!(ledger.is_empty());
			// No shares, but a loss still to realize: the position must stay.
			ledger.value = 1;
			assert!(!ledger.is_empty());
			ledger.value = 0;
			ledger.queued_outflow = 1;
			assert!(!ledger.is_empty());
		});
	}
}

mod compensation {
	use super::*;

	#[test]
	fn compensation_is_split_per_active_share_and_claimed() {
		ExtBuilder::default().build_and_execute(|| {
			operator(OPERATOR, 1_000);
			// No delegators: nobody to compensate.
			assert_noop!(
				Restaking::compensate(&OPERATOR, &NOBODY, 100),
				Error::<Runtime>::EmptyPool
			);
			assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, 3_000));
			assert_ok!(Restaking::delegate(signed(STAKER_2), OPERATOR, 1_000));
			assert_noop!(
				Restaking::compensate(&OPERATOR, &NOBODY, 0),
				Error::<Runtime>::AmountTooLow
			);
			let before = free(NOBODY);
			assert_eq!(Restaking::compensate(&OPERATOR, &NOBODY, 400), Ok(400));
			assert_eq!(free(NOBODY), before - 400);
			assert_eq!(last_event(), Event::CompensationPaid { operator: OPERATOR, amount: 400 });
			let before = free(STAKER);
			assert_ok!(Restaking::claim(signed(STAKER)));
			assert_eq!(free(STAKER), before + 300);
			let before = free(STAKER_2);
			assert_ok!(Restaking::claim(signed(STAKER_2)));
			assert_eq!(free(STAKER_2), before + 100);
		});
	}
}

/// Attacks on the guarantee that a slash lands in full on the stake that was there at the
/// fault, each run through the public calls and checked in units.
mod attacks {
	use super::*;
	use frame_support::traits::fungible::Inspect;

	/// STAKER leaves the base layer: it unbonds its whole bond and withdraws it once the
	/// bonding duration passed. What it restaked stays in its account, frozen.
	fn leave_base_layer(who: AccountId) {
		assert_ok!(Staking::unbond(signed(who), BOND));
		set_era(BondingDuration::get() + 1);
		assert_ok!(Staking::withdraw_unbonded(signed(who), 0));
	}

	#[test]
	fn a_loss_parked_in_another_hold_stays_owed_and_frozen() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			leave_base_layer(STAKER);
			assert_eq!(bonded(STAKER), 0);
			// Everything that is not frozen leaves; the frozen 3,000 (all but a unit) go into
			// service deposits, a hold the loss cannot be collected from.
			let dest = NOBODY;
			assert_ok!(Balances::transfer_all(signed(STAKER), dest, true));
			assert_eq!(free(STAKER), 3_000);
			let parked: Vec<ServiceId> = (0..59).map(|_| service(STAKER)).collect();
			assert_eq!(
				Balances::balance_on_hold(&HoldReason::ServiceDeposit.into(), &STAKER),
				2_950
			);
			// The service slashes all of the pool.
			assert_ok!(slash_now(&OPERATOR, s, Perbill::one(), SlashTier::Critical));
			let sink = slashed_funds();
			assert_ok!(Restaking::settle(signed(NOBODY), STAKER));
			// 49 of the 50 left free are collected (the holds keep the account alive); 2,951
			// stay owed, and frozen. The position holds nothing else, so it leaves the pool and
			// the debt stays with the account.
			assert_eq!(slashed_funds(), sink + 49);
			assert!(Stakers::<Runtime>::get(STAKER).is_none());
			assert_eq!(Operators::<Runtime>::get(OPERATOR).unwrap().delegator_count, 0);
			assert_eq!(Debts::<Runtime>::get(STAKER).unwrap().amount, 2_951);
			assert_eq!(Shortfall::<Runtime>::get(), 2_951);
			assert_eq!(frozen(STAKER), 2_951);
			// While it owes, the account cannot delegate again.
			assert_noop!(
				Restaking::delegate(signed(STAKER), OPERATOR, 10),
				Error::<Runtime>::LossOutstanding
			);
			// The staker releases its deposits: the funds come back frozen and cannot leave.
			for id in parked {
				assert_ok!(Restaking::retire_service(signed(STAKER), id));
			}
			assert_noop!(
				Balances::transfer_allow_death(signed(STAKER), dest, 100),
				TokenError::Frozen
			);
			// The next touch collects the debt to the unit and closes the worthless position.
			assert_ok!(Restaking::settle(signed(NOBODY), STAKER));
			assert_eq!(slashed_funds(), sink + 3_000);
			assert_eq!(Shortfall::<Runtime>::get(), 0);
			assert_eq!(frozen(STAKER), 0);
			assert!(Debts::<Runtime>::get(STAKER).is_none());
			assert_eq!(Balances::total_balance(&STAKER), 0);
		});
	}

	#[test]
	fn a_base_slash_never_releases_more_than_it_took() {
		ExtBuilder::default().build_and_execute(|| {
			setup_pool();
			// The staker unbonds and withdraws 9,000 of its 10,000: 1,000 stay bonded, and of
			// the 3,000 it restaked, 2,000 sit frozen outside the bond.
			assert_ok!(Staking::unbond(signed(STAKER), 9_000));
			set_era(BondingDuration::get() + 1);
			assert_ok!(Staking::withdraw_unbonded(signed(STAKER), 0));
			assert_eq!((bonded(STAKER), frozen(STAKER)), (1_000, 3_000));
			// The base layer slashes 30 % of the bond: 300.
			base_slash(STAKER, 300);
			let ledger = Stakers::<Runtime>::get(STAKER).unwrap();
			// The position (and its freeze) shrinks by the 300 taken, not by 30 % of 3,000.
			assert_eq!(ledger.value, 2_700);
			assert_eq!(frozen(STAKER), 2_700);
			// What can leave the account is exactly what was never restaked.
			assert_eq!(Balances::total_balance(&STAKER), ENDOWMENT - 300);
			assert_eq!(
				Balances::reducible_balance(
					&STAKER,
					Preservation::Expendable,
					frame_support::traits::tokens::Fortitude::Polite
				),
				Balances::total_balance(&STAKER) - 2_700
			);
		});
	}

	#[test]
	fn a_base_slash_of_unbonding_stake_takes_its_share_only() {
		ExtBuilder::default().build_and_execute(|| {
			setup_pool();
			// The staker unbonds 9,000 of its 10,000 and does not withdraw: 1,000 stay active,
			// 9,000 unbond, and 3,000 of it all are restaked.
			assert_ok!(Staking::unbond(signed(STAKER), 9_000));
			assert_eq!(bonded(STAKER), 10_000);
			// The base layer slashes 30 % of what was bonded at the offence, unbonding chunks
			// included: 3,000.
			base_slash(STAKER, 3_000);
			assert_eq!(bonded(STAKER), 7_000);
			// The restaked 3,000 were 30 % of the bond: they lose 30 %, and the freeze falls by
			// those 900 only.
			assert_eq!(Stakers::<Runtime>::get(STAKER).unwrap().value, 2_100);
			assert_eq!(frozen(STAKER), 2_100);
			assert_eq!(Balances::total_balance(&STAKER), ENDOWMENT - 3_000);
		});
	}

	#[test]
	fn a_base_slash_of_a_partly_restaked_bond_takes_its_share_only() {
		ExtBuilder::default().build_and_execute(|| {
			setup_pool();
			// 3,000 of a 10,000 bond restaked; the base layer takes 10 %.
			base_slash(STAKER, 1_000);
			assert_eq!(Stakers::<Runtime>::get(STAKER).unwrap().value, 2_700);
			assert_eq!(frozen(STAKER), 2_700);
		});
	}

	#[test]
	fn members_that_never_allocate_do_not_block_the_service_share_cap() {
		let params = Parameters {
			max_service_operator_share: Perbill::from_percent(50),
			..DefaultParams::get()
		};
		ExtBuilder::default().params(params).build_and_execute(|| {
			let s = service(OWNER);
			operator(OPERATOR, 1_000);
			operator(OPERATOR_2, 1_000);
			// A stranger opts in and never allocates.
			assert_ok!(Restaking::opt_in(signed(OPERATOR_2), s));
			// The first operator to allocate is not held to a cap nobody could meet.
			assert_ok!(Restaking::opt_in(signed(OPERATOR), s));
			assert_ok!(Restaking::allocate(signed(OPERATOR), s, percent(100)));
		});
	}

	#[test]
	fn dust_allocations_do_not_switch_the_service_share_cap_on() {
		let params = Parameters {
			max_service_operator_share: Perbill::from_percent(50),
			..DefaultParams::get()
		};
		ExtBuilder::default().params(params).build_and_execute(|| {
			let s = service(OWNER);
			operator(OPERATOR, 1_000);
			operator(OPERATOR_2, 1_000);
			operator(OPERATOR_3, 1_000);
			// A sybil allocates 1 %: 10 at stake, below the service's minimum of 100.
			allocate(OPERATOR_2, s, 1);
			assert_eq!(Restaking::slashable_stake(&OPERATOR_2, s), Some((10, 0)));
			// It does not count as a second operator, so the cap does not bind yet: 600 of 610.
			allocate(OPERATOR, s, 60);
			assert_eq!(Restaking::slashable_stake(&OPERATOR, s), Some((600, 0)));
			// An operator with real stake behind the service does count (200 of 810), and with
			// it the cap binds: 1,000 of 1,210 would be above half.
			allocate(OPERATOR_3, s, 20);
			assert_noop!(
				Restaking::allocate(signed(OPERATOR), s, percent(100)),
				Error::<Runtime>::ServiceConcentrationExceeded
			);
		});
	}

	#[test]
	fn a_dust_delegator_cannot_keep_an_operator_registered() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			// A stranger delegates the minimum and never leaves.
			assert_ok!(Restaking::delegate(signed(STAKER_2), OPERATOR, 10));
			assert_noop!(
				Restaking::release_delegator(signed(NOBODY), STAKER_2),
				Error::<Runtime>::PoolNotClosing
			);
			assert_ok!(Restaking::close_pool(signed(OPERATOR)));
			assert_eq!(last_event(), Event::PoolClosing { operator: OPERATOR });
			assert_noop!(
				Restaking::delegate(signed(STAKER_3), OPERATOR, 10),
				Error::<Runtime>::PoolClosing
			);
			// Anyone starts the delegators' undelegation; the stake stays slashable meanwhile.
			for who in [STAKER, STAKER_2] {
				assert_ok!(Restaking::release_delegator(signed(NOBODY), who));
			}
			assert_noop!(
				Restaking::release_delegator(signed(NOBODY), STAKER_2),
				Error::<Runtime>::NothingToRelease
			);
			assert_ok!(slash_now(&OPERATOR, s, Perbill::from_percent(10), SlashTier::Critical));
			assert_ok!(Restaking::allocate(signed(OPERATOR), s, percent(0)));
			run_to_block(System::block_number() + UNDELEGATION_DELAY);
			for who in [STAKER, STAKER_2] {
				assert_ok!(Restaking::release_delegator(signed(NOBODY), who));
				assert!(Stakers::<Runtime>::get(who).is_none());
			}
			// Each paid its 10 % before leaving.
			assert_eq!(frozen(STAKER), 0);
			assert_eq!(bonded(STAKER), BOND - 300);
			assert_eq!(bonded(STAKER_2), BOND - 1);
			assert_ok!(Restaking::opt_out(signed(OPERATOR), s));
			assert_ok!(Restaking::deregister_operator(signed(OPERATOR)));
		});
	}

	/// A delegator that owes a loss it cannot pay (its funds sit in another hold) is released
	/// by a closing pool like any other: its stake leaves through the undelegation delay, the
	/// debt stays frozen on its account, and the operator can deregister.
	#[test]
	fn a_debtor_cannot_keep_a_closing_pool_open() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			leave_base_layer(STAKER);
			assert_ok!(Balances::transfer_all(signed(STAKER), NOBODY, true));
			let parked: Vec<ServiceId> = (0..59).map(|_| service(STAKER)).collect();
			// Half of everything at stake: 500 of the self-bond, 1,500 of the pool.
			assert_ok!(slash_now(&OPERATOR, s, Perbill::from_percent(50), SlashTier::Critical));
			let sink = slashed_funds();
			assert_ok!(Restaking::settle(signed(NOBODY), STAKER));
			assert_eq!(slashed_funds(), sink + 49);
			assert_eq!(Stakers::<Runtime>::get(STAKER).unwrap().debt, 1_451);
			assert_noop!(
				Restaking::undelegate(signed(STAKER), 10),
				Error::<Runtime>::LossOutstanding
			);
			// The pool closes; its delegator's 1,500 start undelegating although it owes.
			assert_ok!(Restaking::close_pool(signed(OPERATOR)));
			assert_ok!(Restaking::release_delegator(signed(NOBODY), STAKER));
			assert_eq!(frozen(STAKER), 1_500 + 1_451);
			assert_ok!(Restaking::allocate(signed(OPERATOR), s, percent(0)));
			run_to_block(System::block_number() + UNDELEGATION_DELAY);
			assert_ok!(Restaking::release_delegator(signed(NOBODY), STAKER));
			// The position closed; the debt stays owed and frozen.
			assert!(Stakers::<Runtime>::get(STAKER).is_none());
			assert_eq!(Debts::<Runtime>::get(STAKER).unwrap().amount, 1_451);
			assert_eq!(frozen(STAKER), 1_451);
			assert_eq!(Shortfall::<Runtime>::get(), 1_451);
			assert_ok!(Restaking::opt_out(signed(OPERATOR), s));
			assert_ok!(Restaking::deregister_operator(signed(OPERATOR)));
			// Once the funds are out of the other holds, the debt is collected to the unit.
			for id in parked {
				assert_ok!(Restaking::retire_service(signed(STAKER), id));
			}
			assert_ok!(Restaking::settle(signed(NOBODY), STAKER));
			assert_eq!(slashed_funds(), sink + 1_500);
			assert_eq!(Shortfall::<Runtime>::get(), 0);
			assert_eq!(frozen(STAKER), 0);
			assert!(Debts::<Runtime>::get(STAKER).is_none());
			assert_eq!(Balances::total_balance(&STAKER), 1_500);
			assert_noop!(Restaking::settle(signed(NOBODY), STAKER), Error::<Runtime>::NotDelegator);
		});
	}

	/// Releasing a delegator with `MaxWithdrawals` queued completes the due ones and never
	/// postpones one that is queued.
	#[test]
	fn a_forced_release_postpones_no_withdrawal() {
		ExtBuilder::default().build_and_execute(|| {
			let _ = setup_pool();
			for _ in
				0..<<Runtime as Config>::MaxWithdrawals as frame_support::traits::Get<u32>>::get()
			{
				assert_ok!(Restaking::undelegate(signed(STAKER), 100));
				run_to_block(System::block_number() + 1);
			}
			let unlocks: Vec<u64> = Stakers::<Runtime>::get(STAKER)
				.unwrap()
				.withdrawals
				.iter()
				.map(|w| w.unlock_at)
				.collect();
			assert_ok!(Restaking::close_pool(signed(OPERATOR)));
			// Nothing is due and the queue is full: nothing can be released yet.
			assert_noop!(
				Restaking::release_delegator(signed(NOBODY), STAKER),
				Error::<Runtime>::NothingToRelease
			);
			run_to_block(unlocks[0]);
			assert_ok!(Restaking::release_delegator(signed(NOBODY), STAKER));
			let ledger = Stakers::<Runtime>::get(STAKER).unwrap();
			// The due one was paid out, the others keep their unlock blocks, and the rest of
			// the stake queued behind them.
			let after: Vec<u64> = ledger.withdrawals.iter().map(|w| w.unlock_at).collect();
			assert_eq!(&after[..unlocks.len() - 1], &unlocks[1..]);
			assert_eq!(after.last(), Some(&(unlocks[0] + UNDELEGATION_DELAY)));
			assert_eq!(ledger.shares, 0);
		});
	}

	#[test]
	fn a_position_worth_nothing_closes() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			assert_ok!(slash_now(&OPERATOR, s, Perbill::one(), SlashTier::Critical));
			assert_ok!(Restaking::settle(signed(NOBODY), STAKER));
			assert!(Stakers::<Runtime>::get(STAKER).is_none());
			let pool = Operators::<Runtime>::get(OPERATOR).unwrap();
			assert_eq!((pool.delegator_count, pool.total_shares), (0, 0));
			assert_eq!(bonded(STAKER), BOND - 3_000);
		});
	}

	#[test]
	fn a_delegation_into_a_pool_with_a_waiting_slash_is_refused() {
		ExtBuilder::default().build_and_execute(|| {
			setup_pool();
			FrozenExits::set(vec![OPERATOR]);
			assert_noop!(
				Restaking::delegate(signed(STAKER_2), OPERATOR, 1_000),
				Error::<Runtime>::SlashPending
			);
			assert_noop!(
				Restaking::delegate_more(signed(STAKER), 1_000),
				Error::<Runtime>::SlashPending
			);
			FrozenExits::set(vec![]);
			assert_ok!(Restaking::delegate(signed(STAKER_2), OPERATOR, 1_000));
		});
	}

	/// While a slash of it waits, an operator takes on no new service (each would bring new
	/// room to file requests and keep its exits frozen for good), and no owner completes its
	/// removal.
	#[test]
	fn an_operator_with_a_waiting_slash_takes_on_no_new_service() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			let other = service(OWNER_2);
			FrozenExits::set(vec![OPERATOR]);
			assert_noop!(
				Restaking::opt_in(signed(OPERATOR), other),
				Error::<Runtime>::SlashPending
			);
			assert_ok!(Restaking::remove_operator(signed(OWNER), s, OPERATOR));
			run_to_block(System::block_number() + DEALLOCATION_DELAY);
			assert_noop!(
				Restaking::remove_operator(signed(OWNER), s, OPERATOR),
				Error::<Runtime>::SlashPending
			);
			FrozenExits::set(vec![]);
			assert_ok!(Restaking::remove_operator(signed(OWNER), s, OPERATOR));
			assert_ok!(Restaking::opt_in(signed(OPERATOR), other));
		});
	}

	#[test]
	fn a_held_deallocation_keeps_the_stake_slashable() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			assert_ok!(Restaking::allocate(signed(OPERATOR), s, percent(0)));
			FrozenAllocations::set(vec![(OPERATOR, s, System::block_number())]);
			run_to_block(System::block_number() + DEALLOCATION_DELAY);
			// Past its delay, but a slash of the pair waits: the magnitude stays in force.
			assert_eq!(Restaking::slashable_stake(&OPERATOR, s), Some((1_000, 3_000)));
			FrozenAllocations::set(vec![]);
			assert_eq!(Restaking::slashable_stake(&OPERATOR, s), None);
		});
	}
	/// A staker who delegates in the block a reward is paid, before the payment, earns none of
	/// it: rewards accrue to the shares that were in the pool before the payment's block.
	#[test]
	fn a_delegation_in_the_payments_block_earns_nothing_of_it() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			assert_ok!(Restaking::fund_service(signed(OWNER), s, 10_000));
			let block = System::block_number() + 1;
			run_to_block(block);
			// The sniper doubles the pool just before the payment, in the same block.
			assert_ok!(Restaking::delegate(signed(STAKER_2), OPERATOR, 3_000));
			assert_ok!(Restaking::pay_rewards(signed(OWNER), s, OPERATOR, 1_000));
			// Sized and shared as if the sniper were not there: 10 % commission, then 3/4 of
			// the 900 left to the 3,000 that were in the pool.
			assert_eq!(
				last_event(),
				Event::RewardsPaid {
					service: s,
					operator: OPERATOR,
					to_operator: 325,
					to_pool: 675,
					withheld: 0
				}
			);
			assert_noop!(Restaking::claim(signed(STAKER_2)), Error::<Runtime>::NothingToClaim);
			run_to_block(block + 1);
			assert_noop!(Restaking::claim(signed(STAKER_2)), Error::<Runtime>::NothingToClaim);
			let before = free(STAKER);
			assert_ok!(Restaking::claim(signed(STAKER)));
			assert_eq!(free(STAKER), before + 675);
			// The refused claim changed nothing: the payment block's mark waits for the sniper's checkpoint.
			assert_eq!(FreshRewardMarks::<Runtime>::get(OPERATOR, block).unwrap().stakers, 1);
			// From the next block on, the newcomer earns like everyone else: 900 × 6/7 = 771
			// to the pool, half of it each.
			assert_ok!(Restaking::pay_rewards(signed(OWNER), s, OPERATOR, 1_000));
			let (a, b) = (free(STAKER), free(STAKER_2));
			assert_ok!(Restaking::claim(signed(STAKER)));
			assert_ok!(Restaking::claim(signed(STAKER_2)));
			assert_eq!((free(STAKER) - a, free(STAKER_2) - b), (385, 385));
			assert_eq!(FreshRewardMarks::<Runtime>::iter().count(), 0);
		});
	}

	/// The rule holds for a staker's own top-up: the shares it held before the block earn,
	/// the shares added in the payment's block do not, however long it waits to claim.
	#[test]
	fn a_top_up_in_the_payments_block_earns_only_on_the_earlier_shares() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			assert_ok!(Restaking::fund_service(signed(OWNER), s, 10_000));
			let block = System::block_number() + 1;
			run_to_block(block);
			assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, 3_000));
			assert_ok!(Restaking::pay_rewards(signed(OWNER), s, OPERATOR, 1_000));
			assert!(matches!(last_event(), Event::RewardsPaid { to_pool: 675, .. }));
			// A second payment in the same block is sized the same way.
			assert_ok!(Restaking::pay_rewards(signed(OWNER), s, OPERATOR, 1_000));
			assert!(matches!(last_event(), Event::RewardsPaid { to_pool: 675, .. }));
			// Later blocks pay on all 6,000: 900 × 6/7 = 771.
			run_to_block(block + 3);
			assert_ok!(Restaking::pay_rewards(signed(OWNER), s, OPERATOR, 1_000));
			assert!(matches!(last_event(), Event::RewardsPaid { to_pool: 771, .. }));
			let before = free(STAKER);
			assert_ok!(Restaking::claim(signed(STAKER)));
			// 675 + 675 on the earlier shares, 771 on all of them.
			assert_eq!(free(STAKER) - before, 2_121);
			assert_eq!(FreshRewardMarks::<Runtime>::iter().count(), 0);
		});
	}

	/// A payment made before a delegation in the same block is not shared with it, and a
	/// delegation undelegated in its own block leaves the pool's count of fresh shares right.
	#[test]
	fn a_delegation_after_the_payment_or_undone_in_its_block_changes_nothing() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			assert_ok!(Restaking::fund_service(signed(OWNER), s, 10_000));
			let block = System::block_number() + 1;
			run_to_block(block);
			assert_ok!(Restaking::pay_rewards(signed(OWNER), s, OPERATOR, 1_000));
			assert_ok!(Restaking::delegate(signed(STAKER_2), OPERATOR, 3_000));
			assert_ok!(Restaking::delegate(signed(STAKER_3), OPERATOR, 1_000));
			assert_ok!(Restaking::undelegate(signed(STAKER_3), 1_000));
			let pool = Operators::<Runtime>::get(OPERATOR).unwrap();
			assert_eq!((pool.fresh.shares, pool.fresh.stakers), (3_000, 1));
			assert_ok!(Restaking::pay_rewards(signed(OWNER), s, OPERATOR, 1_000));
			// STAKER_3's stake left for a withdrawal in its own block: it neither earns nor
			// sizes the delegators' part (it would dilute the operator's).
			assert!(matches!(last_event(), Event::RewardsPaid { to_pool: 675, .. }));
			assert_eq!(FreshRewardMarks::<Runtime>::get(OPERATOR, block).unwrap().stakers, 1);
			assert_noop!(Restaking::claim(signed(STAKER_2)), Error::<Runtime>::NothingToClaim);
			assert_noop!(Restaking::claim(signed(STAKER_3)), Error::<Runtime>::NothingToClaim);
			let before = free(STAKER);
			assert_ok!(Restaking::claim(signed(STAKER)));
			assert_eq!(free(STAKER) - before, 675 + 675);
		});
	}
}

/// `try_state` finds a broken invariant at the level that checks it, and only there.
mod try_state_levels {
	use super::*;

	#[test]
	fn a_total_is_checked_at_level_one_a_pool_count_at_level_two() {
		ExtBuilder::default().build_and_execute(|| {
			// Given a pool with a delegator.
			setup_pool();
			assert_ok!(Restaking::do_try_state(u8::MAX));

			// When the pool counts a delegator that does not exist.
			Operators::<Runtime>::mutate(OPERATOR, |p| {
				p.as_mut().expect("registered").delegator_count += 1
			});
			// Then only the check over every staker sees it.
			assert_ok!(Restaking::do_try_state(1));
			assert_eq!(Restaking::do_try_state(2), Err("delegator count is off".into()));
			Operators::<Runtime>::mutate(OPERATOR, |p| {
				p.as_mut().expect("registered").delegator_count -= 1
			});

			// When the pallet-wide total disagrees with the operators.
			TotalRestaked::<Runtime>::mutate(|total| *total += 1);
			// Then level 1 sees it, level 0 checks nothing.
			assert_eq!(Restaking::do_try_state(1), Err("total restaked differs".into()));
			assert_ok!(Restaking::do_try_state(0));
			TotalRestaked::<Runtime>::mutate(|total| *total -= 1);
		});
	}
}

mod overcollateralization_floor {
	use super::*;
	use frame_support::dispatch::{DispatchResult, GetDispatchInfo};
	use restaking_primitives::risk::{FloorEnforcement, OvercollateralizationFloor, RiskProfile};

	fn profile(profit: Balance, percent: u32) -> RiskProfile<Balance> {
		RiskProfile {
			profit_from_corruption: profit,
			corruption_threshold: Perbill::from_percent(percent),
		}
	}

	fn declare(service: ServiceId, profit: Balance, percent: u32) -> DispatchResult {
		Restaking::update_service(
			signed(OWNER),
			service,
			None,
			None,
			None,
			None,
			Some(profile(profit, percent)),
		)
	}

	fn floor(gamma: u32, enforcement: FloorEnforcement) {
		Floor::set(Some(OvercollateralizationFloor {
			gamma: FixedU128::from_u32(gamma),
			enforcement,
		}));
	}

	/// A service exactly at a floor of `γ = 1`: 1,000 of self-bond and 3,000 delegated behind
	/// it, slashes of at most half, corruption needs half: corrupting it costs
	/// `½ · ½ · 4,000 = 1,000 = (1 + 1) · 500`.
	fn at_the_floor(enforcement: FloorEnforcement) -> ServiceId {
		floor(1, enforcement);
		MaxSlashFraction::set(Perbill::from_percent(50));
		let s = service(OWNER);
		operator(OPERATOR, 1_000);
		assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, 3_000));
		allocate(OPERATOR, s, 100);
		assert_ok!(declare(s, 500, 50));
		let _ = events_since_last_call();
		s
	}

	fn breaches() -> Vec<Event<Runtime>> {
		events_since_last_call()
			.into_iter()
			.filter(|e| matches!(e, Event::OvercollateralizationBreached { .. }))
			.collect()
	}

	/// An undelegation counts as soon as it is queued, although the withdrawal stays
	/// slashable: the floor judges where the service is left once the stake is gone. Only the
	/// crossing is reported.
	#[test]
	fn an_undelegation_that_takes_a_service_below_the_floor_is_reported() {
		ExtBuilder::default().build_and_execute(|| {
			// Given a service at the floor.
			let s = at_the_floor(FloorEnforcement::Report);

			// When a staker starts undelegating one unit.
			let now = System::block_number();
			assert_ok!(Restaking::undelegate(signed(STAKER), 1));

			// Then it goes through, and the breach is reported: ½ · ⌊½ · 3,999⌋ = 999.
			assert_eq!(
				events_since_last_call(),
				vec![
					Event::UndelegationQueued {
						staker: STAKER,
						operator: OPERATOR,
						amount: 1,
						unlock_at: now + UNDELEGATION_DELAY
					},
					Event::OvercollateralizationBreached {
						service: s,
						cost_of_corruption: 999,
						required: 1_000
					},
				]
			);
			// The unit is still slashable until it is withdrawn.
			let report = Restaking::security_report(Perbill::zero());
			assert_eq!(report.services[0].stake_behind, 4_000);
			assert_eq!(report.services[0].cost_of_corruption, 1_000);

			// When another exit follows while the service is below the floor.
			assert_ok!(Restaking::undelegate(signed(STAKER), 1_000));
			// Then nothing more is reported.
			assert_eq!(breaches(), vec![]);
		});
	}

	#[test]
	fn a_deallocation_and_a_removal_that_take_a_service_below_the_floor_are_reported() {
		ExtBuilder::default().build_and_execute(|| {
			let s = at_the_floor(FloorEnforcement::Report);

			// When the operator schedules a deallocation to half.
			assert_ok!(Restaking::allocate(signed(OPERATOR), s, Perquintill::from_percent(50)));
			// Then the service is judged at the lower magnitude at once: ½ · ½ · 2,000.
			assert_eq!(
				breaches(),
				vec![Event::OvercollateralizationBreached {
					service: s,
					cost_of_corruption: 500,
					required: 1_000
				}]
			);

			// When it takes the deallocation back, the service is at the floor again, and
			// the owner then removes the operator.
			assert_ok!(Restaking::allocate(signed(OPERATOR), s, Perquintill::one()));
			assert_eq!(breaches(), vec![]);
			assert_ok!(Restaking::remove_operator(signed(OWNER), s, OPERATOR));
			// Then the removal is reported: nothing stays committed.
			assert_eq!(
				breaches(),
				vec![Event::OvercollateralizationBreached {
					service: s,
					cost_of_corruption: 0,
					required: 1_000
				}]
			);
		});
	}

	#[test]
	fn a_declaration_that_takes_a_service_below_the_floor_is_reported() {
		ExtBuilder::default().build_and_execute(|| {
			let s = at_the_floor(FloorEnforcement::Report);

			// Declaring what the stake covers is quiet; one unit more is reported.
			assert_ok!(declare(s, 500, 50));
			assert_eq!(breaches(), vec![]);
			assert_ok!(declare(s, 501, 50));
			assert_eq!(
				breaches(),
				vec![Event::OvercollateralizationBreached {
					service: s,
					cost_of_corruption: 1_000,
					required: 1_002
				}]
			);
		});
	}

	/// Under `Refuse`, a service cannot declare more than its committed stake covers; exits
	/// are never refused, so an owner who pins its service at the floor holds no stake in
	/// place.
	#[test]
	fn refusal_applies_to_declarations_and_never_to_exits() {
		ExtBuilder::default().build_and_execute(|| {
			floor(1, FloorEnforcement::Refuse);
			MaxSlashFraction::set(Perbill::from_percent(50));
			// A profit declared before any stake is behind the service is refused.
			assert_noop!(
				Restaking::register_service(
					signed(OWNER),
					vec![],
					0,
					4,
					false,
					Some(profile(500, 50))
				),
				Error::<Runtime>::BelowMinOvercollateralization
			);
			let s = service(OWNER);
			operator(OPERATOR, 1_000);
			assert_ok!(Restaking::delegate(signed(STAKER), OPERATOR, 3_000));
			allocate(OPERATOR, s, 100);

			// More profit, or a lower threshold, than the stake covers is refused.
			assert_noop!(declare(s, 501, 50), Error::<Runtime>::BelowMinOvercollateralization);
			assert_noop!(declare(s, 500, 49), Error::<Runtime>::BelowMinOvercollateralization);
			// The owner pins the service exactly at the floor.
			assert_ok!(declare(s, 500, 50));

			// An exit still goes through, and is reported.
			assert_ok!(Restaking::undelegate(signed(STAKER), 1));
			assert_eq!(
				breaches(),
				vec![Event::OvercollateralizationBreached {
					service: s,
					cost_of_corruption: 999,
					required: 1_000
				}]
			);
			assert_ok!(Restaking::allocate(signed(OPERATOR), s, Perquintill::from_percent(50)));
			assert_eq!(Stakers::<Runtime>::get(STAKER).unwrap().withdrawals[0].value, 1);
			assert_eq!(
				Memberships::<Runtime>::get(OPERATOR, s).unwrap().pending.map(|(m, _)| m),
				Some(Perquintill::from_percent(50))
			);

			// Below the floor, the owner may lower its risk without reaching the floor
			// (committed: ⌊½ · 3,999⌋ = 1,999, cost ½ · ⌊½ · 1,999⌋ = 499 < 2 · 300), but not
			// raise it again.
			assert_ok!(declare(s, 300, 50));
			assert_noop!(declare(s, 301, 50), Error::<Runtime>::BelowMinOvercollateralization);
			// What counts is the margin, not each field: more profit with a higher threshold
			// can leave the service better off (½ · ⌊0.8 · 1,999⌋ = 799 against 900: 0.89 of
			// the requirement, up from 499 / 600 = 0.83); 460 is worse again (799 / 920).
			assert_ok!(declare(s, 450, 80));
			assert_noop!(declare(s, 460, 80), Error::<Runtime>::BelowMinOvercollateralization);
			assert_eq!(
				Restaking::security_report(Perbill::zero()).services[0].profit_from_corruption,
				450
			);
		});
	}

	/// Without a floor nothing is read or charged; with one, an undelegation is charged the
	/// worst case up front and refunded to the services and operators it read.
	#[test]
	fn the_floor_is_charged_only_where_it_is_configured() {
		ExtBuilder::default().build_and_execute(|| {
			at_the_floor(FloorEnforcement::Report);
			let call = |amount| RuntimeCall::Restaking(crate::Call::undelegate { amount });
			let base = <() as crate::WeightInfo>::undelegate();
			let check = |o| <() as crate::WeightInfo>::floor_check(o);

			// With the floor: three services of at most four operators up front, one service
			// with no other operator read.
			assert_eq!(call(1).get_dispatch_info().call_weight, base + check(4) * 3);
			let post = Restaking::undelegate(signed(STAKER), 1).expect("undelegates");
			assert_eq!(post.actual_weight, Some(base + check(0)));
			assert_eq!(breaches().len(), 1);
			// Back above the floor (the least delegation is 10).
			assert_ok!(Restaking::delegate_more(signed(STAKER), MIN_DELEGATION));

			// Without: the call weighs what it did, and nothing is reported.
			Floor::set(None);
			assert_eq!(call(1).get_dispatch_info().call_weight, base);
			let post = Restaking::undelegate(signed(STAKER), 2_000).expect("undelegates");
			assert_eq!(post.actual_weight, Some(base));
			assert_eq!(breaches(), vec![]);
		});
	}

	/// Stake the era's outflow cap defers stays active until `on_idle` lets it go, without a
	/// check then: the floor judges all of it when the undelegation is asked for.
	#[test]
	fn deferred_outflow_is_judged_when_the_undelegation_is_asked_for() {
		let mut params = DefaultParams::get();
		params.max_outflow_per_era = Perbill::from_percent(10);
		ExtBuilder::default().params(params).build_and_execute(|| {
			let s = at_the_floor(FloorEnforcement::Report);
			// When 1,000 are asked for, with 4,000 restaked: 400 may start undelegating this
			// era, 600 wait.
			assert_ok!(Restaking::undelegate(signed(STAKER), 1_000));
			assert_eq!(Stakers::<Runtime>::get(STAKER).unwrap().queued_outflow, 600);
			// Then all 1,000 are judged at once: committed 4,000 − 400 − 600 = 3,000, so
			// corrupting costs ½ · ½ · 3,000 = 750 (900 if the waiting 600 were counted).
			assert_eq!(
				breaches(),
				vec![Event::OvercollateralizationBreached {
					service: s,
					cost_of_corruption: 750,
					required: 1_000
				}]
			);
			// When the next eras let them go (400 in each), nothing more is reported.
			for era in 1..=2 {
				set_era(era);
				run_to_block(System::block_number() + 1);
			}
			assert_eq!(Stakers::<Runtime>::get(STAKER).unwrap().queued_outflow, 0);
			assert_eq!(breaches(), vec![]);
		});
	}

	#[test]
	fn releasing_a_closing_pools_delegator_is_judged_like_an_undelegation() {
		ExtBuilder::default().build_and_execute(|| {
			let s = at_the_floor(FloorEnforcement::Report);
			assert_ok!(Restaking::close_pool(signed(OPERATOR)));
			assert_ok!(Restaking::release_delegator(signed(NOBODY), STAKER));
			// Only the self-bond stays committed: ½ · ½ · 1,000.
			assert_eq!(
				breaches(),
				vec![Event::OvercollateralizationBreached {
					service: s,
					cost_of_corruption: 250,
					required: 1_000
				}]
			);
		});
	}

	/// Genesis profiles are not judged: the slashing policies that give each service its
	/// `f_s` are built after the restaking pallet's genesis, so every profile would look
	/// uncovered then.
	#[test]
	fn genesis_profiles_build_under_a_refusing_floor() {
		use sp_runtime::BuildStorage;
		floor(1, FloorEnforcement::Refuse);
		MaxSlashFraction::set(Perbill::zero());
		let genesis = crate::GenesisConfig::<Runtime> {
			services: vec![(OWNER, vec![], 0, 4, false, 0)],
			risk_profiles: vec![(0, 500, Perbill::from_percent(50))],
			..Default::default()
		};
		let mut storage =
			frame_system::GenesisConfig::<Runtime>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Runtime> {
			balances: vec![(OWNER, ENDOWMENT)],
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		genesis.assimilate_storage(&mut storage).expect("genesis builds");
		sp_io::TestExternalities::new(storage).execute_with(|| {
			assert_eq!(RiskProfiles::<Runtime>::get(0), Some(profile(500, 50)));
		});
	}
}

mod yields {
	use super::*;
	use restaking_primitives::restaking::PoolEra;
	use sp_runtime::{
		traits::{One, Zero},
		FixedI128,
	};

	fn fixed(n: u128, d: u128) -> FixedU128 {
		FixedU128::from_rational(n, d)
	}

	#[test]
	fn each_era_has_one_record_and_a_unit_earns_the_per_unit_rate() {
		ExtBuilder::default().build_and_execute(|| {
			// Self-bond 1,000, STAKER 3,000 in the pool, 10 % commission.
			let s = setup_pool();
			assert_ok!(Restaking::fund_service(signed(OWNER), s, 10_000));
			assert_ok!(Restaking::pay_rewards(signed(OWNER), s, OPERATOR, 1_000));
			assert_ok!(Restaking::pay_rewards(signed(OWNER), s, OPERATOR, 1_000));
			set_era(1);
			assert_ok!(Restaking::pay_rewards(signed(OWNER), s, OPERATOR, 1_000));
			// Registration opened era 0's record; both payments of era 0 add to it.
			let earned = |era, payments: u128| PoolEra {
				era,
				factor: FixedU128::one(),
				rewards: 675 * payments,
				to_operator: 325 * payments,
				reward_rate: fixed(675 * payments, 3_000),
				..Default::default()
			};
			assert_eq!(
				PoolHistory::<Runtime>::get(OPERATOR).into_inner(),
				vec![earned(0, 2), earned(1, 1)]
			);

			// In era 2, eras 0 and 1 are counted: 0.45 + 0.225 per unit over two eras, or
			// 123.1875 a year at 365 eras a year.
			set_era(2);
			let y = Restaking::operator_yield(OPERATOR).unwrap();
			assert_eq!((y.window.first_era, y.window.eras, y.window.current_era), (0, 2, 2));
			assert_eq!(y.rewards, fixed(3 * 675 * 365, 2 * 3_000));
			assert_eq!((y.compensation, y.losses), (FixedU128::zero(), FixedU128::zero()));
			assert_eq!(y.net, FixedI128::from_rational(3 * 675 * 365, 2 * 3_000));
			assert_eq!(y.eras.len(), 2);

			// STAKER's share: exactly what it can claim, 3 × 675.
			let st = Restaking::staker_yield(STAKER).unwrap();
			assert_eq!(st.operator, Some(OPERATOR));
			assert_eq!((st.rewards.amount, st.rewards.basis), (3 * 675, 3_000));
			assert_eq!(st.rewards.per_year, y.rewards);
			assert_ok!(Restaking::claim(signed(STAKER)));
			assert_eq!(
				last_event(),
				Event::Claimed { staker: STAKER, rewards: 3 * 675, compensation: 0 }
			);
			// The mock's base layer pays nothing: the base part is empty, and the net rate is
			// the restaking part over the whole bond.
			assert_eq!((st.base.amount, st.base.per_year), (0, FixedU128::zero()));
			// 123.1875 a year on 3,000 restaked is 369,562 (rounded down) on the 10,000 bond.
			assert_eq!(st.net, Some(FixedI128::from_rational(369_562, BOND)));
		});
	}

	#[test]
	fn slashes_and_compensation_are_rates_of_the_pool_value_they_hit() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			set_era(1);
			// A tenth of the pool (3,000) goes: delegators lose 0.1 of their value.
			assert_ok!(slash_now(&OPERATOR, s, Perbill::from_percent(10), SlashTier::Critical));
			// Compensation of 270 over 3,000 shares: 0.09 per share, and per unit of the value
			// the era opened with (a share was worth 1).
			assert_eq!(Restaking::compensate(&OPERATOR, &NOBODY, 270), Ok(270));
			assert_eq!(
				PoolHistory::<Runtime>::get(OPERATOR).into_inner()[1],
				PoolEra {
					era: 1,
					factor: FixedU128::one(),
					compensation: 270,
					losses: 300,
					compensation_rate: fixed(9, 100),
					loss_rate: fixed(1, 10),
					..Default::default()
				}
			);
			set_era(2);
			let y = Restaking::operator_yield(OPERATOR).unwrap();
			assert_eq!(y.losses, fixed(365, 20));
			assert_eq!(y.compensation, fixed(9 * 365, 200));
			assert_eq!(
				y.net,
				FixedI128::from_rational(9 * 365, 200) - FixedI128::from_rational(365, 20)
			);
			// Estimated on STAKER's value now (2,700).
			let st = Restaking::staker_yield(STAKER).unwrap();
			assert_eq!((st.losses.amount, st.compensation.amount), (270, 243));
			assert_eq!((st.losses.basis, st.compensation.basis), (2_700, 2_700));
		});
	}

	#[test]
	fn a_base_slash_of_the_operator_is_a_pool_loss() {
		ExtBuilder::default().build_and_execute(|| {
			operator(50, 1_000);
			assert_ok!(Restaking::delegate(signed(STAKER_2), 50, 2_000));
			// The operator loses a fifth of its bond (10,000): its pool loses a fifth too.
			base_slash(50, 2_000);
			let record = PoolHistory::<Runtime>::get(50).into_inner()[0];
			assert_eq!((record.losses, record.loss_rate), (400, fixed(1, 5)));
		});
	}

	#[test]
	fn rates_are_per_unit_of_the_value_the_era_opened_with() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			assert_ok!(Restaking::fund_service(signed(OWNER), s, 10_000));
			set_era(1);
			// Two slashes of half the pool: a unit present all era keeps a quarter.
			assert_ok!(slash_now(&OPERATOR, s, Perbill::from_percent(50), SlashTier::Critical));
			assert_ok!(slash_now(&OPERATOR, s, Perbill::from_percent(50), SlashTier::Critical));
			let factor = Operators::<Runtime>::get(OPERATOR).unwrap().factor;
			assert_eq!(factor, fixed(1, 4));
			// Then a payment: 675 over 3,000 shares worth a quarter each is 0.225 per share,
			// 0.225 per unit of the era's opening value (a share was worth 1 then).
			assert_ok!(Restaking::pay_rewards(signed(OWNER), s, OPERATOR, 1_000));
			let record = PoolHistory::<Runtime>::get(OPERATOR).into_inner()[1];
			assert_eq!(record.factor, FixedU128::one());
			assert_eq!(record.loss_rate, fixed(3, 4), "1 − 1/4, not 1/2 + 1/2");
			let Event::RewardsPaid { to_pool, .. } = last_event() else { panic!("a payment") };
			assert_eq!(to_pool, 675);
			assert_eq!(record.reward_rate, fixed(675, 3_000));
		});
	}

	#[test]
	fn the_history_keeps_yield_eras_and_the_current_one() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			assert_ok!(Restaking::fund_service(signed(OWNER), s, 10_000));
			for era in 0..8 {
				set_era(era);
				assert_ok!(Restaking::pay_rewards(signed(OWNER), s, OPERATOR, 100));
			}
			// YieldEras is 4: five records, the oldest dropped.
			let history = PoolHistory::<Runtime>::get(OPERATOR);
			assert_eq!(history.iter().map(|r| r.era).collect::<Vec<_>>(), vec![3, 4, 5, 6, 7]);
			set_era(8);
			let y = Restaking::operator_yield(OPERATOR).unwrap();
			assert_eq!((y.window.first_era, y.window.eras), (4, 4));
			assert_eq!(y.eras.iter().map(|r| r.era).collect::<Vec<_>>(), vec![4, 5, 6, 7]);
		});
	}

	#[test]
	fn eras_before_the_first_record_do_not_dilute_the_rate() {
		ExtBuilder::default().build_and_execute(|| {
			let s = setup_pool();
			assert_ok!(Restaking::fund_service(signed(OWNER), s, 10_000));
			// An operator whose history starts late (registered before it existed): nothing is
			// counted until its first record, then only the eras since.
			PoolHistory::<Runtime>::remove(OPERATOR);
			set_era(3);
			let empty = Restaking::operator_yield(OPERATOR).unwrap().window;
			assert_eq!((empty.first_era, empty.eras), (3, 0));
			assert_eq!(Restaking::operator_yield(OPERATOR).unwrap().rewards, FixedU128::zero());
			assert_ok!(Restaking::pay_rewards(signed(OWNER), s, OPERATOR, 1_000));
			set_era(4);
			let y = Restaking::operator_yield(OPERATOR).unwrap();
			assert_eq!((y.window.first_era, y.window.eras), (3, 1));
			assert_eq!(y.rewards, fixed(675 * 365, 3_000));
		});
	}

	#[test]
	fn the_history_goes_with_the_operator() {
		ExtBuilder::default().build_and_execute(|| {
			operator(OPERATOR, 1_000);
			assert!(!PoolHistory::<Runtime>::get(OPERATOR).is_empty());
			assert_ok!(Restaking::deregister_operator(signed(OPERATOR)));
			assert!(!PoolHistory::<Runtime>::contains_key(OPERATOR));
			assert_eq!(Restaking::operator_yield(OPERATOR), None);
		});
	}

	#[test]
	fn a_staker_without_a_pool_has_its_base_layer_part_only() {
		ExtBuilder::default().build_and_execute(|| {
			set_era(6);
			let st = Restaking::staker_yield(STAKER).unwrap();
			assert_eq!(st.operator, None);
			assert_eq!((st.base_window.first_era, st.base_window.eras), (2, 4));
			assert_eq!(st.window.eras, 0);
			assert_eq!(st.rewards.basis, 0);
			assert_eq!(st.net, Some(FixedI128::zero()));
			assert_eq!(Restaking::staker_yield(NOBODY), None);
		});
	}

	#[test]
	fn listings_page_through_services_and_operators() {
		ExtBuilder::default().build_and_execute(|| {
			let services: Vec<_> = (0..5).map(|_| service(OWNER)).collect();
			operator(OPERATOR, 1_000);
			operator(OPERATOR_2, 1_000);
			operator(OPERATOR_3, 1_000);
			let mut seen = Vec::new();
			let mut after = None;
			loop {
				let page = Restaking::services_page(after, 2);
				assert!(page.items.len() <= 2);
				seen.extend(page.items.iter().map(|(id, security)| {
					assert_eq!(Some(security.clone()), Restaking::service_security(*id));
					*id
				}));
				match page.next {
					Some(next) => after = Some(next),
					None => break,
				}
			}
			seen.sort();
			assert_eq!(seen, services);
			let first = Restaking::operators_page(None, 2);
			assert_eq!(first.items.len(), 2);
			let rest = Restaking::operators_page(first.next, 2);
			assert_eq!(rest.items.len(), 1);
			assert_eq!(rest.next, None);
			let mut operators: Vec<_> =
				first.items.iter().chain(rest.items.iter()).map(|(who, _)| *who).collect();
			operators.sort();
			assert_eq!(operators, vec![OPERATOR, OPERATOR_2, OPERATOR_3]);
			assert_eq!(rest.items[0].1, Restaking::operator_profile(rest.items[0].0).unwrap());
		});
	}
}
