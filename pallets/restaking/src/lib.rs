//! # Restaking pallet
//!
//! Lets stake bonded in the base staking layer (`pallet-staking` in the demo runtime) also
//! secure registered services.
//!
//! ## Overview
//!
//! A **staker** delegates part of its active bond to one **operator**. The funds never leave
//! the staker's staking ledger, so base-layer rewards keep flowing; the pallet places a
//! balances freeze ([`FreezeReason::Restaked`]) of the restaked amount on the staker's account.
//! Freezes overlap the staking hold, so unbonding and withdrawing from staking cannot move
//! restaked funds out of the account while they can still be slashed.
//!
//! Each operator has a pool: delegators hold shares, and every share is worth `factor` (1 at
//! registration). A slash lowers the factor once — its cost does not depend on the number of
//! delegators — and each delegator's loss is realized (taken from its bond, or from its frozen
//! free balance) the next time it acts, when anyone calls [`Pallet::settle`] for it, or by the
//! bounded `on_idle` sweep.
//!
//! Operators **allocate** magnitudes of their stake to **services** (EigenLayer's model): a
//! service can slash `stake × magnitude / max_magnitude`. With `MaxLeverage = 1` (unique
//! stake) a slash on one service leaves every other service's slashable stake unchanged; with
//! `MaxLeverage > 1` (shared security) allocations may add up to more than the stake and a
//! slash on one service lowers the others.
//!
//! Caps bound concentration (per staker, per operator, per service) and outflow (per era);
//! services pay rewards that pools split per share, scaled down for over-concentrated pools.
//!
//! ## Terminology
//!
//! - **Service**: a protocol registered with a deposit that wants economic security.
//! - **Operator**: an account with a self-bond (first-loss capital), a commission and a pool.
//! - **Staker**: a base-layer staker that restakes by delegating to one operator.
//! - **Magnitude**: the part of an operator's stake a service may slash.
//! - **Factor**: the value of one pool share.
//! - **Pending loss**: a slash not yet realized on a staker: `value − shares × factor`.
//!
//! ## Example
//!
//! A service registers, an operator registers and opts in, a staker delegates, the operator
//! allocates, and after `AllocationDelay` the service can slash:
//!
//! ```ignore
//! Restaking::register_service(owner, metadata, min_stake, max_operators, false)?;
//! Restaking::register_operator(operator, self_bond, commission, metadata)?;
//! Restaking::opt_in(operator, service)?;
//! Restaking::delegate(staker, operator_account, amount)?;
//! Restaking::allocate(operator, service, Perquintill::from_percent(50))?;
//! ```
//!
//! ## Low-level API
//!
//! Other pallets use the traits of `restaking-primitives`, implemented by [`Pallet`]:
//! [`RestakingInterface`](restaking_primitives::restaking::RestakingInterface) (slashable stake
//! and the O(1) pool slash, for the slashing pallet) and `sp_staking::OnStakingUpdate` (base-
//! layer slashes flowing in). The base layer is reached through
//! [`BaseStaking`](restaking_primitives::restaking::BaseStaking); [`adapters`] has the one for
//! `pallet-staking`.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(any(feature = "pallet-staking-adapter", test))]
pub mod adapters;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod delegation;
mod genesis;
mod idle;
mod impls;
mod ledger;
mod math;
#[cfg(test)]
mod mock;
mod operators;
#[cfg(test)]
mod proptests;
mod services;
mod slashing;
#[cfg(test)]
mod tests;
#[cfg(any(feature = "try-runtime", feature = "std"))]
mod try_state;
pub mod types;
mod views;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
pub use benchmarking::BenchmarkSetup;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use frame_support::traits::fungible::{self, Inspect};

/// What the benchmarks need from the base staking layer.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId, Balance> {
	/// Make `who` (funded by the caller) a base-layer staker with `amount` bonded.
	fn bond(who: &AccountId, amount: Balance);
}
use restaking_primitives::restaking::ServiceId;

/// Balance type of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
/// Funds taken out of circulation by a slash.
pub type CreditOf<T> =
	fungible::Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;
pub use frame_system::pallet_prelude::BlockNumberFor;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Balanced, InspectFreeze, Mutate, MutateFreeze, MutateHold},
			OnUnbalanced,
		},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use restaking_primitives::restaking::{BaseStaking, ExitGuard, LossLedger, OnSecurityReduced};
	use sp_runtime::{Perbill, Perquintill};

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency: holds for deposits and self-bonds, a freeze on restaked funds.
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ MutateFreeze<Self::AccountId, Id = Self::RuntimeFreezeReason>
			+ InspectFreeze<Self::AccountId>
			+ Mutate<Self::AccountId>
			+ Balanced<Self::AccountId>
			+ fungible::BalancedHold<Self::AccountId>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The overarching freeze reason.
		type RuntimeFreezeReason: From<FreezeReason>;

		/// The base staking layer: stake to read and bonds to take realized losses from.
		type BaseStaking: BaseStaking<Self::AccountId, BalanceOf<Self>, Credit = CreditOf<Self>>;

		/// Where realized slash funds go (the demo runtime feeds the insurance reserve and burns
		/// the rest).
		type OnSlashedFunds: OnUnbalanced<CreditOf<Self>>;

		/// Told when a base-layer slash lowers a service's slashable stake.
		type OnSecurityReduced: OnSecurityReduced<Self::AccountId, BalanceOf<Self>>;

		/// Freezes exits from an operator's pool while a slash of it waits (the slashing
		/// pallet); `()` never freezes.
		type ExitGuard: ExitGuard<Self::AccountId, BlockNumberFor<Self>>;

		/// Origin that may change [`Parameters`].
		type ParametersOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The pallet's account holds service reward budgets and undistributed rewards.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Held from a service's owner while the service is registered.
		#[pallet::constant]
		type ServiceDeposit: Get<BalanceOf<Self>>;

		/// Held from an operator while it is registered (besides its self-bond).
		#[pallet::constant]
		type OperatorDeposit: Get<BalanceOf<Self>>;

		/// Least self-bond an operator registers with.
		#[pallet::constant]
		type MinSelfBond: Get<BalanceOf<Self>>;

		/// Least amount a staker delegates at once.
		#[pallet::constant]
		type MinDelegation: Get<BalanceOf<Self>>;

		/// Highest commission an operator may set.
		#[pallet::constant]
		type MaxCommission: Get<Perbill>;

		/// Blocks before a commission change applies.
		#[pallet::constant]
		type CommissionChangeDelay: Get<BlockNumberFor<Self>>;

		/// Blocks before an allocation increase applies (no flash restaking).
		#[pallet::constant]
		type AllocationDelay: Get<BlockNumberFor<Self>>;

		/// Blocks before an allocation decrease applies; the old magnitude stays slashable.
		#[pallet::constant]
		type DeallocationDelay: Get<BlockNumberFor<Self>>;

		/// Blocks a withdrawal stays slashable before it can complete.
		#[pallet::constant]
		type UndelegationDelay: Get<BlockNumberFor<Self>>;

		/// Bound on `Σ magnitudes / max_magnitude` per operator. 1: unique stake.
		#[pallet::constant]
		type MaxLeverage: Get<u32>;

		/// Longest metadata of a service or operator, in bytes.
		#[pallet::constant]
		type MaxMetadataLen: Get<u32>;

		/// Most operators one service may have.
		#[pallet::constant]
		type MaxOperatorsPerService: Get<u32>;

		/// Most services one operator may opt in to.
		#[pallet::constant]
		type MaxServicesPerOperator: Get<u32>;

		/// Most withdrawals one staker may have queued.
		#[pallet::constant]
		type MaxWithdrawals: Get<u32>;

		/// Most stakers that may wait in the outflow queue.
		#[pallet::constant]
		type MaxOutflowQueue: Get<u32>;

		/// Caps and curve at genesis, and the bounds `set_parameters` enforces.
		#[pallet::constant]
		type DefaultParameters: Get<Parameters>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;

		/// Makes base-layer stakers for the benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId, BalanceOf<Self>>;
	}

	/// Reasons this pallet holds funds.
	#[pallet::composite_enum]
	pub enum HoldReason {
		/// A service's registration deposit.
		#[codec(index = 0)]
		ServiceDeposit,
		/// An operator's registration deposit.
		#[codec(index = 1)]
		OperatorDeposit,
		/// An operator's self-bond.
		#[codec(index = 2)]
		SelfBond,
	}

	/// Reasons this pallet freezes funds.
	#[pallet::composite_enum]
	pub enum FreezeReason {
		/// Stake restaked through an operator, active or queued for withdrawal.
		#[codec(index = 0)]
		Restaked,
	}

	/// The id the next service gets.
	#[pallet::storage]
	pub type NextServiceId<T> = StorageValue<_, ServiceId, ValueQuery>;

	/// Registered services, retired ones included.
	#[pallet::storage]
	pub type Services<T: Config> = StorageMap<_, Twox64Concat, ServiceId, Service<T>>;

	/// Registered operators and their pools.
	#[pallet::storage]
	pub type Operators<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, Operator<T>>;

	/// Operator memberships of services, with allocations.
	#[pallet::storage]
	pub type Memberships<T: Config> =
		StorageDoubleMap<_, Blake2_128Concat, T::AccountId, Twox64Concat, ServiceId, Membership<T>>;

	/// Operators of each service (reverse index of [`Memberships`]).
	#[pallet::storage]
	pub type ServiceOperators<T: Config> = StorageMap<
		_,
		Twox64Concat,
		ServiceId,
		BoundedVec<T::AccountId, T::MaxOperatorsPerService>,
		ValueQuery,
	>;

	/// Stakers' positions.
	#[pallet::storage]
	pub type Stakers<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, StakerLedger<T>>;

	/// Everything restaked: the sum of every operator's self-bond and pool value.
	#[pallet::storage]
	pub type TotalRestaked<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Caps and the diversification curve in force.
	#[pallet::storage]
	pub type ActiveParameters<T: Config> =
		StorageValue<_, Parameters, ValueQuery, T::DefaultParameters>;

	/// Value that entered undelegation in the current era (against `max_outflow_per_era`).
	#[pallet::storage]
	pub type CurrentOutflow<T: Config> = StorageValue<_, EraOutflow<BalanceOf<T>>, ValueQuery>;

	/// Stakers whose undelegation exceeded the era's outflow cap, first come first served.
	/// Their queued value stays delegated (and slashable, and earning) until it fits.
	#[pallet::storage]
	pub type OutflowQueue<T: Config> =
		StorageValue<_, BoundedVec<T::AccountId, T::MaxOutflowQueue>, ValueQuery>;

	/// Realized losses not collected yet: the sum of the stakers' debts (funds that sat in
	/// another hold when the loss was realized). They stay frozen and are collected at the
	/// stakers' next touch; nothing is written off.
	#[pallet::storage]
	pub type Shortfall<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Per operator: losses imposed on its pool and how far they have been realized.
	#[pallet::storage]
	pub type Losses<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, LossLedger<BalanceOf<T>>, ValueQuery>;

	/// Set while the pallet itself slashes a bond, so that the base layer's slash notification
	/// for it is not read back as a base-layer slash. Set and cleared within one call, so it
	/// never reaches the database: whitelisted, like `frame_system`'s per-block items.
	#[pallet::storage]
	#[pallet::whitelist_storage]
	pub type Realizing<T> = StorageValue<_, bool, ValueQuery>;

	/// Per operator and block: the pool's reward accumulator after the last reward payment of
	/// a block in which fresh shares sat in the pool (see [`FreshShares`]). Removed once every
	/// staker holding fresh shares of that block has been checkpointed.
	#[pallet::storage]
	pub type FreshRewardMarks<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		BlockNumberFor<T>,
		FreshRewardMark,
	>;

	/// Losses still owed by accounts whose position closed before they could be collected
	/// (their pool closed and released them): frozen, collected by `settle`, and counted in
	/// [`Shortfall`]. Such an account cannot delegate until it has paid.
	#[pallet::storage]
	pub type Debts<T: Config> = StorageMap<_, Blake2_128Concat, T::AccountId, Debt<T>>;

	/// Where the `on_idle` sweep of pending losses resumes (a raw [`Stakers`] key).
	#[pallet::storage]
	pub type SweepCursor<T> = StorageValue<_, BoundedVec<u8, ConstU32<128>>, OptionQuery>;

	/// A genesis service: `(owner, metadata, min operator stake, max operators, requires
	/// approval, reward budget)`.
	pub type GenesisService<T> =
		(<T as frame_system::Config>::AccountId, Vec<u8>, BalanceOf<T>, u32, bool, BalanceOf<T>);

	/// A genesis operator: `(account, self-bond, commission, metadata)`.
	pub type GenesisOperator<T> =
		(<T as frame_system::Config>::AccountId, BalanceOf<T>, Perbill, Vec<u8>);

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Services: `(owner, metadata, min operator stake, max operators, requires approval,
		/// reward budget)`.
		pub services: Vec<GenesisService<T>>,
		/// Operators: `(account, self-bond, commission, metadata)`.
		pub operators: Vec<GenesisOperator<T>>,
		/// Opt-ins with an immediately effective allocation: `(operator, service, magnitude)`.
		pub allocations: Vec<(T::AccountId, ServiceId, Perquintill)>,
		/// Delegations: `(staker, operator, amount)`; stakers must be bonded in the base layer.
		pub delegations: Vec<(T::AccountId, T::AccountId, BalanceOf<T>)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			Pallet::<T>::build_genesis(self).expect("genesis restaking configuration is valid");
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A service was registered.
		ServiceRegistered { service: ServiceId, owner: T::AccountId, deposit: BalanceOf<T> },
		/// A service's settings changed.
		ServiceUpdated { service: ServiceId },
		/// A service was paused: no new opt-ins or allocations.
		ServicePaused { service: ServiceId },
		/// A paused service was resumed.
		ServiceResumed { service: ServiceId },
		/// A service was retired and its deposit and unspent budget returned.
		ServiceRetired { service: ServiceId, refunded: BalanceOf<T> },
		/// A service's reward budget was funded.
		ServiceFunded { service: ServiceId, from: T::AccountId, amount: BalanceOf<T> },
		/// An operator registered.
		OperatorRegistered { operator: T::AccountId, self_bond: BalanceOf<T>, commission: Perbill },
		/// An operator's commission changes at block `at`.
		CommissionChangeScheduled {
			operator: T::AccountId,
			commission: Perbill,
			at: BlockNumberFor<T>,
		},
		/// An operator's self-bond grew.
		SelfBondIncreased { operator: T::AccountId, amount: BalanceOf<T> },
		/// An operator deregistered; its self-bond and deposit were released.
		OperatorDeregistered { operator: T::AccountId },
		/// An operator opted in to a service.
		OptedIn { operator: T::AccountId, service: ServiceId, approved: bool },
		/// An operator left a service.
		OptedOut { operator: T::AccountId, service: ServiceId },
		/// A service's owner approved an operator.
		OperatorApproved { operator: T::AccountId, service: ServiceId },
		/// An operator's allocation to a service changes to `magnitude` at block `at`.
		AllocationScheduled {
			operator: T::AccountId,
			service: ServiceId,
			magnitude: Perquintill,
			at: BlockNumberFor<T>,
		},
		/// A staker restaked `amount` through an operator, for `shares` pool shares.
		Delegated {
			staker: T::AccountId,
			operator: T::AccountId,
			amount: BalanceOf<T>,
			shares: BalanceOf<T>,
		},
		/// A staker's stake entered its undelegation delay.
		UndelegationQueued {
			staker: T::AccountId,
			operator: T::AccountId,
			amount: BalanceOf<T>,
			unlock_at: BlockNumberFor<T>,
		},
		/// A staker's undelegation exceeded the era's outflow cap; `amount` waits in the queue.
		OutflowDeferred { staker: T::AccountId, amount: BalanceOf<T> },
		/// Withdrawals completed; `amount` is no longer frozen.
		Withdrawn { staker: T::AccountId, operator: T::AccountId, amount: BalanceOf<T> },
		/// A staker's pending loss (`loss`, possibly zero) was realized, and with any earlier
		/// debt collected: `from_bond` from its bond and `from_free` from its frozen free
		/// balance. `owed` is what the staker still owes (funds in another hold): it stays
		/// frozen and is collected at the next touch.
		LossRealized {
			staker: T::AccountId,
			operator: T::AccountId,
			loss: BalanceOf<T>,
			from_bond: BalanceOf<T>,
			from_free: BalanceOf<T>,
			owed: BalanceOf<T>,
		},
		/// A debtor's unclaimed rewards and compensation paid (part of) its debt when its
		/// position closed; `owed` is what is left, moved to [`Debts`].
		DebtPaidFromRewards {
			staker: T::AccountId,
			operator: T::AccountId,
			amount: BalanceOf<T>,
			owed: BalanceOf<T>,
		},
		/// A service paid rewards to an operator's pool.
		RewardsPaid {
			service: ServiceId,
			operator: T::AccountId,
			to_operator: BalanceOf<T>,
			to_pool: BalanceOf<T>,
			withheld: BalanceOf<T>,
		},
		/// Compensation (an insurance payout) reached an operator's pool.
		CompensationPaid { operator: T::AccountId, amount: BalanceOf<T> },
		/// A staker claimed rewards and compensation.
		Claimed { staker: T::AccountId, rewards: BalanceOf<T>, compensation: BalanceOf<T> },
		/// A service slashed an operator.
		OperatorSlashed {
			operator: T::AccountId,
			service: ServiceId,
			from_self_bond: BalanceOf<T>,
			from_pool: BalanceOf<T>,
			factor_before: FixedU128,
			factor_after: FixedU128,
		},
		/// A base-layer slash of a staker shrank its restaked value.
		StakerBaseSlashed {
			staker: T::AccountId,
			operator: T::AccountId,
			value_before: BalanceOf<T>,
			value_after: BalanceOf<T>,
		},
		/// A base-layer slash of an operator lowered its pool and self-bond by `fraction`.
		OperatorBaseSlashed {
			operator: T::AccountId,
			fraction: Perquintill,
			from_self_bond: BalanceOf<T>,
		},
		/// A service's slashable stake through an operator dropped outside a service slash.
		SecurityReduced {
			service: ServiceId,
			operator: T::AccountId,
			before: BalanceOf<T>,
			after: BalanceOf<T>,
		},
		/// Root changed the caps.
		ParametersSet { parameters: Parameters },
		/// An operator closed its pool: no new delegations; its delegators' stake can be
		/// released by anyone.
		PoolClosing { operator: T::AccountId },
		/// A service's owner removed an operator, which had nothing allocated to it.
		OperatorRemoved { operator: T::AccountId, service: ServiceId },
		/// A service's owner removed an operator that is still allocated: it can no longer
		/// allocate, its magnitude leaves (slashable until then) from block `at`, and a second
		/// `remove_operator` afterwards completes the removal.
		OperatorRemovalScheduled {
			operator: T::AccountId,
			service: ServiceId,
			at: BlockNumberFor<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No service with this id.
		UnknownService,
		/// The service is retired.
		ServiceRetired,
		/// The service is paused.
		ServicePaused,
		/// The service is already in the requested state.
		ServiceStatusUnchanged,
		/// Only the service's owner may do this.
		NotServiceOwner,
		/// The service still has operators, allocations or budget commitments.
		ServiceInUse,
		/// `max_operators` is zero, above `MaxOperatorsPerService`, or below the current count.
		InvalidMaxOperators,
		/// The service has its maximum number of operators.
		TooManyOperators,
		/// Metadata is longer than `MaxMetadataLen`.
		MetadataTooLong,
		/// The account is not a registered operator.
		NotOperator,
		/// The account is already a registered operator.
		AlreadyOperator,
		/// The self-bond is below `MinSelfBond` or the service's minimum operator stake.
		SelfBondTooLow,
		/// Commission above `MaxCommission`.
		CommissionTooHigh,
		/// The operator still has delegators, memberships or allocations.
		OperatorInUse,
		/// The operator is already a member of the service.
		AlreadyOptedIn,
		/// The operator is not a member of the service.
		NotOptedIn,
		/// The operator is already approved.
		AlreadyApproved,
		/// The service's owner has not approved this operator.
		NotApproved,
		/// The operator is in `MaxServicesPerOperator` services.
		TooManyServices,
		/// The operator still has a magnitude or a pending change with this service.
		StillAllocated,
		/// The new allocation would exceed `max_magnitude × MaxLeverage`.
		LeverageExceeded,
		/// The magnitude is already the requested one.
		AllocationUnchanged,
		/// The operator would hold more than `max_service_operator_share` of the service.
		ServiceConcentrationExceeded,
		/// The operator would hold more than `max_operator_share` of all restaked stake.
		OperatorConcentrationExceeded,
		/// Amount is zero or below the minimum.
		AmountTooLow,
		/// The account is not bonded in the base staking layer.
		NotStaker,
		/// The amount exceeds what the staker may still restake (`max_restake_ratio` of its
		/// active bond, less what is restaked already).
		ExceedsRestakeable,
		/// The staker already delegates to (or is withdrawing from) another operator.
		DelegatedElsewhere,
		/// The staker has no restaking position.
		NotDelegator,
		/// The amount exceeds the staker's active restaked value.
		ExceedsDelegation,
		/// The staker has `MaxWithdrawals` withdrawals queued.
		TooManyWithdrawals,
		/// The staker already waits in the outflow queue.
		AlreadyInOutflowQueue,
		/// The outflow queue is full.
		OutflowQueueFull,
		/// No withdrawal has passed its undelegation delay.
		NothingToWithdraw,
		/// The staker has no pending loss.
		NothingToSettle,
		/// Nothing to claim.
		NothingToClaim,
		/// The operator's pool has lost (almost) all value and takes no new stake.
		PoolDepleted,
		/// The service's budget is smaller than the payment.
		InsufficientBudget,
		/// The pool has no stake to pay rewards to.
		EmptyPool,
		/// Parameters outside their bounds.
		InvalidParameters,
		/// A slash fraction of zero, or an operator with nothing slashable for the service.
		NothingToSlash,
		/// A slash of the operator waits to execute; no stake may enter or leave its pool (or
		/// start leaving a service) until then.
		SlashPending,
		/// The staker owes a realized loss that could not be collected (its funds sit in
		/// another hold). Free them; `settle` (or any later touch) collects the debt. Until
		/// then the staker cannot delegate, undelegate, withdraw or claim.
		LossOutstanding,
		/// The operator is closing its pool and takes no new delegations.
		PoolClosing,
		/// The operator's pool is not closing: only the staker can undelegate.
		PoolNotClosing,
		/// The delegator has nothing that can be released now.
		NothingToRelease,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn on_idle(_n: BlockNumberFor<T>, remaining: Weight) -> Weight {
			Self::sweep(remaining)
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
		/// Register a service.
		///
		/// - Origin: signed; the signer becomes the owner and `ServiceDeposit` is held from it.
		/// - `min_operator_stake`: least self-bond an operator needs to opt in.
		/// - `max_operators`: in `1..=MaxOperatorsPerService`.
		/// - `requires_approval`: whether the owner approves each operator before it allocates.
		///
		/// Emits [`Event::ServiceRegistered`]. Errors: [`Error::MetadataTooLong`],
		/// [`Error::InvalidMaxOperators`], or the hold's error if the deposit is not free.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::register_service())]
		pub fn register_service(
			origin: OriginFor<T>,
			metadata: Vec<u8>,
			min_operator_stake: BalanceOf<T>,
			max_operators: u32,
			requires_approval: bool,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_register_service(
				owner,
				metadata,
				min_operator_stake,
				max_operators,
				requires_approval,
			)
			.map(|_| ())
		}

		/// Change a service's metadata, minimum operator stake (for future opt-ins), maximum
		/// operators (not below the current count) or approval policy (for future opt-ins).
		///
		/// - Origin: the service's owner.
		///
		/// Emits [`Event::ServiceUpdated`]. Errors: [`Error::UnknownService`],
		/// [`Error::NotServiceOwner`], [`Error::ServiceRetired`], [`Error::MetadataTooLong`],
		/// [`Error::InvalidMaxOperators`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::update_service())]
		pub fn update_service(
			origin: OriginFor<T>,
			service: ServiceId,
			metadata: Option<Vec<u8>>,
			min_operator_stake: Option<BalanceOf<T>>,
			max_operators: Option<u32>,
			requires_approval: Option<bool>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_update_service(
				who,
				service,
				metadata,
				min_operator_stake,
				max_operators,
				requires_approval,
			)
		}

		/// Pause (`paused = true`) or resume a service. A paused service takes no new opt-ins or
		/// allocations; what is allocated stays slashable.
		///
		/// - Origin: the service's owner.
		///
		/// Emits [`Event::ServicePaused`] or [`Event::ServiceResumed`]. Errors:
		/// [`Error::UnknownService`], [`Error::NotServiceOwner`], [`Error::ServiceRetired`],
		/// [`Error::ServiceStatusUnchanged`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_service_paused())]
		pub fn set_service_paused(
			origin: OriginFor<T>,
			service: ServiceId,
			paused: bool,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_service_paused(who, service, paused)
		}

		/// Retire a service for good: needs no operator opted in. The deposit is released and
		/// the unspent reward budget returned to the owner.
		///
		/// - Origin: the service's owner.
		///
		/// Emits [`Event::ServiceRetired`]. Errors: [`Error::UnknownService`],
		/// [`Error::NotServiceOwner`], [`Error::ServiceRetired`], [`Error::ServiceInUse`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::retire_service())]
		pub fn retire_service(origin: OriginFor<T>, service: ServiceId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_retire_service(who, service)
		}

		/// Add `amount` of the signer's free balance to a service's reward budget.
		///
		/// - Origin: signed (anyone may fund a service).
		///
		/// Emits [`Event::ServiceFunded`]. Errors: [`Error::UnknownService`],
		/// [`Error::ServiceRetired`], [`Error::AmountTooLow`], or the transfer's error.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::fund_service())]
		pub fn fund_service(
			origin: OriginFor<T>,
			service: ServiceId,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_fund_service(who, service, amount)
		}

		/// Register the signer as an operator with `self_bond` (held) and `commission`.
		///
		/// - Origin: signed. `OperatorDeposit` is held besides the self-bond.
		///
		/// Emits [`Event::OperatorRegistered`]. Errors: [`Error::AlreadyOperator`],
		/// [`Error::SelfBondTooLow`], [`Error::CommissionTooHigh`], [`Error::MetadataTooLong`],
		/// [`Error::DelegatedElsewhere`] (a delegator cannot be an operator), or the hold's
		/// error.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::register_operator())]
		pub fn register_operator(
			origin: OriginFor<T>,
			self_bond: BalanceOf<T>,
			commission: Perbill,
			metadata: Vec<u8>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_operator(who, self_bond, commission, metadata)
		}

		/// Schedule a commission change; it applies after `CommissionChangeDelay` blocks, so
		/// delegators can leave first.
		///
		/// - Origin: an operator.
		///
		/// Emits [`Event::CommissionChangeScheduled`]. Errors: [`Error::NotOperator`],
		/// [`Error::CommissionTooHigh`].
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::set_commission())]
		pub fn set_commission(origin: OriginFor<T>, commission: Perbill) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_commission(who, commission)
		}

		/// Add `amount` of free balance to the signer's self-bond.
		///
		/// - Origin: an operator.
		///
		/// Emits [`Event::SelfBondIncreased`]. Errors: [`Error::NotOperator`],
		/// [`Error::AmountTooLow`], [`Error::OperatorConcentrationExceeded`], or the hold's
		/// error.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::bond_more())]
		pub fn bond_more(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_bond_more(who, amount)
		}

		/// Deregister: needs no delegators (active or withdrawing) and no memberships. Releases
		/// the self-bond and the deposit.
		///
		/// - Origin: an operator.
		///
		/// Emits [`Event::OperatorDeregistered`]. Errors: [`Error::NotOperator`],
		/// [`Error::OperatorInUse`], [`Error::SlashPending`].
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::deregister_operator())]
		pub fn deregister_operator(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_deregister_operator(who)
		}

		/// Opt in to a service. When the service requires approval the operator becomes a
		/// candidate: it takes no place among the service's `max_operators` and cannot allocate
		/// until the owner approves it.
		///
		/// - Origin: an operator whose self-bond meets the service's minimum.
		///
		/// Emits [`Event::OptedIn`]. Errors: [`Error::NotOperator`], [`Error::UnknownService`],
		/// [`Error::ServiceRetired`], [`Error::ServicePaused`], [`Error::AlreadyOptedIn`],
		/// [`Error::SelfBondTooLow`], [`Error::TooManyOperators`], [`Error::TooManyServices`],
		/// [`Error::SlashPending`] (a slash of the operator waits).
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::opt_in())]
		pub fn opt_in(origin: OriginFor<T>, service: ServiceId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_opt_in(who, service)
		}

		/// Leave a service: needs a zero magnitude and no pending change (deallocate first and
		/// wait `DeallocationDelay`).
		///
		/// - Origin: an operator.
		///
		/// Emits [`Event::OptedOut`]. Errors: [`Error::NotOptedIn`], [`Error::StillAllocated`],
		/// [`Error::SlashPending`].
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::opt_out())]
		pub fn opt_out(origin: OriginFor<T>, service: ServiceId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_opt_out(who, service)
		}

		/// Approve an operator's opt-in: it takes a place among the service's operators.
		///
		/// - Origin: the service's owner.
		///
		/// Emits [`Event::OperatorApproved`]. Errors: [`Error::UnknownService`],
		/// [`Error::NotServiceOwner`], [`Error::ServiceRetired`], [`Error::NotOptedIn`],
		/// [`Error::AlreadyApproved`], [`Error::TooManyOperators`].
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::approve_operator())]
		pub fn approve_operator(
			origin: OriginFor<T>,
			service: ServiceId,
			operator: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_approve_operator(who, service, operator)
		}

		/// Set the magnitude allocated to a service. Increases apply after `AllocationDelay`,
		/// decreases after `DeallocationDelay` (the old magnitude stays slashable until then).
		/// A new request replaces a pending one.
		///
		/// - Origin: an operator, member of the service and approved.
		///
		/// Emits [`Event::AllocationScheduled`]. Errors: [`Error::NotOptedIn`],
		/// [`Error::NotApproved`], [`Error::ServicePaused`] (increases only),
		/// [`Error::ServiceRetired`], [`Error::LeverageExceeded`],
		/// [`Error::AllocationUnchanged`], [`Error::ServiceConcentrationExceeded`],
		/// [`Error::SlashPending`] (decreases only, while a slash of the operator waits).
		#[pallet::call_index(12)]
		#[pallet::weight(T::WeightInfo::allocate())]
		pub fn allocate(
			origin: OriginFor<T>,
			service: ServiceId,
			magnitude: Perquintill,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_allocate(who, service, magnitude)
		}

		/// Restake `amount` of the signer's active base-layer bond through `operator`. Also adds
		/// to an existing position with the same operator.
		///
		/// - Origin: a base-layer staker.
		///
		/// Emits [`Event::Delegated`] (after realizing any pending loss). Errors:
		/// [`Error::AmountTooLow`], [`Error::NotOperator`], [`Error::NotStaker`],
		/// [`Error::ExceedsRestakeable`], [`Error::DelegatedElsewhere`],
		/// [`Error::PoolDepleted`], [`Error::OperatorConcentrationExceeded`],
		/// [`Error::SlashPending`] (a slash of the operator waits), [`Error::PoolClosing`],
		/// [`Error::LossOutstanding`].
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::delegate())]
		pub fn delegate(
			origin: OriginFor<T>,
			operator: T::AccountId,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_delegate(who, operator, amount)
		}

		/// Restake `amount` more through the operator the signer already delegates to.
		///
		/// - Origin: a staker with a position.
		///
		/// Emits [`Event::Delegated`]. Errors: as [`Pallet::delegate`], and
		/// [`Error::NotDelegator`].
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::delegate())]
		pub fn delegate_more(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let operator = Stakers::<T>::get(&who).ok_or(Error::<T>::NotDelegator)?.operator;
			Self::do_delegate(who, operator, amount)
		}

		/// Start undelegating `amount` of the signer's active restaked value. It stays frozen
		/// and slashable for `UndelegationDelay` blocks. If the era's outflow cap is reached,
		/// the excess waits (still delegated) in the outflow queue and starts in a later era.
		///
		/// - Origin: a staker with a position.
		///
		/// Emits [`Event::UndelegationQueued`] and/or [`Event::OutflowDeferred`]. Errors:
		/// [`Error::NotDelegator`], [`Error::AmountTooLow`], [`Error::ExceedsDelegation`],
		/// [`Error::TooManyWithdrawals`], [`Error::AlreadyInOutflowQueue`],
		/// [`Error::OutflowQueueFull`], [`Error::LossOutstanding`].
		#[pallet::call_index(15)]
		#[pallet::weight(T::WeightInfo::undelegate())]
		pub fn undelegate(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_undelegate(who, amount, crate::delegation::Exit::Staker)
		}

		/// Complete every withdrawal past its undelegation delay: the value (after any slash)
		/// is unfrozen.
		///
		/// - Origin: a staker with a position.
		///
		/// Emits [`Event::Withdrawn`]. Errors: [`Error::NotDelegator`],
		/// [`Error::NothingToWithdraw`], [`Error::SlashPending`] (while a slash of the operator
		/// waits), [`Error::LossOutstanding`].
		#[pallet::call_index(16)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded())]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_unbonded(who, crate::delegation::Exit::Staker).map(|_| ())
		}

		/// Realize `staker`'s pending loss and collect it, with any debt left from earlier: take
		/// it from the staker's bond (then from its frozen free balance) and send it to
		/// `OnSlashedFunds`. What sits in another hold stays owed and frozen. Free of charge
		/// when it realizes or collects something.
		///
		/// - Origin: signed (anyone).
		///
		/// Emits [`Event::LossRealized`]. Errors: [`Error::NotDelegator`],
		/// [`Error::NothingToSettle`].
		#[pallet::call_index(17)]
		#[pallet::weight(T::WeightInfo::settle())]
		pub fn settle(origin: OriginFor<T>, staker: T::AccountId) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			Self::do_settle(&staker)?;
			Ok(Pays::No.into())
		}

		/// Claim the signer's rewards and compensation.
		///
		/// - Origin: a staker with a position.
		///
		/// Emits [`Event::Claimed`]. Errors: [`Error::NotDelegator`], [`Error::NothingToClaim`],
		/// [`Error::LossOutstanding`].
		#[pallet::call_index(18)]
		#[pallet::weight(T::WeightInfo::claim())]
		pub fn claim(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim(who).map(|_| ())
		}

		/// Pay `amount` from a service's budget to an operator's pool: the operator's commission
		/// first, the rest split between its self-bond and its delegators by value, per share.
		/// Pools above `concentration_threshold` of all restake get less; the withheld part
		/// stays in the budget.
		///
		/// - Origin: the service's owner.
		///
		/// Emits [`Event::RewardsPaid`]. Errors: [`Error::UnknownService`],
		/// [`Error::NotServiceOwner`], [`Error::ServiceRetired`], [`Error::NotOptedIn`],
		/// [`Error::AmountTooLow`], [`Error::InsufficientBudget`], [`Error::EmptyPool`].
		#[pallet::call_index(19)]
		#[pallet::weight(T::WeightInfo::pay_rewards())]
		pub fn pay_rewards(
			origin: OriginFor<T>,
			service: ServiceId,
			operator: T::AccountId,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_pay_rewards(who, service, operator, amount)
		}

		/// Set the caps and the diversification curve. Every cap must be in (0, 1] and the
		/// threshold at most the operator cap.
		///
		/// - Origin: `ParametersOrigin` (root in the demo runtime).
		///
		/// Emits [`Event::ParametersSet`]. Errors: [`Error::InvalidParameters`].
		#[pallet::call_index(20)]
		#[pallet::weight(T::WeightInfo::set_parameters())]
		pub fn set_parameters(origin: OriginFor<T>, parameters: Parameters) -> DispatchResult {
			T::ParametersOrigin::ensure_origin(origin)?;
			ensure!(parameters.is_valid(), Error::<T>::InvalidParameters);
			ActiveParameters::<T>::put(parameters);
			Self::deposit_event(Event::ParametersSet { parameters });
			Ok(())
		}

		/// Close the signer's pool so that it can deregister: no new delegations, and anyone
		/// may release its delegators ([`Pallet::release_delegator`]). Their stake leaves
		/// through the normal undelegation path, slashable for the whole delay.
		///
		/// - Origin: an operator.
		///
		/// Emits [`Event::PoolClosing`]. Errors: [`Error::NotOperator`],
		/// [`Error::PoolClosing`] (already closing).
		#[pallet::call_index(21)]
		#[pallet::weight(T::WeightInfo::close_pool())]
		pub fn close_pool(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_close_pool(who)
		}

		/// Release a delegator of a closing pool: start undelegating all of its active value
		/// (deferred through the outflow queue beyond the era's cap, still slashable for
		/// `UndelegationDelay`), complete its due withdrawals, or close its position when it
		/// is worth nothing.
		///
		/// - Origin: signed (anyone).
		///
		/// Emits [`Event::UndelegationQueued`], [`Event::OutflowDeferred`] and/or
		/// [`Event::Withdrawn`]. Errors: [`Error::NotDelegator`], [`Error::PoolNotClosing`],
		/// [`Error::NothingToRelease`].
		#[pallet::call_index(22)]
		#[pallet::weight(T::WeightInfo::release_delegator())]
		pub fn release_delegator(origin: OriginFor<T>, staker: T::AccountId) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_release_delegator(staker)
		}

		/// Remove an operator from a service. One with nothing in force allocated leaves at
		/// once (a pending increase is dropped); one still allocated can no longer allocate,
		/// and its magnitude is deallocated after `DeallocationDelay` (slashable until then,
		/// and for as long as a slash of it by the service waits): call again afterwards to
		/// complete the removal. Candidates waiting for approval can be removed too.
		///
		/// - Origin: the service's owner.
		///
		/// Emits [`Event::OperatorRemoved`] or [`Event::OperatorRemovalScheduled`]. Errors:
		/// [`Error::UnknownService`], [`Error::NotServiceOwner`], [`Error::ServiceRetired`],
		/// [`Error::NotOptedIn`], [`Error::SlashPending`] (an operator with nothing allocated
		/// while a slash of it waits).
		#[pallet::call_index(23)]
		#[pallet::weight(T::WeightInfo::remove_operator())]
		pub fn remove_operator(
			origin: OriginFor<T>,
			service: ServiceId,
			operator: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_operator(who, service, operator)
		}
	}
}

use sp_runtime::FixedU128;
