//! Tests of the slashing pallet through its calls, hooks and traits, on real `pallet-balances`,
//! `pallet-staking` and `pallet-restaking`. Every test ends with both pallets' `try_state`.

use crate::{mock::*, *};
use frame_support::{assert_noop, assert_ok, traits::Hooks, weights::Weight};
use restaking_primitives::restaking::{RestakingInterface, ServiceId, SlashTier};
use sp_runtime::{
	traits::{BadOrigin, One},
	FixedU128, Perbill, Perquintill,
};

fn percent(p: u32) -> Perbill {
	Perbill::from_percent(p)
}

/// Slashable stake of OPERATOR for SERVICE: (self-bond part, pool part).
fn slashable() -> (Balance, Balance) {
	Restaking::slashable_stake(&OPERATOR, SERVICE).unwrap_or_default()
}

/// The crate documentation's example. The service's policy is set (`set_policy`) before its
/// operators opt in; its slasher requests a `Critical` slash of an operator, which disputes it
/// with a bond. The committee could `veto` it until the window ends; it does not, so anyone
/// executes it: 20 % (the policy's `Critical` fraction) of the operator's self-bond and of its
/// pool, and the dispute bond is lost.
#[docify::export]
#[test]
fn example_request_dispute_execute() {
	ExtBuilder::build_and_execute(|| {
		// Given a `Critical` slash requested by the service's slasher and disputed by the
		// operator with a bond.
		let id = NextSlashId::<Runtime>::get();
		assert_ok!(Slashing::request_slash(
			signed(SLASHER),
			SERVICE,
			OPERATOR,
			SlashTier::Critical,
			evidence(1)
		));
		assert_ok!(Slashing::dispute(signed(OPERATOR), id));
		assert_eq!(dispute_bond(OPERATOR), DISPUTE_BOND);
		assert_eq!(
			events_since_last_call(),
			vec![
				Event::SlashRequested {
					id,
					service: SERVICE,
					operator: OPERATOR,
					tier: SlashTier::Critical,
					fraction: percent(20),
					evidence: evidence(1),
					due: 1 + WINDOW,
					scheduled: true,
				},
				Event::SlashDisputed { id, operator: OPERATOR, bond: DISPUTE_BOND },
			]
		);
		assert_noop!(Slashing::execute_slash(signed(NOBODY), id), Error::<Runtime>::NotDue);

		// When the window ends without a veto, and anyone executes the slash.
		System::set_block_number(1 + WINDOW);
		assert_ok!(Slashing::execute_slash(signed(NOBODY), id));

		// Then 20 % of the operator's self-bond and of its pool is slashed, and its dispute
		// bond is lost.
		assert_eq!(
			events_since_last_call(),
			vec![Event::SlashExecuted {
				id,
				service: SERVICE,
				operator: OPERATOR,
				fraction: percent(20),
				from_self_bond: 200,
				from_pool: 800,
				bond_slashed: DISPUTE_BOND,
			}]
		);
		assert_eq!((self_bond(OPERATOR), dispute_bond(OPERATOR)), (800, 0));
	});
}

mod policy {
	use super::*;

	/// A fresh service owned by OWNER, and its id.
	fn fresh_service() -> ServiceId {
		let id = pallet_restaking::NextServiceId::<Runtime>::get();
		assert_ok!(Restaking::register_service(signed(OWNER), vec![], 100, 4, false, None));
		id
	}

	#[test]
	fn a_policy_is_set_by_the_owner_within_bounds() {
		ExtBuilder::build_and_execute(|| {
			let s = fresh_service();
			assert_noop!(
				Slashing::set_policy(signed(NOBODY), s, policy()),
				Error::<Runtime>::NotServiceOwner
			);
			assert_noop!(
				Slashing::set_policy(signed(OWNER), 99, policy()),
				Error::<Runtime>::ServiceNotLive
			);
			let bad = [
				SlashPolicy { critical: percent(30), ..policy() },
				SlashPolicy { veto_window: DEFER - 1, ..policy() },
				SlashPolicy { veto_window: MAX_VETO_WINDOW + 1, ..policy() },
				SlashPolicy { max_per_incident: percent(60), critical: percent(60), ..policy() },
			];
			for p in bad {
				assert_noop!(
					Slashing::set_policy(signed(OWNER), s, p),
					Error::<Runtime>::InvalidPolicy
				);
			}
			assert_ok!(Slashing::set_policy(signed(OWNER), s, policy()));
			assert_eq!(last_event(), Event::PolicySet { service: s, policy: policy() });
			assert_eq!(Policies::<Runtime>::get(s), Some(policy()));
		});
	}

	#[test]
	fn a_policy_never_becomes_harsher() {
		ExtBuilder::build_and_execute(|| {
			let harsher = [
				SlashPolicy { minor: percent(6), ..policy() },
				SlashPolicy { major: percent(11), ..policy() },
				SlashPolicy { veto_window: WINDOW - 1, ..policy() },
				SlashPolicy { slasher: Slasher::Committee, ..policy() },
				SlashPolicy { slasher: Slasher::Account(NOBODY), ..policy() },
			];
			for p in harsher {
				assert_noop!(
					Slashing::set_policy(signed(OWNER), SERVICE, p),
					Error::<Runtime>::PolicyHarsher
				);
			}
			let milder = SlashPolicy { critical: percent(15), veto_window: WINDOW + 1, ..policy() };
			assert_ok!(Slashing::set_policy(signed(OWNER), SERVICE, milder.clone()));
			assert_eq!(Policies::<Runtime>::get(SERVICE), Some(milder));
		});
	}

	#[test]
	fn a_first_policy_comes_before_allocations() {
		ExtBuilder::build_and_execute(|| {
			let s = fresh_service();
			assert_ok!(Restaking::register_operator(signed(OPERATOR_2), 500, percent(5), vec![]));
			assert_ok!(Restaking::opt_in(signed(OPERATOR_2), s));
			// Once stake is promised to the service, its worst case is fixed.
			assert_ok!(Restaking::allocate(signed(OPERATOR_2), s, Perquintill::one()));
			assert_noop!(
				Slashing::set_policy(signed(OWNER), s, policy()),
				Error::<Runtime>::OperatorsAlreadyAllocated
			);
			// Without a policy the service cannot slash at all.
			run_to_block(System::block_number() + ALLOCATION_DELAY);
			assert_noop!(
				Slashing::request_slash(
					signed(SLASHER),
					s,
					OPERATOR_2,
					SlashTier::Minor,
					evidence(1)
				),
				Error::<Runtime>::NoPolicy
			);
		});
	}
}

mod requests {
	use super::*;

	#[test]
	fn a_request_waits_its_window_and_freezes_exits() {
		ExtBuilder::build_and_execute(|| {
			let id = request(SlashTier::Critical, 1);
			let due = 1 + WINDOW;
			assert_eq!(
				last_event(),
				Event::SlashRequested {
					id,
					service: SERVICE,
					operator: OPERATOR,
					tier: SlashTier::Critical,
					fraction: percent(20),
					evidence: evidence(1),
					due,
					scheduled: true,
				}
			);
			assert_eq!(Queue::<Runtime>::get().into_inner(), vec![(due, id)]);
			assert_eq!(PendingOf::<Runtime>::get(OPERATOR), 1);
			assert_eq!(Slashing::pending_slashes().len(), 1);
			// Nothing is taken yet.
			assert_eq!(slashable(), (1_000, 4_000));
			assert!(<Slashing as restaking_primitives::restaking::ExitGuard<_, _>>::exits_frozen(
				&OPERATOR
			));
		});
	}

	#[test]
	fn a_request_rejects_bad_input() {
		ExtBuilder::build_and_execute(|| {
			let tier = SlashTier::Minor;
			assert_noop!(
				Slashing::request_slash(signed(NOBODY), SERVICE, OPERATOR, tier, evidence(1)),
				Error::<Runtime>::NotSlasher
			);
			assert_noop!(
				Slashing::request_slash(
					RuntimeOrigin::root(),
					SERVICE,
					OPERATOR,
					tier,
					evidence(1)
				),
				Error::<Runtime>::NotSlasher
			);
			// The committee service takes the committee, not an account.
			assert_noop!(
				Slashing::request_slash(
					signed(SLASHER),
					COMMITTEE_SERVICE,
					BONDED_OPERATOR,
					tier,
					evidence(1)
				),
				Error::<Runtime>::NotSlasher
			);
			assert_noop!(
				Slashing::request_slash(signed(SLASHER), 99, OPERATOR, tier, evidence(1)),
				Error::<Runtime>::ServiceNotLive
			);
			// An operator of another service, and an account that is no operator at all.
			for who in [BONDED_OPERATOR, NOBODY] {
				assert_noop!(
					Slashing::request_slash(signed(SLASHER), SERVICE, who, tier, evidence(1)),
					Error::<Runtime>::NotAllocated
				);
			}
			request(tier, 1);
			assert_noop!(
				Slashing::request_slash(signed(SLASHER), SERVICE, OPERATOR, tier, evidence(1)),
				Error::<Runtime>::DuplicateEvidence
			);
			// A tier the (milder) policy switched off.
			let off = SlashPolicy { minor: Perbill::zero(), ..policy() };
			assert_ok!(Slashing::set_policy(signed(OWNER), SERVICE, off));
			assert_noop!(
				Slashing::request_slash(signed(SLASHER), SERVICE, OPERATOR, tier, evidence(2)),
				Error::<Runtime>::TierDisabled
			);
			assert_ok!(Slashing::request_slash(
				signed(COMMITTEE),
				COMMITTEE_SERVICE,
				BONDED_OPERATOR,
				tier,
				evidence(1)
			));
		});
	}

	#[test]
	fn the_window_cap_clips_and_then_refuses() {
		ExtBuilder::build_and_execute(|| {
			// 20 % + 20 % + 10 % (clipped from 20 %) reach the 50 % cap.
			request(SlashTier::Critical, 1);
			request(SlashTier::Critical, 2);
			// Executed slashes still count in the window.
			run_to_block(1 + WINDOW);
			let third = request(SlashTier::Critical, 3);
			assert_eq!(
				last_event(),
				Event::SlashClipped { id: third, requested: percent(20), allowed: percent(10) }
			);
			assert_eq!(Requests::<Runtime>::get(third).unwrap().fraction, percent(10));
			run_to_block(10);
			assert_noop!(
				Slashing::request_slash(
					signed(SLASHER),
					SERVICE,
					OPERATOR,
					SlashTier::Minor,
					evidence(4)
				),
				Error::<Runtime>::WindowCapReached
			);
			// After the window, the operator can be slashed again.
			run_to_block(1 + SLASH_WINDOW);
			request(SlashTier::Minor, 4);
		});
	}

	#[test]
	fn requests_per_window_and_waiting_requests_are_bounded() {
		ExtBuilder::build_and_execute(|| {
			// A third service with its own operator, for a fourth waiting request.
			let third = pallet_restaking::NextServiceId::<Runtime>::get();
			assert_ok!(Restaking::register_service(signed(OWNER), vec![], 100, 4, false, None));
			assert_ok!(Slashing::set_policy(signed(OWNER), third, policy()));
			assert_ok!(Restaking::register_operator(signed(OPERATOR_2), 500, percent(5), vec![]));
			assert_ok!(Restaking::opt_in(signed(OPERATOR_2), third));
			assert_ok!(Restaking::allocate(signed(OPERATOR_2), third, Perquintill::one()));
			run_to_block(1 + ALLOCATION_DELAY);
			let ask = |service, operator, n| {
				Slashing::request_slash(
					signed(SLASHER),
					service,
					operator,
					SlashTier::Minor,
					evidence(n),
				)
			};

			request(SlashTier::Minor, 1);
			request(SlashTier::Minor, 2);
			// A service may have two requests waiting.
			assert_noop!(ask(SERVICE, OPERATOR, 3), Error::<Runtime>::ServiceQueueFull);
			run_to_block(1 + ALLOCATION_DELAY + WINDOW);
			// Executed requests still count in the operator's window: a third fits, a fourth not.
			request(SlashTier::Minor, 3);
			assert_noop!(ask(SERVICE, OPERATOR, 4), Error::<Runtime>::TooManySlashesInWindow);
			for n in 1..=2 {
				assert_ok!(Slashing::request_slash(
					signed(COMMITTEE),
					COMMITTEE_SERVICE,
					BONDED_OPERATOR,
					SlashTier::Minor,
					evidence(n),
				));
			}
			assert_ok!(ask(third, OPERATOR_2, 1));
			// Four requests wait in all: `on_idle`'s queue is full. A fifth is accepted all the
			// same, outside it, and executes through `execute_slash`.
			let fifth = NextSlashId::<Runtime>::get();
			assert_ok!(ask(third, OPERATOR_2, 2));
			assert!(matches!(last_event(), Event::SlashRequested { scheduled: false, .. }));
			assert!(!Queue::<Runtime>::get().iter().any(|(_, id)| *id == fifth));
			// The runtime API lists it with the others, by due block.
			let listed: Vec<restaking_primitives::slashing::SlashId> =
				Slashing::pending_slashes().iter().map(|p| p.id).collect();
			assert_eq!(listed.len(), 5);
			assert_eq!(listed.last(), Some(&fifth));
			let due = Requests::<Runtime>::get(fifth).unwrap().due;
			run_to_block(due);
			assert!(Requests::<Runtime>::contains_key(fifth));
			assert_ok!(Slashing::execute_slash(signed(NOBODY), fifth));
			assert!(Records::<Runtime>::contains_key(fifth));
		});
	}

	#[test]
	fn a_paused_pallet_takes_no_request_and_executes_nothing() {
		ExtBuilder::build_and_execute(|| {
			let id = request(SlashTier::Major, 1);
			assert_noop!(Slashing::pause(signed(OWNER)), BadOrigin);
			assert_ok!(Slashing::pause(RuntimeOrigin::root()));
			assert_noop!(Slashing::pause(RuntimeOrigin::root()), Error::<Runtime>::IsPaused);
			assert_noop!(
				Slashing::request_slash(
					signed(SLASHER),
					SERVICE,
					OPERATOR,
					SlashTier::Minor,
					evidence(2)
				),
				Error::<Runtime>::IsPaused
			);
			run_to_block(1 + WINDOW + 2);
			// on_idle executed nothing; the explicit call is refused.
			assert!(Requests::<Runtime>::contains_key(id));
			assert_noop!(Slashing::execute_slash(signed(NOBODY), id), Error::<Runtime>::IsPaused);
			// The pause does not let the operator's stake out.
			assert_noop!(
				Restaking::opt_out(signed(OPERATOR), SERVICE),
				pallet_restaking::Error::<Runtime>::SlashPending
			);
			assert_ok!(Slashing::resume(RuntimeOrigin::root()));
			assert_noop!(Slashing::resume(RuntimeOrigin::root()), Error::<Runtime>::NotPaused);
			assert_ok!(Slashing::execute_slash(signed(NOBODY), id));
			assert!(Records::<Runtime>::contains_key(id));
		});
	}
}

mod execution {
	use super::*;

	#[test]
	fn execution_waits_for_the_window_and_happens_once() {
		ExtBuilder::build_and_execute(|| {
			let id = request(SlashTier::Critical, 1);
			run_to_block(WINDOW);
			assert_noop!(Slashing::execute_slash(signed(NOBODY), id), Error::<Runtime>::NotDue);
			System::set_block_number(1 + WINDOW);
			let post = Slashing::execute_slash(signed(NOBODY), id).unwrap();
			assert_eq!(post.pays_fee, frame_support::dispatch::Pays::No);
			// 20 % of 1,000 self-bond and of the 4,000 pool.
			assert_eq!(
				last_event(),
				Event::SlashExecuted {
					id,
					service: SERVICE,
					operator: OPERATOR,
					fraction: percent(20),
					from_self_bond: 200,
					from_pool: 800,
					bond_slashed: 0,
				}
			);
			let record = Slashing::slash_record(id).unwrap();
			assert_eq!(record.amount, 1_000);
			assert_eq!(record.factor_before, FixedU128::one());
			assert_eq!(record.factor_after, FixedU128::from_rational(4, 5));
			assert_eq!((record.requested_at, record.at), (1, 1 + WINDOW));
			assert_eq!(Executed::get(), vec![id]);
			assert_eq!(self_bond(OPERATOR), 800);
			assert_eq!(PendingOf::<Runtime>::get(OPERATOR), 0);
			assert_noop!(
				Slashing::execute_slash(signed(NOBODY), id),
				Error::<Runtime>::AlreadyExecuted
			);
			assert_noop!(
				Slashing::veto(RuntimeOrigin::root(), id),
				Error::<Runtime>::AlreadyExecuted
			);
			assert_noop!(
				Slashing::execute_slash(signed(NOBODY), 7),
				Error::<Runtime>::UnknownSlash
			);
		});
	}

	#[test]
	fn tiers_choose_whose_stake_pays() {
		ExtBuilder::build_and_execute(|| {
			// Minor, 5 % of 5,000: only the self-bond.
			let minor = request(SlashTier::Minor, 1);
			run_to_block(1 + WINDOW);
			let r = Slashing::slash_record(minor).unwrap();
			assert_eq!((r.from_self_bond, r.from_pool), (250, 0));
			// Major, 20 %... the policy's major is 10 % of 4,750 = 475: still all self-bond.
			let major = request(SlashTier::Major, 2);
			run_to_block(1 + 2 * WINDOW);
			let r = Slashing::slash_record(major).unwrap();
			assert_eq!((r.from_self_bond, r.from_pool), (475, 0));
			// Another Major: 10 % of 275 + 4,000 = 428 (rounded up): 275 self-bond, 153 pool.
			let again = request(SlashTier::Major, 3);
			run_to_block(1 + 3 * WINDOW);
			let r = Slashing::slash_record(again).unwrap();
			assert_eq!((r.from_self_bond, r.from_pool), (275, 153));
			assert_eq!(self_bond(OPERATOR), 0);
		});
	}

	#[test]
	fn a_critical_slash_is_pro_rata_and_reaches_the_base_layer() {
		ExtBuilder::build_and_execute(|| {
			let id = request(SlashTier::Critical, 1);
			System::set_block_number(1 + WINDOW);
			assert_ok!(Slashing::execute_slash(signed(NOBODY), id));
			// The stakers' losses are pending until realized; settling takes them from the
			// bonds in pallet-staking (downward contagion).
			assert_eq!(bonded(STAKER), BOND);
			assert_eq!(Slashing::contagion_report(&OPERATOR).pending, 800);
			assert_ok!(Restaking::settle(signed(NOBODY), STAKER));
			assert_ok!(Restaking::settle(signed(NOBODY), STAKER_2));
			assert_eq!(bonded(STAKER), BOND - 600);
			assert_eq!(bonded(STAKER_2), BOND - 200);
			let report = Slashing::contagion_report(&OPERATOR);
			assert_eq!(report.losses.from_service_slashes, 800);
			assert_eq!(report.losses.realized_from_bond, 800);
			assert_eq!(report.pending, 0);
			assert_eq!(report.service_slashes, 1);
			// Everything taken reached the slash handler: 200 self-bond + 800 from bonds.
			assert_eq!(sink(), 1_000);
		});
	}

	#[test]
	fn no_slash_takes_more_than_the_allocated_stake() {
		ExtBuilder::build_and_execute(|| {
			let mut n = 0u8;
			let mut total = 0;
			let start = slashable();
			// Repeated critical slashes over several windows.
			for round in 0..4u64 {
				let (sb, pv) = slashable();
				let stake = sb + pv;
				let fraction = Perbill::from_percent(20);
				n += 1;
				let id = request(SlashTier::Critical, n);
				run_to_block(1 + (round + 1) * SLASH_WINDOW);
				let r = Slashing::slash_record(id)
					.or_else(|| {
						Slashing::operator_slash_history(&OPERATOR).into_iter().find(|r| r.id == id)
					})
					.unwrap();
				assert!(r.amount <= fraction.mul_ceil(stake) + 1, "one unit of rounding at most");
				assert!(r.amount <= stake);
				total += r.amount;
			}
			assert!(total <= start.0 + start.1);
			assert_eq!(Totals::<Runtime>::get(OPERATOR).count, 4);
			// The history keeps the two newest records.
			let history: Vec<_> =
				Slashing::operator_slash_history(&OPERATOR).into_iter().map(|r| r.id).collect();
			assert_eq!(history, vec![2, 3]);
			assert_noop!(Slashing::veto(RuntimeOrigin::root(), 0), Error::<Runtime>::NotWaiting);
		});
	}

	#[test]
	fn a_milder_policy_applies_to_waiting_requests_and_may_make_them_lapse() {
		ExtBuilder::build_and_execute(|| {
			let critical = request(SlashTier::Critical, 1);
			let major = request(SlashTier::Major, 2);
			assert_ok!(Slashing::dispute(signed(OPERATOR), major));
			let milder = SlashPolicy { critical: percent(10), major: Perbill::zero(), ..policy() };
			assert_ok!(Slashing::set_policy(signed(OWNER), SERVICE, milder));
			run_to_block(1 + WINDOW);
			assert_eq!(Slashing::slash_record(critical).unwrap().fraction, percent(10));
			// Nothing left to take for the major request: it lapsed and the bond came back.
			assert!(events()
				.iter()
				.any(|e| matches!(e, Event::SlashLapsed { id, .. } if *id == major)));
			assert_eq!(dispute_bond(OPERATOR), 0);
			assert_eq!(Slashing::pending_slashes(), vec![]);
		});
	}

	#[test]
	fn a_slash_is_sized_by_the_stake_at_the_request() {
		ExtBuilder::build_and_execute(|| {
			// Critical 20 % of 1,000 self-bond and 4,000 pool at the request.
			let id = request(SlashTier::Critical, 1);
			let request = Requests::<Runtime>::get(id).unwrap();
			assert_eq!((request.slashable, request.slashable_self_bond), (5_000, 1_000));
			// The self-bond grows after the fault: it does not pay for it.
			assert_ok!(Restaking::bond_more(signed(OPERATOR), 1_000));
			assert_eq!(slashable(), (2_000, 4_000));
			System::set_block_number(1 + WINDOW);
			assert_ok!(Slashing::execute_slash(signed(NOBODY), id));
			let record = Slashing::slash_record(id).unwrap();
			assert_eq!((record.from_self_bond, record.from_pool), (200, 800));
			assert_eq!(record.fraction, percent(20));
		});
	}

	#[test]
	fn on_idle_executes_due_slashes_within_its_weight() {
		ExtBuilder::build_and_execute(|| {
			let a = request(SlashTier::Minor, 1);
			let b = request(SlashTier::Minor, 2);
			System::set_block_number(1 + WINDOW);
			// Nothing fits: nothing runs.
			assert_eq!(Slashing::on_idle(1 + WINDOW, Weight::zero()), Weight::zero());
			// Room for one slash.
			let one = <() as WeightInfo>::on_idle(1);
			let used = Slashing::on_idle(1 + WINDOW, one);
			assert_eq!(used, one);
			assert!(Records::<Runtime>::contains_key(a));
			assert!(Requests::<Runtime>::contains_key(b));
			Slashing::on_idle(1 + WINDOW, Weight::MAX);
			assert!(Records::<Runtime>::contains_key(b));
		});
	}
}

mod verification {
	use super::*;

	#[test]
	fn a_veto_cancels_and_refunds_the_window() {
		ExtBuilder::build_and_execute(|| {
			let id = request(SlashTier::Critical, 1);
			assert_noop!(Slashing::veto(signed(NOBODY), id), BadOrigin);
			assert_noop!(Slashing::veto(signed(COMMITTEE), id), BadOrigin);
			let sink_before = sink();
			assert_eq!(request_deposit(SLASHER), REQUEST_DEPOSIT);
			assert_ok!(Slashing::veto(signed(AUDITOR), id));
			assert_eq!(
				last_event(),
				Event::SlashVetoed { id, bond_returned: 0, deposit_forfeited: REQUEST_DEPOSIT }
			);
			// The slasher lost its deposit; the window keeps the request's slot, not its
			// fraction.
			assert_eq!(request_deposit(SLASHER), 0);
			assert_eq!(sink(), sink_before + REQUEST_DEPOSIT);
			let window = Windows::<Runtime>::get(OPERATOR, SERVICE);
			assert_eq!(window.len(), 1);
			assert!(window[0].fraction.is_zero());
			assert!(!<Slashing as restaking_primitives::restaking::ExitGuard<_, _>>::exits_frozen(
				&OPERATOR
			));
			assert_noop!(Slashing::veto(RuntimeOrigin::root(), id), Error::<Runtime>::NotWaiting);
			assert_noop!(Slashing::execute_slash(signed(NOBODY), id), Error::<Runtime>::NotWaiting);
			run_to_block(1 + WINDOW);
			assert_eq!(slashable(), (1_000, 4_000));
		});
	}

	#[test]
	fn a_dispute_bond_returns_on_veto_and_is_lost_on_execution() {
		ExtBuilder::build_and_execute(|| {
			let vetoed = request(SlashTier::Minor, 1);
			let upheld = request(SlashTier::Minor, 2);
			assert_noop!(
				Slashing::dispute(signed(NOBODY), vetoed),
				Error::<Runtime>::NotSlashedOperator
			);
			assert_noop!(Slashing::dispute(signed(OPERATOR), 9), Error::<Runtime>::UnknownSlash);
			assert_ok!(Slashing::dispute(signed(OPERATOR), vetoed));
			assert_eq!(
				last_event(),
				Event::SlashDisputed { id: vetoed, operator: OPERATOR, bond: DISPUTE_BOND }
			);
			assert_noop!(
				Slashing::dispute(signed(OPERATOR), vetoed),
				Error::<Runtime>::AlreadyDisputed
			);
			assert_ok!(Slashing::dispute(signed(OPERATOR), upheld));
			assert_eq!(dispute_bond(OPERATOR), 2 * DISPUTE_BOND);
			assert_ok!(Slashing::veto(RuntimeOrigin::root(), vetoed));
			assert_eq!(
				last_event(),
				Event::SlashVetoed {
					id: vetoed,
					bond_returned: DISPUTE_BOND,
					deposit_forfeited: REQUEST_DEPOSIT
				}
			);
			run_to_block(1 + WINDOW);
			assert_eq!(dispute_bond(OPERATOR), 0);
			assert!(events().contains(&Event::SlashExecuted {
				id: upheld,
				service: SERVICE,
				operator: OPERATOR,
				fraction: percent(5),
				from_self_bond: 250,
				from_pool: 0,
				bond_slashed: DISPUTE_BOND,
			}));
			// The executed request's deposit came back; the vetoed one's did not.
			assert_eq!(request_deposit(SLASHER), 0);
			assert_eq!(sink(), 250 + DISPUTE_BOND + REQUEST_DEPOSIT);
		});
	}

	#[test]
	fn disputes_close_with_the_window() {
		ExtBuilder::build_and_execute(|| {
			assert_ok!(Slashing::pause(RuntimeOrigin::root()));
			assert_ok!(Slashing::resume(RuntimeOrigin::root()));
			let id = request(SlashTier::Minor, 1);
			assert_ok!(Slashing::pause(RuntimeOrigin::root()));
			System::set_block_number(1 + WINDOW);
			assert_noop!(
				Slashing::dispute(signed(OPERATOR), id),
				Error::<Runtime>::DisputeWindowClosed
			);
			assert_ok!(Slashing::resume(RuntimeOrigin::root()));
		});
	}

	#[test]
	fn no_stake_leaves_before_the_slash_lands() {
		ExtBuilder::build_and_execute(|| {
			assert_ok!(Restaking::undelegate(signed(STAKER), 3_000));
			// Late in the undelegation delay the operator misbehaves.
			run_to_block(1 + UNDELEGATION_DELAY - 2);
			let id = request(SlashTier::Critical, 1);
			run_to_block(1 + UNDELEGATION_DELAY);
			assert_noop!(
				Restaking::withdraw_unbonded(signed(STAKER)),
				pallet_restaking::Error::<Runtime>::SlashPending
			);
			run_to_block(System::block_number() + WINDOW);
			assert!(Records::<Runtime>::contains_key(id));
			// The withdrawal paid its share of the slash: 20 % of 3,000.
			assert_ok!(Restaking::withdraw_unbonded(signed(STAKER)));
			assert_eq!(bonded(STAKER), BOND - 600);
			assert!(restaking_events()
				.iter()
				.any(|e| matches!(e, pallet_restaking::Event::Withdrawn { amount: 2_400, .. })));
		});
	}
}

mod contagion {
	use super::*;

	#[test]
	fn a_base_layer_slash_is_recorded_as_contagion() {
		ExtBuilder::build_and_execute(|| {
			// BONDED_OPERATOR is slashed 10 % on the base layer: its self-bond and pool for
			// COMMITTEE_SERVICE shrink, and the drop is kept.
			base_slash(BONDED_OPERATOR, BOND / 10);
			let report = Slashing::contagion_report(&BONDED_OPERATOR);
			assert_eq!(report.security_drops.len(), 1);
			let drop = &report.security_drops[0];
			assert_eq!((drop.service, drop.before, drop.after), (COMMITTEE_SERVICE, 1_000, 900));
			assert_eq!(report.service_slashes, 0);
			// The history is bounded: the newest two drops stay.
			base_slash(BONDED_OPERATOR, BOND / 10);
			base_slash(BONDED_OPERATOR, BOND / 10);
			let drops = Slashing::contagion_report(&BONDED_OPERATOR).security_drops;
			assert_eq!(drops.len(), 2);
			assert_eq!(drops[0].before, 900);
		});
	}

	#[test]
	fn a_base_slash_of_a_delegator_lowers_the_operators_security() {
		ExtBuilder::build_and_execute(|| {
			base_slash(STAKER, BOND / 10);
			// STAKER's 3,000 restaked lose 10 %: the service's slashable stake falls by 300.
			assert_eq!(slashable(), (1_000, 3_700));
			let drops = Slashing::contagion_report(&OPERATOR).security_drops;
			assert_eq!((drops[0].before, drops[0].after), (5_000, 4_700));
		});
	}
}

#[test]
fn constants_are_consistent() {
	ExtBuilder::build().execute_with(|| {
		<Slashing as Hooks<u64>>::integrity_test();
	});
}

/// Attacks on the guarantee that a requested slash lands in full on the stake that was there
/// at the fault, through the public calls of both pallets, checked in units.
mod attacks {
	use super::*;

	fn ask(
		service: ServiceId,
		tier: SlashTier,
		n: u8,
		by: AccountId,
	) -> sp_runtime::DispatchResult {
		Slashing::request_slash(signed(by), service, OPERATOR, tier, evidence(n))
	}

	#[test]
	fn a_sybil_service_cannot_use_up_a_real_services_room_to_slash() {
		ExtBuilder::build_and_execute(|| {
			// OPERATOR makes room for a service of its own: 1 % of its stake.
			assert_ok!(Restaking::allocate(
				signed(OPERATOR),
				SERVICE,
				Perquintill::from_percent(99)
			));
			run_to_block(1 + DEALLOCATION_DELAY);
			let sybil = pallet_restaking::NextServiceId::<Runtime>::get();
			assert_ok!(Restaking::register_service(signed(OPERATOR), vec![], 100, 4, false, None));
			let accomplice = SlashPolicy { slasher: Slasher::Account(NOBODY), ..policy() };
			assert_ok!(Slashing::set_policy(signed(OPERATOR), sybil, accomplice));
			assert_ok!(Restaking::opt_in(signed(OPERATOR), sybil));
			assert_ok!(Restaking::allocate(signed(OPERATOR), sybil, Perquintill::from_percent(1)));
			run_to_block(System::block_number() + ALLOCATION_DELAY);
			// The accomplice fills the sybil service's window: 20 % + 20 % + 10 %, three slots.
			assert_ok!(ask(sybil, SlashTier::Critical, 1, NOBODY));
			assert_ok!(ask(sybil, SlashTier::Critical, 2, NOBODY));
			run_to_block(System::block_number() + WINDOW);
			assert_ok!(ask(sybil, SlashTier::Critical, 3, NOBODY));
			assert_noop!(
				ask(sybil, SlashTier::Critical, 4, NOBODY),
				Error::<Runtime>::WindowCapReached
			);
			// The real service still has all of its room: its critical request is not clipped
			// and lands in full on its 99 % of the stake.
			let (sb, pv) = slashable();
			let id = request(SlashTier::Critical, 9);
			assert_eq!(Requests::<Runtime>::get(id).unwrap().fraction, percent(20));
			run_to_block(System::block_number() + WINDOW);
			let record = Slashing::slash_record(id).unwrap();
			assert_eq!(record.from_self_bond, percent(20).mul_ceil(sb));
			assert_eq!(record.from_pool, percent(20).mul_ceil(pv));
		});
	}

	#[test]
	fn a_deallocation_started_before_a_request_cannot_shrink_it() {
		ExtBuilder::build_and_execute(|| {
			// The operator starts leaving the service; the deallocation matures at block 11.
			assert_ok!(Restaking::allocate(signed(OPERATOR), SERVICE, Perquintill::zero()));
			run_to_block(DEALLOCATION_DELAY - 1);
			// A fault is reported at block 9, due at 14: after the deallocation's block.
			let id = request(SlashTier::Critical, 1);
			run_to_block(1 + DEALLOCATION_DELAY);
			// The decrease is held while the request waits: everything stays slashable.
			assert_eq!(slashable(), (1_000, 4_000));
			run_to_block(DEALLOCATION_DELAY - 1 + WINDOW);
			let record = Slashing::slash_record(id).expect("executed, not lapsed");
			assert_eq!((record.from_self_bond, record.from_pool), (200, 800));
			// Once it landed, the deallocation completes.
			assert_eq!(Restaking::slashable_stake(&OPERATOR, SERVICE), None);
		});
	}

	#[test]
	fn stake_delegated_after_a_request_does_not_pay_for_it() {
		ExtBuilder::build_and_execute(|| {
			let id = request(SlashTier::Critical, 1);
			assert_noop!(
				Restaking::delegate_more(signed(STAKER), 1_000),
				pallet_restaking::Error::<Runtime>::SlashPending
			);
			run_to_block(1 + WINDOW);
			let record = Slashing::slash_record(id).unwrap();
			// 20 % of the self-bond, 20 % of the pool: the first-loss part stays on the
			// operator.
			assert_eq!((record.from_self_bond, record.from_pool), (200, 800));
			// Once the slash landed, new stake may come in, at the new value.
			assert_ok!(Restaking::delegate_more(signed(STAKER), 1_000));
			assert_eq!(slashable(), (800, 4_200));
		});
	}

	#[test]
	fn a_stranger_opting_in_cannot_lock_the_owner_out() {
		ExtBuilder::build_and_execute(|| {
			let s = pallet_restaking::NextServiceId::<Runtime>::get();
			assert_ok!(Restaking::register_service(signed(OWNER), vec![], 100, 1, false, None));
			assert_ok!(Restaking::register_operator(signed(OPERATOR_2), 500, percent(5), vec![]));
			// A stranger takes the only place and promises an allocation before the policy.
			assert_ok!(Restaking::opt_in(signed(OPERATOR_2), s));
			assert_ok!(Restaking::allocate(signed(OPERATOR_2), s, Perquintill::one()));
			assert_noop!(
				Slashing::set_policy(signed(OWNER), s, policy()),
				Error::<Runtime>::OperatorsAlreadyAllocated
			);
			// The owner removes it (the increase was never in force: at once), and sets its
			// policy; the place is free again.
			assert_noop!(
				Restaking::remove_operator(signed(NOBODY), s, OPERATOR_2),
				pallet_restaking::Error::<Runtime>::NotServiceOwner
			);
			assert_ok!(Restaking::remove_operator(signed(OWNER), s, OPERATOR_2));
			assert_ok!(Slashing::set_policy(signed(OWNER), s, policy()));
			assert_eq!(pallet_restaking::Services::<Runtime>::get(s).unwrap().operator_count, 0);
			assert_ok!(Restaking::retire_service(signed(OWNER), s));
		});
	}

	#[test]
	fn a_removed_operator_stays_slashable_until_its_allocation_is_gone() {
		ExtBuilder::build_and_execute(|| {
			assert_ok!(Restaking::remove_operator(signed(OWNER), SERVICE, OPERATOR));
			let at = 1 + DEALLOCATION_DELAY;
			assert_eq!(
				restaking_events().pop(),
				Some(pallet_restaking::Event::OperatorRemovalScheduled {
					operator: OPERATOR,
					service: SERVICE,
					effective_at: at,
				})
			);
			// It cannot allocate again, and the service can still slash it meanwhile.
			assert_noop!(
				Restaking::allocate(signed(OPERATOR), SERVICE, Perquintill::one()),
				pallet_restaking::Error::<Runtime>::NotApproved
			);
			let id = request(SlashTier::Critical, 1);
			run_to_block(at + 1);
			assert!(Slashing::slash_record(id).is_some());
			assert_ok!(Restaking::remove_operator(signed(OWNER), SERVICE, OPERATOR));
			assert!(!pallet_restaking::Memberships::<Runtime>::contains_key(OPERATOR, SERVICE));
			assert_eq!(
				pallet_restaking::Services::<Runtime>::get(SERVICE).unwrap().operator_count,
				0
			);
		});
	}
}

/// `try_state` finds a broken invariant at the level that checks it, and only there.
mod try_state_levels {
	use super::*;

	#[test]
	fn pending_counts_are_checked_at_level_one_totals_at_level_two() {
		ExtBuilder::build_and_execute(|| {
			// Given a waiting request.
			request(SlashTier::Critical, 1);
			assert_ok!(Slashing::do_try_state(u8::MAX));

			// When the operator's slash totals claim a pool slash nobody executed.
			Totals::<Runtime>::mutate(OPERATOR, |totals| totals.from_pool += 1);
			// Then only the check over every operator's history sees it.
			assert_ok!(Slashing::do_try_state(1));
			assert_eq!(
				Slashing::do_try_state(2),
				Err("executed pool slashes differ from the losses imposed on the pool".into())
			);
			Totals::<Runtime>::mutate(OPERATOR, |totals| totals.from_pool -= 1);

			// When the operator's pending count disagrees with its waiting requests.
			PendingOf::<Runtime>::mutate(OPERATOR, |count| *count += 1);
			// Then level 1 sees it, level 0 checks nothing.
			assert_eq!(Slashing::do_try_state(1), Err("pending count per operator is off".into()));
			assert_ok!(Slashing::do_try_state(0));
			PendingOf::<Runtime>::mutate(OPERATOR, |count| *count -= 1);
		});
	}
}
