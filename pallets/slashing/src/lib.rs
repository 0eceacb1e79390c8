//! # Slashing pallet
//!
//! Cross-protocol slashing for restaking: services ask for slashes of the operators that
//! secure them, a committee can stop unjust ones, and executed slashes reach the operator's
//! self-bond and its delegators' pool in O(1). Base-layer slashes that spread into restaking
//! are recorded as contagion.
//!
//! ## Overview
//!
//! - **Policy.** A service's owner sets a [`SlashPolicy`] before any operator allocates to
//!   it: who may slash (an account or the committee), the fraction each [`SlashTier`] takes, a
//!   per-incident maximum and a veto window. Afterwards the policy may only become milder, so
//!   operators and delegators know the worst case when they put stake behind the service.
//! - **Requests.** The slasher calls [`Pallet::request_slash`] with a hash of its evidence. The
//!   same evidence cannot slash the same operator for the same service twice; an account slasher
//!   deposits `RequestDeposit` per request (lost if the request is vetoed); per operator and
//!   service the fractions requested within `SlashWindow` add up to at most
//!   `MaxSlashPerWindow`: the excess is clipped (and reported), so a burst of requests cannot
//!   wipe an operator out, and no service can use up another service's room to slash.
//! - **Verification.** A request waits its policy's veto window (at least
//!   `SlashDeferDuration`, at most `MaxVetoWindow`, both shorter than the restaking pallet's
//!   deallocation and undelegation delays). Meanwhile `VetoOrigin` may cancel it, and the
//!   operator may dispute it by posting `DisputeBond`: returned if the slash is vetoed, slashed
//!   if it executes. While any request against an operator waits, no stake enters or leaves
//!   its pool, and a decrease of its allocation to the requesting service does not take effect
//!   (this pallet is the restaking pallet's `ExitGuard`).
//! - **Execution.** Once due, anyone may call [`Pallet::execute_slash`] (free of charge);
//!   due requests also execute in `on_idle`. A slash takes its fraction of the self-bond and
//!   of the pool that were slashable at the request (each at most what is left), so stake
//!   arriving later does not pay for an earlier fault. Execution calls the restaking pallet's
//!   pool slash (one factor update, whatever the number of delegators), stores a
//!   [`SlashRecord`] and tells `OnSlashExecuted` (the insurance pallet).
//! - **Contagion.** As the restaking pallet's `OnSecurityReduced`, the pallet keeps a bounded
//!   history of the services whose slashable stake fell because of base-layer slashes; the
//!   runtime API adds how much of the pool's losses reached delegators' bonds in the base layer.
//! - **Pause.** `PauseOrigin` can stop new requests and executions; waiting requests keep the
//!   operators' exits frozen, so a pause never lets funds out.
//!
//! ## Terminology
//!
//! - **Slasher**: the origin allowed to request slashes for a service.
//! - **Tier**: `Minor` takes only the self-bond, `Major` the self-bond first and then the pool,
//!   `Critical` both pro rata.
//! - **Window cap**: the most one service can slash one operator, in fractions, within
//!   `SlashWindow`.
//! - **Contagion**: a slash in one place lowering security elsewhere.
//!
//! ## Example
//!
//! A slash is requested, disputed, not vetoed, and executed after its window (a unit test,
//! shown here):
//!
#![doc = docify::embed!("src/tests.rs", example_request_dispute_execute)]
//!
//! ## Low-level API
//!
//! The pallet reaches restaking through
//! [`RestakingInterface`](restaking_primitives::restaking::RestakingInterface) and implements
//! [`ExitGuard`](restaking_primitives::restaking::ExitGuard) and
//! [`OnSecurityReduced`](restaking_primitives::restaking::OnSecurityReduced) for it.
//! Executed slashes go to
//! [`OnSlashExecuted`](restaking_primitives::slashing::OnSlashExecuted).
//!
//! [`SlashTier`]: restaking_primitives::restaking::SlashTier
//! [`SlashRecord`]: restaking_primitives::slashing::SlashRecord

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(rustdoc::broken_intra_doc_links)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod calls;
mod events;
mod execution;
mod genesis;
mod impls;
#[cfg(test)]
mod mock;
mod requests;
#[cfg(test)]
mod tests;
#[cfg(any(feature = "try-runtime", feature = "std"))]
mod try_state;
pub mod types;
mod views;
pub mod weights;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use frame_support::traits::fungible::{self, Inspect};
pub use frame_system::pallet_prelude::BlockNumberFor;

/// Balance type of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
/// Funds taken by slashing a dispute bond.
pub type CreditOf<T> =
	fungible::Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;

use frame_support::pallet_macros::import_section;

#[import_section(calls::calls)]
#[import_section(events::events)]
#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		dispatch::PostDispatchInfo,
		pallet_prelude::*,
		traits::{
			fungible::{BalancedHold, Mutate, MutateHold},
			OnUnbalanced,
		},
	};
	use frame_system::pallet_prelude::*;
	use restaking_primitives::{
		restaking::{RestakingInterface, ServiceId, SlashTier},
		slashing::{OnSlashExecuted, SlashId},
	};
	use sp_core::H256;
	use sp_runtime::Perbill;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config(with_default)]
	pub trait Config: frame_system::Config {
		/// The currency dispute bonds are held in.
		#[pallet::no_default]
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ BalancedHold<Self::AccountId>
			+ Mutate<Self::AccountId>;

		/// The overarching hold reason.
		#[pallet::no_default]
		type RuntimeHoldReason: From<HoldReason>;

		/// The restaking pallet: services, allocations and the O(1) pool slash.
		#[pallet::no_default]
		type Restaking: RestakingInterface<Self::AccountId, BalanceOf<Self>>;

		/// Told about every executed slash (the insurance pallet pays covers from it).
		#[pallet::no_default_bounds]
		type OnSlashExecuted: OnSlashExecuted<
			Self::AccountId,
			BalanceOf<Self>,
			BlockNumberFor<Self>,
		>;

		/// Where forfeited dispute bonds (slash executed) and request deposits (slash vetoed)
		/// go.
		#[pallet::no_default_bounds]
		type OnForfeit: OnUnbalanced<CreditOf<Self>>;

		/// The origin of [`Slasher::Committee`] requests.
		#[pallet::no_default]
		type CommitteeOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// May veto waiting slashes (the demo runtime: two thirds of the audit committee, or
		/// root).
		#[pallet::no_default]
		type VetoOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// May pause and resume the pallet.
		#[pallet::no_default]
		type PauseOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Shortest veto window a policy may set: no slash executes sooner after its request.
		#[pallet::no_default_bounds]
		#[pallet::constant]
		type SlashDeferDuration: Get<BlockNumberFor<Self>>;

		/// Longest veto window a policy may set.
		#[pallet::no_default_bounds]
		#[pallet::constant]
		type MaxVetoWindow: Get<BlockNumberFor<Self>>;

		/// The restaking pallet's deallocation delay (`integrity_test` keeps every veto window
		/// below it).
		#[pallet::no_default_bounds]
		#[pallet::constant]
		type DeallocationDelay: Get<BlockNumberFor<Self>>;

		/// The restaking pallet's undelegation delay.
		#[pallet::no_default_bounds]
		#[pallet::constant]
		type UndelegationDelay: Get<BlockNumberFor<Self>>;

		/// The restaking pallet's bound on the services one operator may opt in to
		/// (`integrity_test` keeps the exit freeze their requests can cause below the window).
		#[pallet::constant]
		type MaxServicesPerOperator: Get<u32>;

		/// Blocks over which one service's requested fractions against one operator are added
		/// up.
		#[pallet::no_default_bounds]
		#[pallet::constant]
		type SlashWindow: Get<BlockNumberFor<Self>>;

		/// Most one service can slash one operator (sum of fractions of the service's slashable
		/// stake) within `SlashWindow`.
		#[pallet::constant]
		type MaxSlashPerWindow: Get<Perbill>;

		/// Most requests of one service against one operator within `SlashWindow`.
		#[pallet::constant]
		type MaxSlashesPerWindow: Get<u32>;

		/// Most waiting requests scheduled for execution by `on_idle`. Requests beyond it are
		/// still accepted and execute through `execute_slash`: no service can crowd another's
		/// request out.
		#[pallet::constant]
		type MaxPendingSlashes: Get<u32>;

		/// Most requests of one service waiting at once (no service can fill the queue).
		#[pallet::constant]
		type MaxPendingPerService: Get<u32>;

		/// Executed slashes kept per operator (older records are pruned).
		#[pallet::constant]
		type MaxSlashHistory: Get<u32>;

		/// Security drops kept per operator.
		#[pallet::constant]
		type MaxContagionHistory: Get<u32>;

		/// Held from an operator that disputes a slash.
		#[pallet::no_default_bounds]
		#[pallet::constant]
		type DisputeBond: Get<BalanceOf<Self>>;

		/// Held from an account slasher for each request; forfeited if the request is vetoed.
		#[pallet::no_default_bounds]
		#[pallet::constant]
		type RequestDeposit: Get<BalanceOf<Self>>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;

		/// Restaking state for the benchmarks.
		#[pallet::no_default]
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: restaking_primitives::restaking::RestakingBenchmarking<
			Self::AccountId,
		>;
	}

	/// Default configurations of this pallet for tests.
	pub mod config_preludes {
		use super::*;
		use frame_support::{
			derive_impl, parameter_types,
			traits::{ConstU128, ConstU32, ConstU64},
		};

		/// The values of [`TestDefaultConfig`], for tests to assert against. The deallocation
		/// and undelegation delays are those of `pallet_restaking`'s test configuration.
		pub const DEFER: u64 = 3;
		/// See [`DEFER`].
		pub const MAX_VETO_WINDOW: u64 = 8;
		/// See [`DEFER`].
		pub const DEALLOCATION_DELAY: u64 = 10;
		/// See [`DEFER`].
		pub const UNDELEGATION_DELAY: u64 = 20;
		/// See [`DEFER`].
		pub const SLASH_WINDOW: u64 = 100;
		/// See [`DEFER`].
		pub const DISPUTE_BOND: u128 = 200;
		/// See [`DEFER`].
		pub const REQUEST_DEPOSIT: u128 = 50;

		parameter_types! {
			pub const TestMaxSlashPerWindow: Perbill = Perbill::from_percent(50);
		}

		/// A configuration for mock runtimes with `u128` balances and `u64` block numbers:
		/// short delays and windows, short bounded lists, and nobody told of executed slashes.
		/// A mock states the currency, the restaking pallet, the origins and what differs.
		pub struct TestDefaultConfig;

		#[derive_impl(frame_system::config_preludes::TestDefaultConfig, no_aggregated_types)]
		impl frame_system::DefaultConfig for TestDefaultConfig {}

		#[frame_support::register_default_impl(TestDefaultConfig)]
		impl DefaultConfig for TestDefaultConfig {
			type OnSlashExecuted = ();
			type OnForfeit = ();
			type SlashDeferDuration = ConstU64<DEFER>;
			type MaxVetoWindow = ConstU64<MAX_VETO_WINDOW>;
			type DeallocationDelay = ConstU64<DEALLOCATION_DELAY>;
			type UndelegationDelay = ConstU64<UNDELEGATION_DELAY>;
			type MaxServicesPerOperator = ConstU32<3>;
			type SlashWindow = ConstU64<SLASH_WINDOW>;
			type MaxSlashPerWindow = TestMaxSlashPerWindow;
			type MaxSlashesPerWindow = ConstU32<3>;
			type MaxPendingSlashes = ConstU32<4>;
			type MaxPendingPerService = ConstU32<2>;
			type MaxSlashHistory = ConstU32<2>;
			type MaxContagionHistory = ConstU32<2>;
			type DisputeBond = ConstU128<DISPUTE_BOND>;
			type RequestDeposit = ConstU128<REQUEST_DEPOSIT>;
			type WeightInfo = ();
		}
	}

	/// Reasons this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// An operator's bond on a disputed slash.
		#[codec(index = 0)]
		DisputeBond,
		/// A slasher's deposit on a waiting request.
		#[codec(index = 1)]
		RequestDeposit,
	}

	/// Each service's slashing policy.
	#[pallet::storage]
	pub type Policies<T: Config> = StorageMap<_, Twox64Concat, ServiceId, PolicyOf<T>>;

	/// The id the next request gets.
	#[pallet::storage]
	pub type NextSlashId<T> = StorageValue<_, SlashId, ValueQuery>;

	/// Requests waiting to execute.
	#[pallet::storage]
	pub type Requests<T: Config> = StorageMap<_, Twox64Concat, SlashId, RequestOf<T>>;

	/// Waiting requests scheduled for `on_idle`, as `(due, id)`, soonest first. A request made
	/// while it is full waits outside it and executes through `execute_slash`.
	#[pallet::storage]
	pub type Queue<T: Config> =
		StorageValue<_, BoundedVec<(BlockNumberFor<T>, SlashId), T::MaxPendingSlashes>, ValueQuery>;

	/// Waiting requests per operator; while non-zero, no stake enters or leaves the operator's
	/// pool.
	#[pallet::storage]
	pub type PendingOf<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Waiting requests per operator and service, and the block of the first request since
	/// some began waiting: while the entry exists, a decrease of the operator's allocation to
	/// the service not in force by then does not take effect.
	#[pallet::storage]
	pub type PendingPerPair<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		ServiceId,
		PairPending<BlockNumberFor<T>>,
	>;

	/// Waiting requests per service.
	#[pallet::storage]
	pub type PendingPerService<T: Config> = StorageMap<_, Twox64Concat, ServiceId, u32, ValueQuery>;

	/// Evidence already used: `(service, operator, evidence)` → the request it made.
	#[pallet::storage]
	pub type UsedEvidence<T: Config> =
		StorageMap<_, Blake2_128Concat, (ServiceId, T::AccountId, H256), SlashId>;

	/// Requests of each service counted against each operator's slash window for that service
	/// (a vetoed or lapsed request still counts against `MaxSlashesPerWindow`, with a zero
	/// fraction). One service's requests never use up another service's room to slash.
	#[pallet::storage]
	pub type Windows<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		ServiceId,
		BoundedVec<WindowEntry<BlockNumberFor<T>>, T::MaxSlashesPerWindow>,
		ValueQuery,
	>;

	/// Executed slashes still in their operator's history.
	#[pallet::storage]
	pub type Records<T: Config> = StorageMap<_, Twox64Concat, SlashId, RecordOf<T>>;

	/// Each operator's executed slashes, oldest first.
	#[pallet::storage]
	pub type History<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<SlashId, T::MaxSlashHistory>,
		ValueQuery,
	>;

	/// Each operator's executed slashes in total.
	#[pallet::storage]
	pub type Totals<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, SlashTotals<BalanceOf<T>>, ValueQuery>;

	/// Each operator's latest security drops from base-layer slashes, oldest first.
	#[pallet::storage]
	pub type SecurityDrops<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<DropOf<T>, T::MaxContagionHistory>,
		ValueQuery,
	>;

	/// Whether requests and executions are stopped.
	#[pallet::storage]
	pub type Paused<T> = StorageValue<_, bool, ValueQuery>;

	/// A genesis policy: `(service, slasher account or None for the committee, minor, major,
	/// critical, max per incident, veto window)`.
	pub type GenesisPolicy<T> = (
		ServiceId,
		Option<<T as frame_system::Config>::AccountId>,
		Perbill,
		Perbill,
		Perbill,
		Perbill,
		BlockNumberFor<T>,
	);

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Policies of services registered at genesis (operators may already be opted in).
		pub policies: Vec<GenesisPolicy<T>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			Pallet::<T>::build_genesis(self).expect("genesis slashing policies are valid");
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_idle(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::execute_due(now, remaining)
		}

		fn integrity_test() {
			Self::check_constants();
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state(u8::MAX)
		}
	}
}
