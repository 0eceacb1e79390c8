//! # Test support
//!
//! The base layer every pallet's mock runtime in this workspace runs on, as one macro, so that
//! the mocks only spell out what differs (the restaking pallets' own configuration).
//!
//! ## Two staking backends
//!
//! The mocks run on [`staking`]: `pallet-staking` by default, `pallet-staking-async` with this
//! crate's feature `staking-async`. A mock names the pallet through the re-export
//! (`Staking: restaking_test_support::staking` in its `construct_runtime!`) and the restaking
//! pallet's adapter through the macro's `StakingAdapter`, so the same tests run on both:
//!
//! ```text
//! cargo test -p pallet-restaking                                                  # pallet-staking
//! cargo test -p pallet-restaking --features restaking-test-support/staking-async  # staking-async
//! ```
//!
//! The property tests take their case counts through [`proptest_cases`]: CI runs them in full
//! on `pallet-staking` and a quarter of the cases on `pallet-staking-async`
//! (`PROPTEST_CASES_PERCENT=25`).
//!
//! On `pallet-staking-async`, as on a parachain with no relay chain behind it: no election
//! ever finishes and no session report arrives, so eras move only when a test sets them
//! ([`impl_base_layer!`]'s `set_era`), as they do on `pallet-staking` with no session pallet.
//!
//! ## The macro
//!
//! [`impl_base_layer!`] implements, for the mock's `Runtime`:
//! - `frame_system` with the given account type (identity lookup);
//! - `pallet_balances` with an existential deposit of 1, holds and freezes for the runtime's
//!   reasons;
//! - `pallet_timestamp`;
//! - the staking pallet with no election provider, no era payout, root as admin, the given
//!   bonding duration and the given stake-update listeners.
//!
//! It also defines what every mock's tests use:
//! - `StakingAdapter`: `pallet_restaking::adapters::PalletStaking<Runtime>` or
//!   `pallet_restaking::adapters::StakingAsync<Runtime>`, for the restaking pallet's
//!   `StakingExtension` (the mock must have `pallet_restaking` in scope);
//! - `staking_genesis(stakers, validator_count)`: the staking pallet's genesis with `stakers`
//!   bonded as `(stash, bond, status)`, each its own controller;
//! - `set_era(era)`: make `era` the base layer's current and active era;
//! - `bonded(who)`: `who`'s bond (active and unlocking), 0 if none;
//! - `slash_bond(stash, amount, era)`: a base-layer slash of `stash`, for an offence in
//!   `era`, the way the staking pallet applies one (its `slashing::do_slash`, which tells the
//!   listeners); returns the slashed funds;
//! - `start_first_block()`: block 1, its timestamp, and no event seen yet; the mock's
//!   externalities builder calls it.
//! - `run_to_block(n)`: the blocks up to `n` as the executive runs them, through
//!   `System::run_to_block_with::<AllPalletsWithSystem>`: every pallet's `on_finalize` of the
//!   block left, the timestamp and every pallet's `on_initialize` of the block entered, then
//!   `AllPalletsWithSystem::on_idle` with unlimited weight (which, as on a chain, starts at a
//!   different pallet each block). The idle work of block `n` is done when the test's calls of
//!   block `n` run.
//! - `new_events_of::<E>()`: the events of type `E` (a pallet's `Event<Runtime>`) deposited
//!   since the last call for that type, so that a test asserts the exact sequence each step
//!   emits (given / when / then). Each mock wraps it as `events_since_last_call()` for its own
//!   pallet's events.
//!
//! The mock must declare `System`, `Timestamp`, `Balances` and `Staking` in its
//! `construct_runtime!`, and depend on the crates named above (and `sp-runtime`).

#![no_std]
#![deny(rustdoc::broken_intra_doc_links)]

/// The staking pallet the mocks run on: `pallet-staking`.
#[cfg(not(feature = "staking-async"))]
pub use pallet_staking as staking;
/// The staking pallet the mocks run on: `pallet-staking-async`.
#[cfg(feature = "staking-async")]
pub use pallet_staking_async as staking;

/// The name of the staking pallet the mocks run on.
pub const BACKEND: &str =
	if cfg!(feature = "staking-async") { "pallet-staking-async" } else { "pallet-staking" };

extern crate std;

/// `cases` scaled by the environment variable `PROPTEST_CASES_PERCENT` (100 unless set; at
/// least one case). The pallets' property tests take their case counts through it, so that CI
/// runs them in full on one staking backend and a share of them on the other.
pub fn proptest_cases(cases: u32) -> u32 {
	let percent = std::env::var("PROPTEST_CASES_PERCENT")
		.ok()
		.and_then(|percent| percent.parse::<u64>().ok())
		.unwrap_or(100);
	let scaled = u64::from(cases).saturating_mul(percent) / 100;
	u32::try_from(scaled.max(1)).unwrap_or(u32::MAX)
}

#[doc(hidden)]
pub use frame_election_provider_support;
#[doc(hidden)]
pub use pallet_staking_async_rc_client;

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

		$crate::__impl_staking! {
			runtime: $runtime,
			account: $account,
			balance: $balance,
			bonding_duration: $bonding,
			staking_listeners: $listeners,
		}

		/// Make `era` the base layer's current and active era.
		pub fn set_era(era: u32) {
			$crate::staking::CurrentEra::<$runtime>::put(era);
			$crate::staking::ActiveEra::<$runtime>::put($crate::staking::ActiveEraInfo {
				index: era,
				start: None,
			});
		}

		/// `who`'s bond, active and unlocking; 0 if it has none.
		pub fn bonded(who: $account) -> $balance {
			$crate::staking::Ledger::<$runtime>::get(who).map_or(0, |ledger| ledger.total)
		}

		/// A base-layer slash of `stash` by `amount` for an offence in `era`, the way the
		/// staking pallet applies one; returns the slashed funds.
		pub fn slash_bond(
			stash: $account,
			amount: $balance,
			era: u32,
		) -> frame_support::traits::fungible::Credit<$account, Balances> {
			use frame_support::traits::Imbalance;
			let mut reward = 0;
			let mut credit = frame_support::traits::fungible::Credit::<$account, Balances>::zero();
			$crate::staking::slashing::do_slash::<$runtime>(
				&stash,
				amount,
				&mut reward,
				&mut credit,
				era,
			);
			credit
		}

		/// Milliseconds between two blocks of the mock chain.
		pub const BLOCK_TIME_MS: u64 = 6_000;

		/// Enter block 1, with its timestamp; no event has been seen yet.
		pub fn start_first_block() {
			System::set_block_number(1);
			Timestamp::set_timestamp(BLOCK_TIME_MS);
			SEEN_EVENTS.with(|seen| seen.borrow_mut().clear());
		}

		/// Run the blocks up to `n` as the executive would (see the crate documentation).
		pub fn run_to_block(n: u64) {
			use frame_support::traits::OnIdle;
			let stamp = |block: u64| Timestamp::set_timestamp(block.saturating_mul(BLOCK_TIME_MS));
			System::run_to_block_with::<AllPalletsWithSystem>(
				n,
				frame_system::RunToBlockHooks::default()
					// A test may have entered the block with `set_block_number`.
					.before_finalize(stamp)
					.before_initialize(stamp)
					.after_initialize(|block| {
						AllPalletsWithSystem::on_idle(block, frame_support::weights::Weight::MAX);
					}),
			);
		}

		std::thread_local! {
			/// Per event type, how many of its events `new_events_of` has returned.
			static SEEN_EVENTS: core::cell::RefCell<
				std::collections::BTreeMap<core::any::TypeId, usize>,
			> = Default::default();
		}

		/// The events of type `E` deposited since the last call for `E` (see the crate
		/// documentation).
		pub fn new_events_of<E: 'static>() -> std::vec::Vec<E>
		where
			RuntimeEvent: TryInto<E>,
		{
			let events = System::read_events_for_pallet::<E>();
			let seen = SEEN_EVENTS.with(|seen| {
				seen.borrow_mut().insert(core::any::TypeId::of::<E>(), events.len()).unwrap_or(0)
			});
			// Counting from a stale position would skip events unseen: refuse instead.
			assert!(
				seen <= events.len(),
				"the events were reset since the last call; do not mix `System::reset_events` \
				 with `events_since_last_call`"
			);
			events.into_iter().skip(seen).collect()
		}
	};
}

/// The staking pallet's configuration and genesis for [`impl_base_layer!`]: `pallet-staking`.
#[cfg(not(feature = "staking-async"))]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_staking {
	(
		runtime: $runtime:ident,
		account: $account:ty,
		balance: $balance:ty,
		bonding_duration: $bonding:ty,
		staking_listeners: $listeners:ty $(,)?
	) => {
		// `derive_impl` names the defaults' trait after the configured trait's path, which must
		// not start with `$crate`.
		use $crate::staking as base_layer_staking;

		#[frame_support::derive_impl(base_layer_staking::config_preludes::TestDefaultConfig)]
		impl base_layer_staking::Config for $runtime {
			type OldCurrency = Balances;
			type Currency = Balances;
			type UnixTime = Timestamp;
			type AdminOrigin = frame_system::EnsureRoot<$account>;
			type BondingDuration = $bonding;
			type EraPayout = ();
			type ElectionProvider = $crate::frame_election_provider_support::NoElection<(
				$account,
				frame_system::pallet_prelude::BlockNumberFor<$runtime>,
				Staking,
				frame_support::traits::ConstU32<10>,
				frame_support::traits::ConstU32<64>,
			)>;
			type GenesisElectionProvider = Self::ElectionProvider;
			type VoterList = $crate::staking::UseNominatorsAndValidatorsMap<Self>;
			type TargetList = $crate::staking::UseValidatorsMap<Self>;
			type EventListeners = $listeners;
		}

		/// The restaking pallet's adapter to the mock's staking pallet.
		pub type StakingAdapter = pallet_restaking::adapters::PalletStaking<$runtime>;

		/// The staking pallet's genesis: `stakers` bonded, each its own controller.
		pub fn staking_genesis(
			stakers: std::vec::Vec<($account, $balance, $crate::staking::StakerStatus<$account>)>,
			validator_count: u32,
		) -> $crate::staking::GenesisConfig<$runtime> {
			$crate::staking::GenesisConfig {
				stakers: stakers
					.into_iter()
					.map(|(stash, bond, status)| (stash, stash, bond, status))
					.collect(),
				validator_count,
				minimum_validator_count: 1,
				..Default::default()
			}
		}
	};
}

/// The staking pallet's configuration and genesis for [`impl_base_layer!`]:
/// `pallet-staking-async`, with no relay chain behind it.
#[cfg(feature = "staking-async")]
#[doc(hidden)]
#[macro_export]
macro_rules! __impl_staking {
	(
		runtime: $runtime:ident,
		account: $account:ty,
		balance: $balance:ty,
		bonding_duration: $bonding:ty,
		staking_listeners: $listeners:ty $(,)?
	) => {
		/// The relay chain the mock does not have: no election finishes, so no validator set
		/// is ever sent.
		pub struct NoRelayChain;
		impl $crate::pallet_staking_async_rc_client::RcClientInterface for NoRelayChain {
			type AccountId = $account;
			fn validator_set(_: std::vec::Vec<$account>, _: u32, _: Option<u32>) {}
		}

		// `derive_impl` names the defaults' trait after the configured trait's path, which must
		// not start with `$crate`.
		use $crate::staking as base_layer_staking;

		#[frame_support::derive_impl(base_layer_staking::config_preludes::TestDefaultConfig)]
		impl base_layer_staking::Config for $runtime {
			type OldCurrency = Balances;
			type Currency = Balances;
			type CurrencyBalance = $balance;
			type AdminOrigin = frame_system::EnsureRoot<$account>;
			type BondingDuration = $bonding;
			// Not above the bonding duration (an integrity test), whatever a mock sets that to.
			type NominatorFastUnbondDuration = $bonding;
			type EraPayout = ();
			type RewardPots = $crate::staking::SequentialTest;
			// The default `()` pays nobody: pay as the pallet does in production.
			type StakerRewardCalculator =
				$crate::staking::reward::DefaultStakerRewardCalculator<Self>;
			type ElectionProvider = $crate::frame_election_provider_support::NoElection<(
				$account,
				frame_system::pallet_prelude::BlockNumberFor<$runtime>,
				Staking,
				frame_support::traits::ConstU32<10>,
				frame_support::traits::ConstU32<64>,
			)>;
			type VoterList = $crate::staking::UseNominatorsAndValidatorsMap<Self>;
			type TargetList = $crate::staking::UseValidatorsMap<Self>;
			type RcClientInterface = NoRelayChain;
			type EventListeners = $listeners;
		}

		/// The restaking pallet's adapter to the mock's staking pallet.
		pub type StakingAdapter = pallet_restaking::adapters::StakingAsync<$runtime>;

		/// The staking pallet's genesis: `stakers` bonded (a stash is its own controller).
		pub fn staking_genesis(
			stakers: std::vec::Vec<($account, $balance, $crate::staking::StakerStatus<$account>)>,
			validator_count: u32,
		) -> $crate::staking::GenesisConfig<$runtime> {
			$crate::staking::GenesisConfig { stakers, validator_count, ..Default::default() }
		}
	};
}
