//! Drive the parachain runtime natively: genesis from a preset, blocks through every pallet's
//! hooks, and the relay chain's reports through `StakingRcClient`, as the relay chain sends
//! them (root: its `Superuser` origin by XCM).
//!
//! Blocks do not go through `Executive`: a parachain block needs the relay chain's validation
//! data inherent, which only a collator builds. Each block runs what the executive runs around
//! the extrinsics: every pallet's `on_initialize`, `on_poll` (where `pallet-staking-async`
//! collects an election's result) and `on_idle` (where slashes execute and losses are swept).
// Every test binary compiles this module and uses a different part of it.
#![allow(dead_code)]

use frame_support::{
	traits::{OnIdle, OnInitialize, OnPoll},
	weights::{Weight, WeightMeter},
};
use pallet_staking_async_rc_client::{Offence, SessionReport};
use restaking_parachain_runtime::{
	genesis_config_presets, time::MILLI_SECS_PER_BLOCK, AccountId, AllPalletsWithSystem, Runtime,
	RuntimeGenesisConfig, RuntimeOrigin, StakingRcClient, System,
};
use sp_runtime::Perbill;

/// Externalities holding the genesis state of the named preset (`development`, ...), at
/// block 1.
pub fn new_test_ext(preset: &str) -> sp_io::TestExternalities {
	let patch = genesis_config_presets::get_preset(&preset.into()).expect("preset exists");
	let mut ext = sp_io::TestExternalities::new_empty();
	ext.execute_with(|| {
		restaking_runtime_common::build_preset_state::<RuntimeGenesisConfig>(&patch)
			.expect("genesis builds");
		next_block();
	});
	ext
}

/// Run the next block's hooks (see the module documentation).
pub fn next_block() {
	let number = System::block_number() + 1;
	System::set_block_number(number);
	// The time the block's inherent would set (directly: Aura would check it against a slot
	// the block has no digest for).
	pallet_timestamp::Now::<Runtime>::put(u64::from(number) * MILLI_SECS_PER_BLOCK);
	AllPalletsWithSystem::on_initialize(number);
	AllPalletsWithSystem::on_poll(number, &mut WeightMeter::new());
	AllPalletsWithSystem::on_idle(number, Weight::MAX);
}

/// Run blocks up to and including `n`.
pub fn run_to_block(n: u32) {
	while System::block_number() < n {
		next_block();
	}
}

/// The relay chain ends its session `end_index`, in which the validators earned `points`;
/// `activation` tells this chain the validator set it elected for era `activation.1` took over
/// at `activation.0` (milliseconds). Then a block passes, in which staking collects the
/// election it may have started.
pub fn end_session(end_index: u32, points: Vec<(AccountId, u32)>, activation: Option<(u64, u32)>) {
	frame_support::assert_ok!(StakingRcClient::relay_session_report(
		RuntimeOrigin::root(),
		SessionReport::new_terminal(end_index, points, activation),
	));
	next_block();
}

/// The last session the relay chain reported ended, or none yet.
pub fn last_session() -> Option<u32> {
	pallet_staking_async_rc_client::LastSessionReportEndingIndex::<Runtime>::get()
}

/// The active era.
pub fn active_era() -> u32 {
	pallet_staking_async::ActiveEra::<Runtime>::get().map_or(0, |era| era.index)
}

/// Report sessions, with `points` for each, until `era` is active: the relay chain activates
/// the validator set of each planned era in the session after it received it, a day of
/// relay-chain time after the previous era began.
pub fn rotate_to_era(era: u32, points: &[(AccountId, u32)]) {
	const DAY_MS: u64 = 24 * 3_600 * 1_000;
	while active_era() < era {
		let end = last_session().map_or(0, |last| last + 1);
		let planned = pallet_staking_async::CurrentEra::<Runtime>::get().unwrap_or(0);
		let activation = (planned > active_era()).then(|| (u64::from(planned) * DAY_MS, planned));
		end_session(end, points.to_vec(), activation);
	}
}

/// The relay chain reports that `offender` committed an offence in session `session`,
/// slashable by `fraction`.
pub fn report_offence(session: u32, offender: AccountId, fraction: Perbill) {
	frame_support::assert_ok!(StakingRcClient::relay_new_offence_paged(
		RuntimeOrigin::root(),
		vec![(session, Offence { offender, reporters: vec![], slash_fraction: fraction })],
	));
}

/// The well-known dev account of a keyring name.
pub fn account(who: sp_keyring::Sr25519Keyring) -> AccountId {
	who.to_account_id()
}

/// Every restaking pallet's invariants.
pub fn check_invariants() {
	use restaking_parachain_runtime::{Insurance, LiquidRestaking, Restaking, Slashing};
	Restaking::do_try_state(u8::MAX).expect("restaking invariants hold");
	Slashing::do_try_state(u8::MAX).expect("slashing invariants hold");
	Insurance::do_try_state(u8::MAX).expect("insurance invariants hold");
	LiquidRestaking::do_try_state(u8::MAX).expect("liquid invariants hold");
}
