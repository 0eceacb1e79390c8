//! Restaking in the demo runtime: the populated dev genesis, the runtime API figures, and a
//! base-layer slash reaching restaked stake (upward contagion) through root offences.

mod common;

use common::{account, new_test_ext, run_to_block, run_to_era};
use frame_support::{assert_ok, traits::fungible::InspectFreeze};
use restaking_runtime::{
	genesis_config_presets::{DEMO_DELEGATION, OPERATOR_SELF_BOND},
	Balances, Restaking, Runtime, RuntimeEvent, RuntimeFreezeReason, RuntimeOrigin, Slashing,
	System,
};
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie, Dave, Eve};
use sp_runtime::{FixedU128, Perbill};

fn restaked_freeze(who: &restaking_runtime::AccountId) -> u128 {
	Balances::balance_frozen(
		&RuntimeFreezeReason::Restaking(pallet_restaking::FreezeReason::Restaked),
		who,
	)
}

/// Every `OvercollateralizationBreached` of the block so far: `(service, cost, required)`.
fn breaches() -> Vec<(u32, u128, u128)> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Restaking(pallet_restaking::Event::OvercollateralizationBreached {
				service,
				cost_of_corruption,
				required,
			}) => Some((service, cost_of_corruption, required)),
			_ => None,
		})
		.collect()
}

#[test]
fn dev_genesis_has_services_operators_and_delegators() {
	new_test_ext("development").execute_with(|| {
		let (bob, dave, eve) = (account(Bob), account(Dave), account(Eve));
		assert_eq!(pallet_restaking::Services::<Runtime>::iter().count(), 2);
		assert_eq!(pallet_restaking::Operators::<Runtime>::count(), 2);
		assert_eq!(restaked_freeze(&bob), DEMO_DELEGATION);
		assert_eq!(restaked_freeze(&account(Charlie)), DEMO_DELEGATION);

		let exposure = Restaking::staker_exposure(bob.clone()).expect("Bob restakes");
		assert_eq!(exposure.operator, Some(dave.clone()));
		assert_eq!(exposure.restaked, DEMO_DELEGATION);
		// Dave splits his stake evenly between the oracle (0) and the bridge (1).
		assert_eq!(exposure.services.len(), 2);
		assert!(exposure.services.iter().all(|s| s.slashable == DEMO_DELEGATION / 2));

		let oracle = Restaking::service_security(0).expect("oracle exists");
		let dave_stake = (OPERATOR_SELF_BOND + DEMO_DELEGATION) / 2;
		let eve_stake = OPERATOR_SELF_BOND + DEMO_DELEGATION;
		assert_eq!(oracle.total_slashable, dave_stake + eve_stake);
		assert_eq!(oracle.operators[0].operator, eve);
		assert_eq!(oracle.nakamoto_coefficient, 1);
		assert_eq!(oracle.largest_operator_share, Perbill::from_rational(2u32, 3));

		let risk = Restaking::system_risk();
		assert_eq!(risk.total_restaked, 2 * (OPERATOR_SELF_BOND + DEMO_DELEGATION));
		assert_eq!(risk.contagion.len(), 1, "only Dave's stake backs two services");
		assert!(Restaking::operator_profile(dave).is_some());
		Restaking::do_try_state(u8::MAX).expect("restaking invariants hold at genesis");
	});
}

#[test]
fn a_base_layer_slash_reaches_restaked_stake() {
	new_test_ext("development").execute_with(|| {
		let (alice, bob) = (account(Alice), account(Bob));
		run_to_era(1);
		run_to_block(System::block_number() + 1);
		let before = Restaking::service_security(1).expect("bridge").total_slashable;
		System::reset_events();

		// Bob and Charlie nominate Alice; slashing Alice by 10 % slashes their bonds by 10 %.
		assert_ok!(pallet_root_offences::Pallet::<Runtime>::create_offence(
			RuntimeOrigin::root(),
			vec![(alice, Perbill::from_percent(10))],
			None,
			None,
		));
		let exposure = Restaking::staker_exposure(bob.clone()).expect("Bob restakes");
		assert_eq!(exposure.restaked, DEMO_DELEGATION - DEMO_DELEGATION / 10);
		assert_eq!(restaked_freeze(&bob), DEMO_DELEGATION - DEMO_DELEGATION / 10);
		let after = Restaking::service_security(1).expect("bridge").total_slashable;
		assert_eq!(before - after, DEMO_DELEGATION / 10 / 2);
		let reduced: Vec<_> = System::events()
			.into_iter()
			.filter_map(|r| match r.event {
				RuntimeEvent::Restaking(pallet_restaking::Event::SecurityReduced {
					service,
					before,
					after,
					..
				}) => Some((service, before - after)),
				_ => None,
			})
			.collect();
		// Bob restakes through Dave (half to each service), Charlie (also Alice's nominator)
		// through Eve (all to the oracle): each lost 10 % of 20,000 restaked.
		let tenth = DEMO_DELEGATION / 10;
		let mut reduced = reduced;
		reduced.sort();
		assert_eq!(reduced, vec![(0, tenth / 2), (0, tenth), (1, tenth / 2)]);
		Restaking::do_try_state(u8::MAX).expect("restaking invariants hold after the slash");
	});
}

/// The dev preset's security report as the runtime API computes it (the restaking pallet's
/// report with `pallet-slashing`'s policies giving each service's largest slash): the oracle's
/// cost of corruption (10 % of a third of the 37,500 UNIT behind it) exceeds the 1,000 UNIT it pays; the bridge's
/// (25 % of two thirds of 12,500 UNIT) falls short of its 5,000 UNIT, so Dave, who backs both,
/// breaks the per-operator condition and nothing is certified. A shock of a third of every
/// operator's stake leaves the oracle attackable too, and the stress test finds both attacks.
#[test]
fn security_report_on_the_dev_preset() {
	use restaking_primitives::api::{Overcollateralization, Shock};
	use restaking_runtime::{
		currency::UNIT,
		genesis_config_presets::{BRIDGE_PROFIT_FROM_CORRUPTION, ORACLE_PROFIT_FROM_CORRUPTION},
		AccountId,
	};
	new_test_ext("development").execute_with(|| {
		let report = Restaking::security_report(Perbill::from_percent(10));
		let (oracle, bridge) = (&report.services[0], &report.services[1]);
		let third = Perbill::from_rational(1u32, 3);
		let two_thirds = Perbill::from_rational(2u32, 3);

		assert_eq!((oracle.service, bridge.service), (0, 1));
		assert!(oracle.declared && bridge.declared);
		assert_eq!(oracle.stake_behind, 37_500 * UNIT);
		assert_eq!(oracle.max_slash, Perbill::from_percent(10));
		assert_eq!(oracle.corruption_threshold, third);
		assert_eq!(
			oracle.cost_of_corruption,
			Perbill::from_percent(10).mul_floor(third.mul_floor(37_500 * UNIT))
		);
		assert!(oracle.cost_of_corruption / UNIT == 1_249, "about 1,250 UNIT");
		assert_eq!(oracle.profit_from_corruption, ORACLE_PROFIT_FROM_CORRUPTION);
		assert!(oracle.secure);
		assert_eq!(bridge.stake_behind, 12_500 * UNIT);
		assert_eq!(bridge.max_slash, Perbill::from_percent(25));
		assert_eq!(
			bridge.cost_of_corruption,
			Perbill::from_percent(25).mul_floor(two_thirds.mul_floor(12_500 * UNIT))
		);
		assert_eq!(bridge.cost_of_corruption / UNIT, 2_083);
		assert_eq!(bridge.profit_from_corruption, BRIDGE_PROFIT_FROM_CORRUPTION);
		assert!(!bridge.secure);

		// Dave's load is the bridge's ρ / f: 5,000 / (2/3 × 12,500) / 0.25 = 2.4; Eve's the
		// oracle's: 1,000 / (1/3 × 37,500) / 0.1 = 0.8.
		let load = |who: AccountId| {
			report.operators.iter().find(|o| o.operator == who).expect("an operator").load
		};
		let between = |x: FixedU128, low: u128, high: u128| {
			FixedU128::from_rational(low, 100) <= x && x <= FixedU128::from_rational(high, 100)
		};
		assert!(between(load(account(Dave)), 239, 241), "Dave's load is 2.4");
		assert!(between(load(account(Eve)), 79, 81), "Eve's load is 0.8");
		assert_eq!(report.overcollateralization, Overcollateralization::NotCertified);
		assert_eq!(report.cascade_bound, None);

		// A third of every operator's stake gone: the oracle's cost falls to about 833 UNIT,
		// below its 1,000. The search corrupts the bridge and the oracle.
		let stress = Restaking::stress_test(Shock::Uniform(third), 16);
		assert_eq!(stress.total_stake, 50_000 * UNIT);
		let mut fallen: Vec<_> = stress.steps.iter().flat_map(|s| s.services.clone()).collect();
		fallen.sort();
		assert_eq!(fallen, vec![0, 1]);
		assert!(!stress.truncated);
		assert_eq!(stress.cascade_bound, None);
		Restaking::do_try_state(u8::MAX).expect("a report changes nothing");
	});
}

/// The demo runtime's overcollateralization floor (`γ = 1/5`, reported, never refused): the
/// oracle's cost of corruption, ⅒ · ⅓ of the 37,500 UNIT behind it (about 1,250 UNIT), is
/// above 1.2 × its 1,000 UNIT profit. Charlie undelegating 1,000 UNIT from Eve leaves it there
/// (about 1,216.7 UNIT); 600 UNIT more take it below (about 1,196.7 UNIT): the undelegation
/// goes through and the breach is reported.
#[test]
fn the_demo_reports_an_exit_that_breaks_the_overcollateralization_floor() {
	use restaking_runtime::{configs::MinOvercollateralization, currency::UNIT};
	new_test_ext("development").execute_with(|| {
		run_to_block(System::block_number() + 1);
		let floor = MinOvercollateralization::get().expect("the demo sets a floor");
		assert_eq!(floor.gamma, FixedU128::from_rational(1, 5));
		let charlie = RuntimeOrigin::signed(account(Charlie));

		assert_ok!(Restaking::undelegate(charlie.clone(), 1_000 * UNIT));
		assert_eq!(breaches(), vec![]);

		assert_ok!(Restaking::undelegate(charlie, 600 * UNIT));
		let breaches = breaches();
		assert_eq!(breaches.len(), 1);
		let (service, cost, required) = breaches[0];
		assert_eq!((service, required), (0, 1_200 * UNIT));
		assert_eq!(cost / UNIT, 1_196, "⅒ · ⅓ · 35,900 UNIT");
		Restaking::do_try_state(u8::MAX).expect("restaking invariants hold");
	});
}

/// A milder slashing policy lowers what corrupting a service costs, and the floor judges it
/// like a declaration: Alice capping the oracle's slashes at 9 % instead of 10 % leaves
/// ⁹⁄₁₀₀ · ⅓ · 37,500 UNIT (about 1,125 UNIT) against the 1,200 required; the demo reports it.
#[test]
fn the_demo_reports_a_milder_policy_that_breaks_the_overcollateralization_floor() {
	use pallet_slashing::{SlashPolicy, Slasher};
	use restaking_runtime::currency::UNIT;
	new_test_ext("development").execute_with(|| {
		run_to_block(System::block_number() + 1);
		let pct = Perbill::from_percent;
		let milder = SlashPolicy {
			slasher: Slasher::Account(account(Alice)),
			minor: pct(1),
			major: pct(5),
			critical: pct(9),
			max_per_incident: pct(9),
			veto_window: 20,
		};
		assert_ok!(Slashing::set_policy(RuntimeOrigin::signed(account(Alice)), 0, milder));
		let breaches: Vec<_> = breaches()
			.into_iter()
			.map(|(s, cost, required)| (s, cost / UNIT, required / UNIT))
			.collect();
		assert_eq!(breaches, vec![(0, 1_124, 1_200)]);
		assert_eq!(Slashing::max_slash(0), pct(9));
	});
}

/// The yield estimate against what the chain pays: Bob's base-layer part is exactly what
/// `payout_stakers` pays him for era 0, his service-rewards part exactly what he can claim
/// from Alice's payment to Dave, both annualized over the one completed era.
#[test]
fn the_yield_estimate_is_what_the_eras_paid() {
	use restaking_runtime::{configs::ErasPerYear, currency::UNIT, Staking};
	use sp_runtime::traits::Saturating;
	new_test_ext("development").execute_with(|| {
		let (alice, bob, dave) = (account(Alice), account(Bob), account(Dave));
		run_to_block(2);
		assert_ok!(Restaking::pay_rewards(
			RuntimeOrigin::signed(alice.clone()),
			0,
			dave.clone(),
			1_000 * UNIT
		));
		run_to_era(1);

		let estimate = Restaking::staker_yield(bob.clone()).expect("Bob stakes and restakes");
		assert_eq!(estimate.operator, Some(dave.clone()));
		assert_eq!((estimate.window.first_era, estimate.window.eras), (0, 1));
		assert_eq!(estimate.window.eras_per_year, ErasPerYear::get());

		// Base layer: what era 0 pays Bob through Alice, whom he nominates.
		System::reset_events();
		assert_ok!(Staking::payout_stakers(RuntimeOrigin::signed(dave.clone()), alice, 0));
		let paid = common::staking_events()
			.into_iter()
			.find_map(|e| match e {
				pallet_staking::Event::Rewarded { stash, amount, .. } if stash == bob => {
					Some(amount)
				},
				_ => None,
			})
			.expect("Bob is paid");
		assert_eq!(estimate.base.amount, paid);
		let bond = 50_000 * UNIT;
		assert_eq!(estimate.base.basis, bond);
		assert_eq!(
			estimate.base.per_year,
			FixedU128::from_rational(paid, bond)
				.saturating_mul(FixedU128::from_u32(ErasPerYear::get()))
		);

		// Restaking: Bob's share of the payment, which he can claim.
		let exposure = Restaking::staker_exposure(bob.clone()).unwrap();
		assert_eq!(estimate.rewards.amount, exposure.pending_rewards);
		assert_eq!(estimate.rewards.basis, DEMO_DELEGATION);
		let operator = Restaking::operator_yield(dave).unwrap();
		assert_eq!(estimate.rewards.per_year, operator.rewards);
		assert_eq!(operator.eras.len(), 1);
		assert_eq!(operator.eras[0].rewards, exposure.pending_rewards);
		assert_eq!(estimate.losses.amount, 0);
		assert!(estimate.net.expect("Bob has a bond") > sp_runtime::FixedI128::from_inner(0));
	});
}
