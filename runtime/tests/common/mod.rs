//! Drive the real runtime natively: genesis from a preset, blocks through `Executive`.
// Every test binary compiles this module and uses a different part of it.
#![allow(dead_code)]

use codec::Encode;
use restaking_runtime::{
	genesis_config_presets, time::SLOT_DURATION, AccountId, Executive, Header, Runtime,
	RuntimeCall, RuntimeGenesisConfig, System, UncheckedExtrinsic,
};
use sp_consensus_aura::{Slot, AURA_ENGINE_ID};
use sp_runtime::{generic::DigestItem, traits::Header as _, Digest};

/// Externalities holding the genesis state of the named preset (`development`, ...).
pub fn new_test_ext(preset: &str) -> sp_io::TestExternalities {
	let patch = genesis_config_presets::get_preset(&preset.into()).expect("preset exists");
	let mut ext = sp_io::TestExternalities::new_empty();
	ext.execute_with(|| {
		restaking_runtime_common::build_preset_state::<RuntimeGenesisConfig>(&patch)
			.expect("genesis builds");
	});
	ext
}

/// Produce blocks up to and including `n`, each authored in the next Aura slot, with the
/// timestamp inherent applied as a block author would.
pub fn run_to_block(n: u32) {
	while System::block_number() < n {
		let number = System::block_number() + 1;
		let slot = Slot::from(u64::from(number));
		let digest = Digest { logs: vec![DigestItem::PreRuntime(AURA_ENGINE_ID, slot.encode())] };
		let header = Header::new(
			number,
			Default::default(),
			Default::default(),
			frame_system::BlockHash::<Runtime>::get(number - 1),
			digest,
		);
		Executive::initialize_block(&header);
		let timestamp =
			UncheckedExtrinsic::new_bare(RuntimeCall::Timestamp(pallet_timestamp::Call::set {
				now: u64::from(slot) * SLOT_DURATION,
			}));
		Executive::apply_extrinsic(timestamp)
			.expect("inherent is valid")
			.expect("inherent dispatches");
		let header = Executive::finalize_block();
		// What the next block names as its parent.
		frame_system::BlockHash::<Runtime>::insert(number, header.hash());
	}
}

/// Produce blocks until the given era is active.
pub fn run_to_era(era: u32) {
	while pallet_staking::ActiveEra::<Runtime>::get().map(|e| e.index).unwrap_or(0) < era {
		run_to_block(System::block_number() + 1);
	}
}

/// The well-known dev account of a keyring name.
pub fn account(who: sp_keyring::Sr25519Keyring) -> AccountId {
	who.to_account_id()
}

/// The staking events deposited since the last `System::reset_events`.
pub fn staking_events() -> Vec<pallet_staking::Event<Runtime>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			restaking_runtime::RuntimeEvent::Staking(event) => Some(event),
			_ => None,
		})
		.collect()
}
