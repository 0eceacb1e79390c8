//! # Test support
//!
//! The base layer every pallet's mock runtime in this workspace runs on, as one macro, so that
//! the mocks only spell out what differs (the restaking pallets' own configuration).
//!
//! [`impl_base_layer!`] implements, for the mock's `Runtime`:
//! - `frame_system` with the given account type (identity lookup);
//! - `pallet_balances` with an existential deposit of 1, holds and freezes for the runtime's
//!   reasons;
//! - `pallet_timestamp`;
//! - `pallet_staking` with no election provider, no era payout, root as admin, the given
//!   bonding duration and the given stake-update listeners.
//!
//! The mock must declare `System`, `Timestamp`, `Balances` and `Staking` in its
//! `construct_runtime!`, and depend on the crates named above (and `sp-runtime`,
//! `frame-election-provider-support`).

#![no_std]
#![deny(rustdoc::broken_intra_doc_links)]

/// Implement the base layer's pallets for a mock runtime; see the crate documentation. Every
/// pallet's `mock.rs` in this workspace invokes it, as in:
///
/// ```ignore
/// restaking_test_support::impl_base_layer! {
///     runtime: Runtime,
///     account: u64,
///     balance: u128,
///     bonding_duration: frame_support::traits::ConstU32<3>,
///     staking_listeners: Restaking,
/// }
/// ```
#[macro_export]
macro_rules! impl_base_layer {
	(
		runtime: $runtime:ident,
		account: $account:ty,
		balance: $balance:ty,
		bonding_duration: $bonding:ty,
		staking_listeners: $listeners:ty $(,)?
	) => {
		#[frame_support::derive_impl(frame_system::config_preludes::TestDefaultConfig)]
		impl frame_system::Config for $runtime {
			type Block = frame_system::mocking::MockBlock<$runtime>;
			type AccountId = $account;
			type Lookup = sp_runtime::traits::IdentityLookup<$account>;
			type AccountData = pallet_balances::AccountData<$balance>;
		}

		#[frame_support::derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
		impl pallet_balances::Config for $runtime {
			type Balance = $balance;
			type ExistentialDeposit = frame_support::traits::ConstU128<1>;
			type AccountStore = System;
			type FreezeIdentifier = RuntimeFreezeReason;
			type MaxFreezes = frame_support::traits::VariantCountOf<RuntimeFreezeReason>;
			type RuntimeHoldReason = RuntimeHoldReason;
			type RuntimeFreezeReason = RuntimeFreezeReason;
		}

		#[frame_support::derive_impl(pallet_timestamp::config_preludes::TestDefaultConfig)]
		impl pallet_timestamp::Config for $runtime {}

		#[frame_support::derive_impl(pallet_staking::config_preludes::TestDefaultConfig)]
		impl pallet_staking::Config for $runtime {
			type OldCurrency = Balances;
			type Currency = Balances;
			type UnixTime = Timestamp;
			type AdminOrigin = frame_system::EnsureRoot<$account>;
			type BondingDuration = $bonding;
			type EraPayout = ();
			type ElectionProvider = frame_election_provider_support::NoElection<(
				$account,
				u64,
				Staking,
				frame_support::traits::ConstU32<10>,
				frame_support::traits::ConstU32<64>,
			)>;
			type GenesisElectionProvider = Self::ElectionProvider;
			type VoterList = pallet_staking::UseNominatorsAndValidatorsMap<Self>;
			type TargetList = pallet_staking::UseValidatorsMap<Self>;
			type EventListeners = $listeners;
		}
	};
}
