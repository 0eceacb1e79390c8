//! Restaking in the demo runtime: the populated dev genesis, the runtime API figures, and a
//! base-layer slash reaching restaked stake (upward contagion) through root offences.

mod common;

use common::{account, new_test_ext, run_to_block, run_to_era};
use frame_support::{assert_ok, traits::fungible::InspectFreeze};
use restaking_runtime::{
	genesis_config_presets::{DEMO_DELEGATION, OPERATOR_SELF_BOND},
	Balances, Restaking, Runtime, RuntimeEvent, RuntimeFreezeReason, RuntimeOrigin, System,
};
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie, Dave, Eve};
use sp_runtime::Perbill;

fn restaked_freeze(who: &restaking_runtime::AccountId) -> u128 {
	Balances::balance_frozen(
		&RuntimeFreezeReason::Restaking(pallet_restaking::FreezeReason::Restaked),
		who,
	)
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
