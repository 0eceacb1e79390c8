//! # Restaking demo runtime
//!
//! A solochain runtime whose validator set is elected by `pallet-staking`, built to host the
//! restaking pallets of this workspace and to let a person watch base-layer effects (eras,
//! rewards, slashes) within minutes on a dev chain.
//!
//! - Consensus: Aura block production and GRANDPA finality, with the authorities set by
//!   `pallet-session` from `pallet-staking`'s on-chain election.
//! - Base-layer slashing: `pallet-offences` routes offences to `pallet-staking`;
//!   `pallet-root-offences` lets root (sudo on the dev chain) create one, for demos and tests.
//! - Governance: sudo, and an audit committee (`pallet-collective`) that later vetoes slashes.
//!
//! Timings are in [`time`]; the configuration of every pallet is in [`configs`].

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(rustdoc::broken_intra_doc_links)]
// `construct_runtime` and `impl_runtime_apis` expand to large recursive types.
#![recursion_limit = "512"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

use alloc::vec::Vec;

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod genesis_config_presets;
pub mod weights;

use sp_runtime::{generic, impl_opaque_keys, traits::BlakeTwo256};
use sp_version::RuntimeVersion;

pub use restaking_primitives::{AccountId, Balance, BlockNumber, Hash, Moment, Nonce, Signature};
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

/// Opaque types the node uses without knowing the runtime's extrinsic format.
pub mod opaque {
	use super::*;

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
}

impl_opaque_keys! {
	/// The keys a validator registers with `session.setKeys`.
	pub struct SessionKeys {
		pub aura: Aura,
		pub grandpa: Grandpa,
	}
}

#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("restaking-demo"),
	impl_name: alloc::borrow::Cow::Borrowed("restaking-demo"),
	authoring_version: 1,
	spec_version: 105,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 3,
	system_version: 1,
};

/// Block times and the staking calendar of the dev chain.
///
/// Short on purpose: an era passes in 90 seconds and bonded funds unlock after 6 minutes, so
/// rewards, unbonding and slashes can be watched on a dev chain. The restaking delays that later
/// pallets add are measured in blocks and must satisfy
/// `slash defer < deallocation delay ≤ undelegation delay`.
pub mod time {
	use super::BlockNumber;
	use sp_staking::{EraIndex, SessionIndex};

	/// Target block time. Changing it on a live chain bricks block production.
	pub const MILLI_SECS_PER_BLOCK: u64 = 3_000;
	/// Aura slot length: one block per slot.
	pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

	/// Blocks per minute.
	pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
	/// Blocks per hour.
	pub const HOURS: BlockNumber = MINUTES * 60;
	/// Blocks per day.
	pub const DAYS: BlockNumber = HOURS * 24;

	/// Blocks per session (30 seconds).
	pub const SESSION_PERIOD: BlockNumber = 10;
	/// Sessions per staking era (an era lasts 90 seconds).
	pub const SESSIONS_PER_ERA: SessionIndex = 3;
	/// Eras that unbonded stake stays slashable before it can be withdrawn (6 minutes).
	pub const BONDING_DURATION: EraIndex = 4;
	/// Eras a base-layer slash waits before it is applied. Zero: a slash reported through
	/// `pallet-root-offences` lands at once, which keeps demos and tests short.
	pub const STAKING_SLASH_DEFER_DURATION: EraIndex = 0;
}

/// Currency units (12 decimals), shared with the other restaking runtime.
pub use restaking_runtime_common::currency;

/// The address format for describing accounts.
pub type Address = sp_runtime::MultiAddress<AccountId, ()>;

/// Block header type as expected by this runtime.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;

/// Block type as expected by this runtime.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// The transaction extensions every signed transaction carries. `CheckMetadataHash` lets a
/// wallet sign the hash of the runtime's metadata (RFC 78; mode 1), as Ledger and Polkadot Vault
/// do; the runtime knows its hash when built with the `metadata-hash` feature.
pub type TxExtension = (
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Storage migrations, run on a runtime upgrade. Each runs only from the storage version it
/// expects and bumps it, so a new chain (which starts at the current versions) runs none.
pub type Migrations = (
	pallet_insurance::migrations::v1::MigrateToV1<Runtime>,
	pallet_restaking::migrations::v1::MigrateToV1<Runtime>,
);

/// Executive: dispatches to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;
	#[runtime::pallet_index(2)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(3)]
	pub type TransactionPayment = pallet_transaction_payment;

	// Consensus. Order matters: authorship notes the author before staking and session run,
	// and session rotates the Aura and GRANDPA authorities.
	#[runtime::pallet_index(4)]
	pub type Authorship = pallet_authorship;
	#[runtime::pallet_index(5)]
	pub type Staking = pallet_staking;
	#[runtime::pallet_index(6)]
	pub type Offences = pallet_offences;
	#[runtime::pallet_index(7)]
	pub type Historical = pallet_session::historical;
	#[runtime::pallet_index(8)]
	pub type Session = pallet_session;
	#[runtime::pallet_index(9)]
	pub type Aura = pallet_aura;
	#[runtime::pallet_index(10)]
	pub type Grandpa = pallet_grandpa;
	#[runtime::pallet_index(11)]
	pub type RootOffences = pallet_root_offences;
	#[runtime::pallet_index(15)]
	pub type DelegatedStaking = pallet_delegated_staking;
	#[runtime::pallet_index(16)]
	pub type NominationPools = pallet_nomination_pools;

	// Governance and utilities.
	#[runtime::pallet_index(12)]
	pub type AuditCommittee = pallet_collective<Instance1>;
	#[runtime::pallet_index(13)]
	pub type Utility = pallet_utility;
	#[runtime::pallet_index(14)]
	pub type Sudo = pallet_sudo;

	// Restaking.
	#[runtime::pallet_index(20)]
	pub type Restaking = pallet_restaking;

	#[runtime::pallet_index(21)]
	pub type Slashing = pallet_slashing;

	#[runtime::pallet_index(22)]
	pub type Insurance = pallet_insurance;

	// Liquid restaking: vault tokens live in the assets pallet.
	#[runtime::pallet_index(23)]
	pub type Assets = pallet_assets;

	#[runtime::pallet_index(24)]
	pub type LiquidRestaking = pallet_liquid_restaking;
}
