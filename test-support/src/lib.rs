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
//! It also defines the helpers every mock's tests use:
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
