//! Slashing in the demo runtime: a service slash from request through the veto window to
//! execution and down to stakers' bonds in `pallet-staking`; a veto by two thirds of the audit
//! committee through `pallet-collective`; a base-layer slash through root offences recorded as
//! contagion.

mod common;

use codec::Encode;
use common::{account, new_test_ext, run_to_block, run_to_era};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
	weights::Weight,
};
use restaking_primitives::restaking::SlashTier;
use restaking_runtime::{
	configs::RequestDeposit,
	genesis_config_presets::{DEMO_DELEGATION, NOMINATOR_BOND, OPERATOR_SELF_BOND},
	AuditCommittee, Balances, Restaking, Runtime, RuntimeCall, RuntimeHoldReason, RuntimeOrigin,
	Slashing, System,
};
use sp_core::H256;
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie, Eve, Ferdie};
use sp_runtime::Perbill;

fn bonded(who: &restaking_runtime::AccountId) -> u128 {
	pallet_staking::Ledger::<Runtime>::get(who).map(|l| l.total).unwrap_or(0)
}

fn check_invariants() {
	Restaking::do_try_state(u8::MAX).expect("restaking invariants hold");
	Slashing::do_try_state(u8::MAX).expect("slashing invariants hold");
}

/// Two thirds of the audit committee (Alice proposes, Alice and Bob vote aye) pass `call`.
fn committee_passes(call: RuntimeCall) {
	let (alice, bob) = (account(Alice), account(Bob));
	let length = call.encoded_size() as u32;
	let hash = <Runtime as frame_system::Config>::Hashing::hash_of(&call);
	let index = pallet_collective::ProposalCount::<Runtime, pallet_collective::Instance1>::get();
	assert_ok!(AuditCommittee::propose(
		RuntimeOrigin::signed(alice.clone()),
		2,
		Box::new(call),
		length
	));
	// The proposer's vote is not implied.
	assert_ok!(AuditCommittee::vote(RuntimeOrigin::signed(alice), hash, index, true));
	assert_ok!(AuditCommittee::vote(RuntimeOrigin::signed(bob.clone()), hash, index, true));
	assert_ok!(AuditCommittee::close(
		RuntimeOrigin::signed(bob),
		hash,
		index,
		Weight::from_parts(10_000_000_000, 1_000_000),
		length
	));
}

use sp_runtime::traits::Hash as _;

#[test]
fn dev_genesis_gives_each_service_a_policy() {
	new_test_ext("development").execute_with(|| {
		let oracle = pallet_slashing::Policies::<Runtime>::get(0).expect("oracle policy");
		assert_eq!(oracle.slasher, pallet_slashing::Slasher::Account(account(Alice)));
		let bridge = pallet_slashing::Policies::<Runtime>::get(1).expect("bridge policy");
		assert_eq!(bridge.slasher, pallet_slashing::Slasher::Committee);
		check_invariants();
	});
}

#[test]
fn a_service_slash_reaches_stakers_bonds_and_a_veto_stops_another() {
	new_test_ext("development").execute_with(|| {
		let (alice, charlie, eve) = (account(Alice), account(Charlie), account(Eve));
		run_to_block(1);
		// The oracle's owner Alice slashes Eve (critical: 10 %) and, separately, asks for a
		// minor slash that the committee will find unjust.
		let critical = pallet_slashing::NextSlashId::<Runtime>::get();
		assert_ok!(Slashing::request_slash(
			RuntimeOrigin::signed(alice.clone()),
			0,
			eve.clone(),
			SlashTier::Critical,
			H256::repeat_byte(1)
		));
		let unjust = critical + 1;
		assert_ok!(Slashing::request_slash(
			RuntimeOrigin::signed(alice.clone()),
			0,
			eve.clone(),
			SlashTier::Minor,
			H256::repeat_byte(2)
		));
		// Ferdie is not the oracle's slasher; one committee member alone cannot veto.
		assert_noop!(
			Slashing::request_slash(
				RuntimeOrigin::signed(account(Ferdie)),
				0,
				eve.clone(),
				SlashTier::Minor,
				H256::repeat_byte(3)
			),
			pallet_slashing::Error::<Runtime>::NotSlasher
		);
		assert_noop!(
			Slashing::veto(RuntimeOrigin::signed(alice.clone()), unjust),
			sp_runtime::DispatchError::BadOrigin
		);
		let alice_free = Balances::balance(&alice);
		committee_passes(RuntimeCall::Slashing(pallet_slashing::Call::veto { id: unjust }));
		assert!(!pallet_slashing::Requests::<Runtime>::contains_key(unjust));
		// Alice's deposit for the vetoed request is forfeited; the other one is still held.
		assert_eq!(Balances::balance(&alice), alice_free);
		assert_eq!(
			Balances::balance_on_hold(
				&RuntimeHoldReason::Slashing(pallet_slashing::HoldReason::RequestDeposit),
				&alice
			),
			RequestDeposit::get()
		);
		assert_eq!(Slashing::pending_slashes().len(), 1);

		// While the slash waits, Charlie (Eve's delegator) cannot take stake out.
		let due = pallet_slashing::Requests::<Runtime>::get(critical).expect("waiting").due;
		run_to_block(due);
		let record = Slashing::slash_record(critical).expect("on_idle executed it");
		// 10 % of Eve's 5,000 self-bond and of Charlie's 20,000.
		assert_eq!(record.from_self_bond, OPERATOR_SELF_BOND / 10);
		assert_eq!(record.from_pool, DEMO_DELEGATION / 10);
		assert_eq!(record.fraction, Perbill::from_percent(10));

		// The pool's loss is realized on Charlie's bond in pallet-staking (by the restaking
		// pallet's idle sweep, or by anyone calling `settle`).
		if Restaking::staker_exposure(charlie.clone()).expect("restakes").pending_loss > 0 {
			assert_ok!(Restaking::settle(RuntimeOrigin::signed(alice), charlie.clone()));
		}
		assert_eq!(bonded(&charlie), NOMINATOR_BOND - DEMO_DELEGATION / 10);
		let report = Slashing::contagion_report(&eve);
		assert_eq!(report.losses.realized_from_bond, DEMO_DELEGATION / 10);
		assert_eq!(report.pending, 0);
		assert_eq!(report.service_slashes, 1);
		check_invariants();
	});
}

#[test]
fn a_root_offence_is_recorded_as_contagion() {
	new_test_ext("development").execute_with(|| {
		run_to_era(1);
		run_to_block(System::block_number() + 1);
		// Alice's nominators Bob and Charlie lose 10 % of their bonds, and so 10 % of what they
		// restake through Dave and Eve.
		assert_ok!(pallet_root_offences::Pallet::<Runtime>::create_offence(
			RuntimeOrigin::root(),
			vec![(account(Alice), Perbill::from_percent(10))],
			None,
			None,
		));
		let drops = Slashing::contagion_report(&account(Eve)).security_drops;
		assert_eq!(drops.len(), 1);
		assert_eq!(drops[0].service, 0);
		assert_eq!(drops[0].before - drops[0].after, DEMO_DELEGATION / 10);
		let dave = Slashing::contagion_report(&account(sp_keyring::Sr25519Keyring::Dave));
		assert_eq!(dave.security_drops.len(), 2, "Dave backs both services");
		assert_eq!(bonded(&account(Charlie)), NOMINATOR_BOND - NOMINATOR_BOND / 10);
		check_invariants();
	});
}
