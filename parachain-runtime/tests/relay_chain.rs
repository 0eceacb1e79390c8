//! The base layer as the relay chain drives it: session reports that plan, elect and start
//! eras and pay them, and an offence report that slashes a validator and its nominators and
//! reaches restaking as lower security and loss on the delegators.

mod common;

use common::{
	account, active_era, check_invariants, end_session, new_test_ext, report_offence,
	rotate_to_era, run_to_block,
};
use frame_support::assert_ok;
use restaking_parachain_runtime::{
	configs::SessionsPerEra,
	genesis_config_presets::{DEMO_DELEGATION, NOMINATOR_BOND, VALIDATOR_BOND},
	ParachainSystem, Restaking, Runtime, RuntimeEvent, RuntimeOrigin, Staking, System,
};
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie, Dave};
use sp_runtime::Perbill;
use sp_staking::StakingAccount::Stash;

fn bonded(who: &restaking_parachain_runtime::AccountId) -> u128 {
	pallet_staking_async::Ledger::<Runtime>::get(who).map_or(0, |ledger| ledger.total)
}

#[test]
fn session_reports_plan_elect_and_start_eras() {
	new_test_ext("development").execute_with(|| {
		let alice = account(Alice);
		// The validator set leaves by UMP: give the relay chain's queue room, as a collator's
		// validation data would.
		<ParachainSystem as cumulus_primitives_core::UpwardMessageSender>::ensure_successful_delivery();
		assert_eq!(
			(active_era(), pallet_staking_async::CurrentEra::<Runtime>::get()),
			(0, Some(0))
		);

		// Era 1 is planned a session before era 0's last: after the report ending session 4.
		let plan_at = SessionsPerEra::get() - 2;
		for session in 0..plan_at {
			end_session(session, vec![(alice.clone(), 10)], None);
			assert_eq!(pallet_staking_async::CurrentEra::<Runtime>::get(), Some(0));
		}
		end_session(plan_at, vec![(alice.clone(), 10)], None);
		assert_eq!(pallet_staking_async::CurrentEra::<Runtime>::get(), Some(1));
		// The election ran in the block after the report: Alice is exposed with her bond and
		// Bob's and Charlie's nominations, and the set went to the relay chain.
		let overview = pallet_staking_async::ErasStakersOverview::<Runtime>::get(1, &alice)
			.expect("Alice is elected for era 1");
		assert_eq!(
			(overview.own, overview.total),
			(VALIDATOR_BOND, VALIDATOR_BOND + 2 * NOMINATOR_BOND)
		);
		// `StakingRcClient` sends it in the next block.
		assert!(pallet_staking_async_rc_client::OutgoingValidatorSet::<Runtime>::get().is_some());
		run_to_block(System::block_number() + 1);
		assert!(pallet_staking_async_rc_client::OutgoingValidatorSet::<Runtime>::get().is_none());
		let sent = cumulus_pallet_parachain_system::PendingUpwardMessages::<Runtime>::get();
		assert_eq!(sent.len(), 1, "the validator set is on its way to the relay chain");

		// The relay chain activates the set: era 1 starts and era 0 is paid.
		end_session(plan_at + 1, vec![(alice.clone(), 10)], Some((86_400_000, 1)));
		assert_eq!(active_era(), 1);
		assert!(pallet_staking_async::ErasValidatorReward::<Runtime>::get(0).is_some());
		// Restaking dates its records by the active era through the async adapter.
		let window = Restaking::operator_yield(account(Dave)).expect("Dave operates").window;
		assert_eq!(window.current_era, 1);
		check_invariants();
	});
}

/// `StakingExtension::era_payout` of `adapters::StakingAsync` gives, to the unit, what
/// `payout_stakers` pays a nominator: the yield estimate's base part is real money.
#[test]
fn the_base_yield_is_what_payout_stakers_pays() {
	new_test_ext("development").execute_with(|| {
		let (alice, bob) = (account(Alice), account(Bob));
		rotate_to_era(2, &[(alice.clone(), 20)]);
		let era_reward =
			pallet_staking_async::ErasValidatorReward::<Runtime>::get(1).expect("era 1 is paid");
		assert!(era_reward > 0);

		let estimate = Restaking::staker_yield(bob.clone()).expect("Bob stakes").base;
		let before = Staking::ledger(Stash(bob.clone())).expect("Bob bonds").active;
		assert_ok!(Staking::payout_stakers(RuntimeOrigin::signed(bob.clone()), alice, 1));
		// Genesis stakers compound their rewards into their bonds.
		let paid = Staking::ledger(Stash(bob.clone())).expect("Bob bonds").active - before;
		assert!(paid > 0);
		assert_eq!(estimate.amount, paid);
		assert_eq!(estimate.basis, NOMINATOR_BOND);
		check_invariants();
	});
}

#[test]
fn an_offence_report_slashes_the_validator_and_reaches_restaking() {
	new_test_ext("development").execute_with(|| {
		let (alice, bob, charlie) = (account(Alice), account(Bob), account(Charlie));
		rotate_to_era(1, &[(alice.clone(), 10)]);
		let session = common::last_session().expect("sessions were reported") + 1;
		let before = Restaking::service_security(1).expect("bridge").total_slashable;
		System::reset_events();

		// The relay chain reports Alice's offence in the session now running (era 1).
		report_offence(session, alice.clone(), Perbill::from_percent(10));
		run_to_block(System::block_number() + 3);

		// Alice and both her nominators lost a tenth of their bonds.
		assert_eq!(bonded(&alice), VALIDATOR_BOND - VALIDATOR_BOND / 10);
		assert_eq!(bonded(&bob), NOMINATOR_BOND - NOMINATOR_BOND / 10);
		assert_eq!(bonded(&charlie), NOMINATOR_BOND - NOMINATOR_BOND / 10);
		// Bob restakes through Dave (half to each service), Charlie through Eve (all to the
		// oracle): each lost a tenth of 20,000 restaked.
		let exposure = Restaking::staker_exposure(bob.clone()).expect("Bob restakes");
		assert_eq!(exposure.restaked, DEMO_DELEGATION - DEMO_DELEGATION / 10);
		let after = Restaking::service_security(1).expect("bridge").total_slashable;
		assert_eq!(before - after, DEMO_DELEGATION / 10 / 2);
		let mut reduced: Vec<_> = System::events()
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
		reduced.sort();
		let tenth = DEMO_DELEGATION / 10;
		assert_eq!(reduced, vec![(0, tenth / 2), (0, tenth), (1, tenth / 2)]);
		check_invariants();
	});
}

/// A session-key change goes to the relay chain at its sender's cost: its delivery, priced by
/// the upward queue's congestion, and its execution there. Nobody floods the queue that the
/// validator sets take for free.
#[test]
fn a_session_key_change_pays_its_way_to_the_relay_chain() {
	use frame_support::traits::fungible::Inspect;
	use restaking_parachain_runtime::{Balances, StakingRcClient};
	new_test_ext("development").execute_with(|| {
		let ferdie = account(sp_keyring::Sr25519Keyring::Ferdie);
		<ParachainSystem as cumulus_primitives_core::UpwardMessageSender>::ensure_successful_delivery();
		let before = Balances::balance(&ferdie);
		assert_ok!(StakingRcClient::purge_keys(RuntimeOrigin::signed(ferdie.clone()), None));
		let fees = System::events()
			.into_iter()
			.find_map(|r| match r.event {
				RuntimeEvent::StakingRcClient(
					pallet_staking_async_rc_client::Event::FeesPaid { fees, .. },
				) => Some(fees),
				_ => None,
			})
			.expect("fees paid");
		// The base delivery fee alone is 0.03 UNIT.
		assert!(fees >= 3 * restaking_parachain_runtime::currency::UNIT / 100, "fees {fees}");
		assert_eq!(Balances::balance(&ferdie), before - fees);
		assert_eq!(
			cumulus_pallet_parachain_system::PendingUpwardMessages::<Runtime>::get().len(),
			1
		);
		// With a cap below the price, nothing is sent and nothing is paid.
		let result = StakingRcClient::purge_keys(RuntimeOrigin::signed(ferdie.clone()), Some(1));
		assert_eq!(
			result,
			Err(pallet_staking_async_rc_client::Error::<Runtime>::FeesExceededMax.into())
		);
		assert_eq!(Balances::balance(&ferdie), before - fees);
	});
}
