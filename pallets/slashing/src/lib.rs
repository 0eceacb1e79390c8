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
//! ```ignore
//! Slashing::set_policy(owner, service, policy)?;           // before operators opt in
//! Slashing::request_slash(slasher, service, operator, SlashTier::Major, evidence)?;
//! Slashing::dispute(operator, id)?;                         // optional, posts a bond
//! Slashing::veto(committee, id)?;                           // or, after the window:
//! Slashing::execute_slash(anyone, id)?;
//! ```
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

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
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

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency dispute bonds are held in.
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ BalancedHold<Self::AccountId>
			+ Mutate<Self::AccountId>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The restaking pallet: services, allocations and the O(1) pool slash.
		type Restaking: RestakingInterface<Self::AccountId, BalanceOf<Self>>;

		/// Told about every executed slash (the insurance pallet pays covers from it).
		type OnSlashExecuted: OnSlashExecuted<
			Self::AccountId,
			BalanceOf<Self>,
			BlockNumberFor<Self>,
		>;

		/// Where forfeited dispute bonds (slash executed) and request deposits (slash vetoed)
		/// go.
		type OnForfeit: OnUnbalanced<CreditOf<Self>>;

		/// The origin of [`Slasher::Committee`] requests.
		type CommitteeOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// May veto waiting slashes (the demo runtime: two thirds of the audit committee, or
		/// root).
		type VetoOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// May pause and resume the pallet.
		type PauseOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// Shortest veto window a policy may set: no slash executes sooner after its request.
		#[pallet::constant]
		type SlashDeferDuration: Get<BlockNumberFor<Self>>;

		/// Longest veto window a policy may set.
		#[pallet::constant]
		type MaxVetoWindow: Get<BlockNumberFor<Self>>;

		/// The restaking pallet's deallocation delay (`integrity_test` keeps every veto window
		/// below it).
		#[pallet::constant]
		type DeallocationDelay: Get<BlockNumberFor<Self>>;

		/// The restaking pallet's undelegation delay.
		#[pallet::constant]
		type UndelegationDelay: Get<BlockNumberFor<Self>>;

		/// The restaking pallet's bound on the services one operator may opt in to
		/// (`integrity_test` keeps the exit freeze their requests can cause below the window).
		#[pallet::constant]
		type MaxServicesPerOperator: Get<u32>;

		/// Blocks over which one service's requested fractions against one operator are added
		/// up.
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
		#[pallet::constant]
		type DisputeBond: Get<BalanceOf<Self>>;

		/// Held from an account slasher for each request; forfeited if the request is vetoed.
		#[pallet::constant]
		type RequestDeposit: Get<BalanceOf<Self>>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;

		/// Restaking state for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: restaking_primitives::restaking::RestakingBenchmarking<
			Self::AccountId,
		>;
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

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A service's slashing policy was set or made milder.
		PolicySet { service: ServiceId, policy: PolicyOf<T> },
		/// A slash was requested; it may execute from block `due`. `scheduled` is false when
		/// `on_idle`'s queue was full: the request then executes through `execute_slash`.
		SlashRequested {
			id: SlashId,
			service: ServiceId,
			operator: T::AccountId,
			tier: SlashTier,
			fraction: Perbill,
			evidence: H256,
			due: BlockNumberFor<T>,
			scheduled: bool,
		},
		/// The operator's window cap cut a request from `requested` to `allowed`.
		SlashClipped { id: SlashId, requested: Perbill, allowed: Perbill },
		/// The operator disputed a request and posted `bond`.
		SlashDisputed { id: SlashId, operator: T::AccountId, bond: BalanceOf<T> },
		/// A request was vetoed; `bond_returned` went back to the disputing operator and
		/// `deposit_forfeited` was taken from the slasher.
		SlashVetoed { id: SlashId, bond_returned: BalanceOf<T>, deposit_forfeited: BalanceOf<T> },
		/// A slash executed.
		SlashExecuted {
			id: SlashId,
			service: ServiceId,
			operator: T::AccountId,
			fraction: Perbill,
			from_self_bond: BalanceOf<T>,
			from_pool: BalanceOf<T>,
			bond_slashed: BalanceOf<T>,
		},
		/// A due request found nothing to slash (the operator's allocation to the service ended,
		/// or a milder policy set the tier's fraction to zero); it was dropped and any dispute
		/// bond and request deposit returned.
		SlashLapsed { id: SlashId, reason: DispatchError },
		/// Requests and executions stopped.
		Paused,
		/// Requests and executions resumed.
		Resumed,
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The service does not exist or is retired.
		ServiceNotLive,
		/// Only the service's owner may set its policy.
		NotServiceOwner,
		/// A tier above the per-incident maximum, a maximum above `MaxSlashPerWindow`, or a veto
		/// window outside `[SlashDeferDuration, MaxVetoWindow]`.
		InvalidPolicy,
		/// A first policy can only be set while no operator has allocated to the service.
		OperatorsAlreadyAllocated,
		/// A policy may only become milder: same slasher, no larger fraction, no shorter window.
		PolicyHarsher,
		/// The service has no slashing policy.
		NoPolicy,
		/// The origin is not the service's slasher.
		NotSlasher,
		/// The operator has no stake allocated to the service.
		NotAllocated,
		/// This evidence was already used against the operator for the service.
		DuplicateEvidence,
		/// The policy's fraction for this tier is zero.
		TierDisabled,
		/// The service slashed the operator up to `MaxSlashPerWindow` within `SlashWindow`.
		WindowCapReached,
		/// `MaxSlashesPerWindow` requests of the service against the operator within
		/// `SlashWindow`.
		TooManySlashesInWindow,
		/// `MaxPendingPerService` requests of this service are waiting.
		ServiceQueueFull,
		/// No request with this id was ever made.
		UnknownSlash,
		/// The request no longer waits: it was vetoed or lapsed (or executed and its record
		/// pruned from the history).
		NotWaiting,
		/// The slash already executed.
		AlreadyExecuted,
		/// The veto window has not passed yet.
		NotDue,
		/// The request is already disputed.
		AlreadyDisputed,
		/// Only the slashed operator may dispute.
		NotSlashedOperator,
		/// The veto window is over; disputes are closed.
		DisputeWindowClosed,
		/// The pallet is paused.
		IsPaused,
		/// The pallet is not paused.
		NotPaused,
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
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Set `service`'s slashing policy: the first time while no operator has opted in,
		/// afterwards only milder.
		///
		/// - Origin: the service's owner.
		///
		/// Emits [`Event::PolicySet`]. Errors: [`Error::ServiceNotLive`],
		/// [`Error::NotServiceOwner`], [`Error::InvalidPolicy`],
		/// [`Error::OperatorsAlreadyAllocated`], [`Error::PolicyHarsher`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::set_policy())]
		pub fn set_policy(
			origin: OriginFor<T>,
			service: ServiceId,
			policy: PolicyOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_policy(who, service, policy)
		}

		/// Ask for a slash of `operator` for `service` at the policy's fraction for `tier` of the
		/// operator's slashable stake now, clipped to what the operator's window cap leaves. It
		/// executes after the policy's veto window unless vetoed; meanwhile no stake leaves the
		/// operator's pool. An account slasher deposits `RequestDeposit`, lost on a veto.
		///
		/// - Origin: the service's slasher (an account, or `CommitteeOrigin`).
		///
		/// Emits [`Event::SlashRequested`] (and [`Event::SlashClipped`] when clipped). Errors:
		/// [`Error::IsPaused`], [`Error::ServiceNotLive`], [`Error::NoPolicy`],
		/// [`Error::NotSlasher`], [`Error::NotAllocated`], [`Error::DuplicateEvidence`],
		/// [`Error::TierDisabled`], [`Error::WindowCapReached`],
		/// [`Error::TooManySlashesInWindow`], [`Error::ServiceQueueFull`],
		/// and the currency's error when an account slasher cannot pay `RequestDeposit`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::request_slash())]
		pub fn request_slash(
			origin: OriginFor<T>,
			service: ServiceId,
			operator: T::AccountId,
			tier: SlashTier,
			evidence: H256,
		) -> DispatchResult {
			Self::do_request_slash(origin, service, operator, tier, evidence)
		}

		/// Dispute a waiting slash: hold `DisputeBond` from the operator and flag the request
		/// for the committee. The bond comes back if the slash is vetoed and is slashed with
		/// it otherwise.
		///
		/// - Origin: the slashed operator.
		///
		/// Emits [`Event::SlashDisputed`]. Errors: [`Error::UnknownSlash`],
		/// [`Error::AlreadyExecuted`], [`Error::NotWaiting`], [`Error::NotSlashedOperator`],
		/// [`Error::AlreadyDisputed`], [`Error::DisputeWindowClosed`], and the currency's error
		/// when the bond cannot be held.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::dispute())]
		pub fn dispute(origin: OriginFor<T>, id: SlashId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_dispute(who, id)
		}

		/// Cancel a waiting slash: a dispute bond is returned, the slasher's deposit forfeited,
		/// the fraction given back to the operator's window. Allowed while paused.
		///
		/// - Origin: `VetoOrigin`.
		///
		/// Emits [`Event::SlashVetoed`]. Errors: [`Error::UnknownSlash`],
		/// [`Error::AlreadyExecuted`], [`Error::NotWaiting`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::veto())]
		pub fn veto(origin: OriginFor<T>, id: SlashId) -> DispatchResult {
			T::VetoOrigin::ensure_origin(origin)?;
			Self::do_veto(id)
		}

		/// Execute a slash whose veto window has passed. Free of charge.
		///
		/// - Origin: signed (anyone).
		///
		/// Emits [`Event::SlashExecuted`] or [`Event::SlashLapsed`]. Errors:
		/// [`Error::IsPaused`], [`Error::UnknownSlash`], [`Error::AlreadyExecuted`],
		/// [`Error::NotWaiting`], [`Error::NotDue`].
		#[pallet::call_index(4)]
		// The cost does not depend on the pool's delegator count (the benchmark's `d`
		// component shows it), so none is charged for; `OnSlashExecuted` adds its own.
		#[pallet::weight(
			T::WeightInfo::execute_slash(0).saturating_add(T::OnSlashExecuted::max_weight())
		)]
		pub fn execute_slash(origin: OriginFor<T>, id: SlashId) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			Self::do_execute(id, frame_system::Pallet::<T>::block_number())?;
			Ok(PostDispatchInfo { actual_weight: None, pays_fee: Pays::No })
		}

		/// Stop new requests and executions. Waiting requests keep their operators' exits
		/// frozen.
		///
		/// - Origin: `PauseOrigin`.
		///
		/// Emits [`Event::Paused`]. Errors: [`Error::IsPaused`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::pause())]
		pub fn pause(origin: OriginFor<T>) -> DispatchResult {
			T::PauseOrigin::ensure_origin(origin)?;
			ensure!(!Paused::<T>::get(), Error::<T>::IsPaused);
			Paused::<T>::put(true);
			Self::deposit_event(Event::Paused);
			Ok(())
		}

		/// Resume requests and executions.
		///
		/// - Origin: `PauseOrigin`.
		///
		/// Emits [`Event::Resumed`]. Errors: [`Error::NotPaused`].
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::resume())]
		pub fn resume(origin: OriginFor<T>) -> DispatchResult {
			T::PauseOrigin::ensure_origin(origin)?;
			ensure!(Paused::<T>::get(), Error::<T>::NotPaused);
			Paused::<T>::kill();
			Self::deposit_event(Event::Resumed);
			Ok(())
		}
	}
}
