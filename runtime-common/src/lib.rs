//! # What the restaking runtimes share
//!
//! The solochain runtime (`restaking-runtime`, on `pallet-staking`) and the parachain runtime
//! (`restaking-parachain-runtime`, on `pallet-staking-async`) configure the restaking pallets
//! alike. One source keeps them alike:
//!
//! - [`currency`]: the token's units.
//! - [`parameters`]: the values of the restaking, slashing, insurance and liquid pallets'
//!   constants. Durations are types generic over the runtime's blocks per minute, so a runtime
//!   with 6-second blocks waits as long as one with 3-second blocks.
//! - [`genesis`]: the demo world both runtimes' presets start with (services, operators,
//!   delegations, risk profiles, slashing policies, an insurance pool and a cover, a vault).
//! - [`staker_exposure`]: an account's exposure across the restaking and liquid pallets, as
//!   `RestakingApi::staker_exposure` answers it.
//!
//! Each runtime still spells out its pallets' `Config` implementations: they are what a chain
//! builder reads and edits when forking, and they name the runtime's own staking adapter.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(rustdoc::broken_intra_doc_links)]

extern crate alloc;

pub mod genesis;
pub mod parameters;

use alloc::vec::Vec;
use frame_system::pallet_prelude::BlockNumberFor;
use restaking_primitives::api::StakerExposure;
use sp_runtime::traits::Zero;

pub use restaking_primitives::{AccountId, Balance, BlockNumber};

/// Currency units. The chains' token has 12 decimals.
pub mod currency {
	use super::Balance;

	/// One whole token.
	pub const UNIT: Balance = 1_000_000_000_000;
	/// A thousandth of a token.
	pub const MILLI_UNIT: Balance = UNIT / 1_000;
	/// A millionth of a token.
	pub const MICRO_UNIT: Balance = UNIT / 1_000_000;
	/// The minimum balance an account needs to exist.
	pub const EXISTENTIAL_DEPOSIT: Balance = MILLI_UNIT;
	/// Token symbol shown by wallets.
	pub const TOKEN_SYMBOL: &str = "UNIT";
	/// Token decimals shown by wallets.
	pub const TOKEN_DECIMALS: u8 = 12;
	/// The SS58 prefix of addresses (the generic Substrate prefix).
	pub const SS58_PREFIX: u16 = 42;
}

/// `who`'s exposure: its own delegation (from the restaking pallet) and its positions through
/// vault tokens (from the liquid restaking pallet), or `None` when it has neither.
pub fn staker_exposure<T>(
	who: T::AccountId,
) -> Option<StakerExposure<T::AccountId, pallet_restaking::BalanceOf<T>, BlockNumberFor<T>>>
where
	T: pallet_restaking::Config
		+ pallet_liquid_restaking::Config<Balance = pallet_restaking::BalanceOf<T>>,
{
	let vaults = pallet_liquid_restaking::Pallet::<T>::positions_of(&who);
	match pallet_restaking::Pallet::<T>::staker_exposure(who) {
		Some(exposure) => Some(StakerExposure { vaults, ..exposure }),
		None if vaults.is_empty() => None,
		None => Some(StakerExposure {
			operator: None,
			restaked: Zero::zero(),
			pending_loss: Zero::zero(),
			pending_rewards: Zero::zero(),
			pending_compensation: Zero::zero(),
			queued_outflow: Zero::zero(),
			withdrawals: Vec::new(),
			services: Vec::new(),
			base_bond: Zero::zero(),
			vaults,
		}),
	}
}

/// Build, in the current externalities, the genesis state of the preset `patch` (what a
/// runtime's `get_preset` returns) as a node builds it from a chain spec made of the preset: the
/// runtime's default genesis config `G` with the patch merged in, then `build_state`. The
/// runtimes' tests start from it.
#[cfg(feature = "std")]
pub fn build_preset_state<G: frame_support::traits::BuildGenesisConfig + Default>(
	patch: &[u8],
) -> Result<(), String> {
	let mut config = serde_json::to_value(G::default()).map_err(|e| e.to_string())?;
	let patch =
		serde_json::from_slice(patch).map_err(|e| format!("the preset is not JSON: {e}"))?;
	merge_json(&mut config, patch);
	let json = serde_json::to_vec(&config).map_err(|e| e.to_string())?;
	frame_support::genesis_builder_helper::build_state::<G>(json)
}

/// Merge a JSON patch into a JSON value, as a node does with a genesis preset
/// (`sc_chain_spec::json_merge`, a client crate the runtimes do not depend on): objects merge
/// key by key, anything else is replaced.
#[cfg(feature = "std")]
fn merge_json(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				merge_json(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		},
		(base, patch) => *base = patch,
	}
}
