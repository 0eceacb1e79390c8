//! # Restaking parachain runtime
//!
//! The restaking pallets on a parachain, where staking runs as it does on Polkadot's and
//! Kusama's Asset Hub: `pallet-staking-async`, told of sessions and offences by the relay
//! chain through `pallet-staking-async-rc-client`, which sends the elected validator sets back.
//! The rest is the Cumulus parachain template's shape for the same release: parachain system
//! and info, Aura with its parachain extension and collator selection, session, the XCM queues
//! and the message queue, transaction payment and sudo. `docs/parachain.md` is the fork guide.
//!
//! - Collators and validators differ: collators (Aura authorities from collator selection)
//!   author this chain's blocks; validators (elected by `pallet-staking-async`) secure the
//!   relay chain and are who restaking's base-layer stake backs.
//! - Eras move when the relay chain reports sessions (`StakingRcClient::relay_session_report`,
//!   root here: the relay chain by XCM, or sudo on a dev chain); offences arrive the same way
//!   (`relay_new_offence_paged`) and reach restaking through `OnStakingUpdate::on_slash`.
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
	/// The keys a collator registers with `session.setKeys`.
	pub struct SessionKeys {
		pub aura: Aura,
	}
}

#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("restaking-parachain"),
	impl_name: alloc::borrow::Cow::Borrowed("restaking-parachain"),
	authoring_version: 1,
	spec_version: 1,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 1,
	system_version: 1,
};

/// Block times, the relay chain's calendar as this chain sees it, and the staking calendar.
pub mod time {
	use super::BlockNumber;
	use sp_staking::{EraIndex, SessionIndex};

	/// Target block time: one block per relay-chain slot. Changing it on a live chain bricks
	/// block production.
	pub const MILLI_SECS_PER_BLOCK: u64 = 6_000;
	/// Aura slot length: one block per slot.
	pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;

	/// Blocks per minute.
	pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
	/// Blocks per hour.
	pub const HOURS: BlockNumber = MINUTES * 60;
	/// Blocks per day.
	pub const DAYS: BlockNumber = HOURS * 24;

	/// Collator sessions of this chain (not the relay chain's), in blocks.
	pub const COLLATOR_SESSION: BlockNumber = 10 * MINUTES;

	/// Relay-chain sessions per staking era: with the relay chain's 4-hour sessions, as on
	/// Polkadot, a day.
	pub const SESSIONS_PER_ERA: SessionIndex = 6;
	/// Eras per year, at a day each: what the yield estimates annualize by.
	pub const ERAS_PER_YEAR: u32 = 365;
	/// Eras that unbonded stake stays slashable before it can be withdrawn.
	pub const BONDING_DURATION: EraIndex = 4;
	/// Eras a base-layer slash waits before it is applied. Zero: an offence the relay chain
	/// reports is applied in the next block, which keeps demos and tests short.
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

/// The transaction extensions every signed transaction carries, as the solochain's, inside
/// `StorageWeightReclaim`: a parachain's blocks are limited by proof size too, and the
/// extension gives back what a call's storage proof turned out not to use.
pub type TxExtension = cumulus_pallet_weight_reclaim::StorageWeightReclaim<
	Runtime,
	(
		frame_system::CheckNonZeroSender<Runtime>,
		frame_system::CheckSpecVersion<Runtime>,
		frame_system::CheckTxVersion<Runtime>,
		frame_system::CheckGenesis<Runtime>,
		frame_system::CheckEra<Runtime>,
		frame_system::CheckNonce<Runtime>,
		frame_system::CheckWeight<Runtime>,
		pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
		frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	),
>;

/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Executive: dispatches to the pallets. A new chain starts at every pallet's current storage
/// version, so there is nothing to migrate yet.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
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

	// System support.
	#[runtime::pallet_index(0)]
	pub type System = frame_system;
	#[runtime::pallet_index(1)]
	pub type ParachainSystem = cumulus_pallet_parachain_system;
	#[runtime::pallet_index(2)]
	pub type Timestamp = pallet_timestamp;
	#[runtime::pallet_index(3)]
	pub type ParachainInfo = staging_parachain_info;
	#[runtime::pallet_index(4)]
	pub type WeightReclaim = cumulus_pallet_weight_reclaim;

	// Money.
	#[runtime::pallet_index(10)]
	pub type Balances = pallet_balances;
	#[runtime::pallet_index(11)]
	pub type TransactionPayment = pallet_transaction_payment;
	// Vault tokens.
	#[runtime::pallet_index(12)]
	pub type Assets = pallet_assets;

	// Governance and utilities.
	#[runtime::pallet_index(15)]
	pub type Sudo = pallet_sudo;
	#[runtime::pallet_index(16)]
	pub type AuditCommittee = pallet_collective<Instance1>;
	#[runtime::pallet_index(17)]
	pub type Utility = pallet_utility;

	// Collators. Order matters: authorship notes the author before collator selection and
	// session run, and session rotates the Aura authorities.
	#[runtime::pallet_index(20)]
	pub type Authorship = pallet_authorship;
	#[runtime::pallet_index(21)]
	pub type CollatorSelection = pallet_collator_selection;
	#[runtime::pallet_index(22)]
	pub type Session = pallet_session;
	#[runtime::pallet_index(23)]
	pub type Aura = pallet_aura;
	#[runtime::pallet_index(24)]
	pub type AuraExt = cumulus_pallet_aura_ext;

	// XCM.
	#[runtime::pallet_index(30)]
	pub type XcmpQueue = cumulus_pallet_xcmp_queue;
	#[runtime::pallet_index(31)]
	pub type PolkadotXcm = pallet_xcm;
	#[runtime::pallet_index(32)]
	pub type CumulusXcm = cumulus_pallet_xcm;
	#[runtime::pallet_index(33)]
	pub type MessageQueue = pallet_message_queue;

	// Staking, with the relay chain's sessions and offences.
	#[runtime::pallet_index(40)]
	pub type Staking = pallet_staking_async;
	#[runtime::pallet_index(41)]
	pub type StakingRcClient = pallet_staking_async_rc_client;
	#[runtime::pallet_index(42)]
	pub type VoterList = pallet_bags_list<Instance1>;

	// Restaking.
	#[runtime::pallet_index(50)]
	pub type Restaking = pallet_restaking;
	#[runtime::pallet_index(51)]
	pub type Slashing = pallet_slashing;
	#[runtime::pallet_index(52)]
	pub type Insurance = pallet_insurance;
	#[runtime::pallet_index(53)]
	pub type LiquidRestaking = pallet_liquid_restaking;
}

cumulus_pallet_parachain_system::register_validate_block! {
	Runtime = Runtime,
	BlockExecutor = cumulus_pallet_aura_ext::BlockExecutor::<Runtime, Executive>,
}
