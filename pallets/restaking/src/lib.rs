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
#![doc = docify::embed!("src/tests.rs", example_restake_and_allocate)]
//!
//! ## Low-level API
//!
//! Other pallets use the traits of `restaking-primitives`, implemented by [`Pallet`]:
//! [`RestakingInterface`](restaking_primitives::restaking::RestakingInterface) (slashable stake
//! and the O(1) pool slash, for the slashing pallet) and `sp_staking::OnStakingUpdate` (base-
//! layer slashes flowing in). The base layer is read through `sp_staking::StakingInterface`
//! and [`StakingExtension`](restaking_primitives::restaking::StakingExtension) for what that
//! lacks; the `adapters` module implements the extension for `pallet-staking` (feature
//! `pallet-staking-adapter`) and `pallet-staking-async` (feature `staking-async-adapter`).

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(rustdoc::broken_intra_doc_links)]

extern crate alloc;

#[cfg(any(feature = "pallet-staking-adapter", feature = "staking-async-adapter", test))]
pub mod adapters;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod calls;
mod delegation;
mod events;
mod floor;
mod genesis;
mod idle;
mod impls;
mod ledger;
mod math;
pub mod migrations;
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
mod yields;
pub use views::{RiskNetwork, DEFAULT_CORRUPTION_THRESHOLD};
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

	/// Make `era` the base layer's current era.
	fn set_era(era: sp_staking::EraIndex);
}
use restaking_primitives::restaking::ServiceId;

/// Balance type of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
/// Funds taken out of circulation by a slash.
pub type CreditOf<T> =
	fungible::Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;
pub use frame_system::pallet_prelude::BlockNumberFor;

use frame_support::pallet_macros::import_section;

#[import_section(calls::calls)]
#[import_section(events::events)]
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
	use restaking_primitives::{
		restaking::{ExitGuard, LossLedger, OnSecurityReduced, PoolEra, StakingExtension},
		risk::{OvercollateralizationFloor, RiskProfile, SlashCeiling},
	};
	use sp_runtime::{Perbill, Perquintill};
	use sp_staking::StakingInterface;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config(with_default)]
	pub trait Config: frame_system::Config {
		/// The currency: holds for deposits and self-bonds, a freeze on restaked funds.
		#[pallet::no_default]
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ MutateFreeze<Self::AccountId, Id = Self::RuntimeFreezeReason>
			+ InspectFreeze<Self::AccountId>
			+ Mutate<Self::AccountId>
			+ Balanced<Self::AccountId>
			+ fungible::BalancedHold<Self::AccountId>;

		/// The overarching hold reason.
		#[pallet::no_default]
		type RuntimeHoldReason: From<HoldReason>;

		/// The overarching freeze reason.
		#[pallet::no_default]
		type RuntimeFreezeReason: From<FreezeReason>;

		/// The base staking layer: who is bonded, and with how much (`pallet-staking` or
		/// `pallet-staking-async` themselves).
		#[pallet::no_default]
		type Staking: StakingInterface<AccountId = Self::AccountId, Balance = BalanceOf<Self>>;

		/// What [`Config::Staking`] does not offer: the active era, the chain-wide stake,
		/// bonds to take realized losses from, era payouts (the `adapters` module has it for
		/// both staking pallets).
		#[pallet::no_default]
		type StakingExtension: StakingExtension<
			Self::AccountId,
			BalanceOf<Self>,
			Credit = CreditOf<Self>,
		>;

		/// Where realized slash funds go (the demo runtime feeds the insurance reserve and burns
		/// the rest).
		#[pallet::no_default_bounds]
		type OnSlashedFunds: OnUnbalanced<CreditOf<Self>>;

		/// Told when a base-layer slash lowers a service's slashable stake.
		#[pallet::no_default_bounds]
		type OnSecurityReduced: OnSecurityReduced<Self::AccountId, BalanceOf<Self>>;

		/// Freezes exits from an operator's pool while a slash of it waits (the slashing
		/// pallet); `()` never freezes.
		#[pallet::no_default_bounds]
		type ExitGuard: ExitGuard<Self::AccountId, BlockNumberFor<Self>>;

		/// `f_s` of each service, for the risk figures (the slashing pallet's policies); `()`:
		/// a slash may take everything slashable.
		type SlashCeiling: SlashCeiling;

		/// The least overcollateralization every service keeps (`docs/architecture.md`,
		/// "Systemic risk"), and whether crossing it is refused or reported; `None`: no floor
		/// (and no cost for checking one).
		#[pallet::constant]
		type MinOvercollateralization: Get<Option<OvercollateralizationFloor>>;

		/// Origin that may change [`Parameters`].
		#[pallet::no_default]
		type ParametersOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The pallet's account holds service reward budgets and undistributed rewards.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Held from a service's owner while the service is registered.
		#[pallet::no_default_bounds]
		#[pallet::constant]
		type ServiceDeposit: Get<BalanceOf<Self>>;

		/// Held from an operator while it is registered (besides its self-bond).
		#[pallet::no_default_bounds]
		#[pallet::constant]
		type OperatorDeposit: Get<BalanceOf<Self>>;

		/// Least self-bond an operator registers with.
		#[pallet::no_default_bounds]
		#[pallet::constant]
		type MinSelfBond: Get<BalanceOf<Self>>;

		/// Least amount a staker delegates at once.
		#[pallet::no_default_bounds]
		#[pallet::constant]
		type MinDelegation: Get<BalanceOf<Self>>;

		/// Highest commission an operator may set.
		#[pallet::constant]
		type MaxCommission: Get<Perbill>;

		/// Blocks before a commission change applies.
		#[pallet::no_default_bounds]
		#[pallet::constant]
		type CommissionChangeDelay: Get<BlockNumberFor<Self>>;

		/// Blocks before an allocation increase applies (no flash restaking).
		#[pallet::no_default_bounds]
		#[pallet::constant]
		type AllocationDelay: Get<BlockNumberFor<Self>>;

		/// Blocks before an allocation decrease applies; the old magnitude stays slashable.
		#[pallet::no_default_bounds]
		#[pallet::constant]
		type DeallocationDelay: Get<BlockNumberFor<Self>>;

		/// Blocks a withdrawal stays slashable before it can complete.
		#[pallet::no_default_bounds]
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

		/// Completed eras a yield estimate is over. Each operator keeps as many records of what
		/// its pool earned and lost, and one for the current era ([`PoolHistory`]).
		#[pallet::constant]
		type YieldEras: Get<u32>;

		/// Base-layer eras in a year, by which yield estimates are annualized.
		#[pallet::constant]
		type ErasPerYear: Get<u32>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;

		/// Makes base-layer stakers for the benchmarks.
		#[pallet::no_default]
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: BenchmarkHelper<Self::AccountId, BalanceOf<Self>>;
	}

	/// Default configurations of this pallet for tests.
	pub mod config_preludes {
		use super::*;
		use frame_support::{
			derive_impl, parameter_types,
			traits::{ConstU128, ConstU32, ConstU64},
		};

		/// The values of [`TestDefaultConfig`], for tests to assert against.
		pub const SERVICE_DEPOSIT: u128 = 50;
		/// See [`SERVICE_DEPOSIT`].
		pub const OPERATOR_DEPOSIT: u128 = 30;
		/// See [`SERVICE_DEPOSIT`].
		pub const MIN_SELF_BOND: u128 = 100;
		/// See [`SERVICE_DEPOSIT`].
		pub const MIN_DELEGATION: u128 = 10;
		/// See [`SERVICE_DEPOSIT`].
		pub const COMMISSION_DELAY: u64 = 7;
		/// See [`SERVICE_DEPOSIT`].
		pub const ALLOCATION_DELAY: u64 = 5;
		/// See [`SERVICE_DEPOSIT`].
		pub const DEALLOCATION_DELAY: u64 = 10;
		/// See [`SERVICE_DEPOSIT`].
		pub const UNDELEGATION_DELAY: u64 = 20;

		parameter_types! {
			pub const TestPalletId: PalletId = PalletId(*b"py/rstkg");
			pub const TestMaxCommission: Perbill = Perbill::from_percent(50);
			/// No cap binds: tests that exercise one set it.
			pub const OpenParameters: Parameters = Parameters {
				max_restake_ratio: Perbill::from_percent(100),
				max_operator_share: Perbill::from_percent(100),
				max_service_operator_share: Perbill::from_percent(100),
				max_outflow_per_era: Perbill::from_percent(100),
				concentration_threshold: Perbill::from_percent(100),
				concentration_floor: Perbill::from_percent(50),
			};
		}

		/// A configuration for mock runtimes with `u128` balances and `u64` block numbers:
		/// small deposits and delays, unique stake, short bounded lists, no cap binding, and
		/// nothing listening to slashes. A mock states only the base layer and what differs.
		pub struct TestDefaultConfig;

		#[derive_impl(frame_system::config_preludes::TestDefaultConfig, no_aggregated_types)]
		impl frame_system::DefaultConfig for TestDefaultConfig {}

		#[frame_support::register_default_impl(TestDefaultConfig)]
		impl DefaultConfig for TestDefaultConfig {
			type OnSlashedFunds = ();
			type OnSecurityReduced = ();
			type ExitGuard = ();
			type PalletId = TestPalletId;
			type ServiceDeposit = ConstU128<SERVICE_DEPOSIT>;
			type OperatorDeposit = ConstU128<OPERATOR_DEPOSIT>;
			type MinSelfBond = ConstU128<MIN_SELF_BOND>;
			type MinDelegation = ConstU128<MIN_DELEGATION>;
			type MaxCommission = TestMaxCommission;
			type CommissionChangeDelay = ConstU64<COMMISSION_DELAY>;
			type AllocationDelay = ConstU64<ALLOCATION_DELAY>;
			type DeallocationDelay = ConstU64<DEALLOCATION_DELAY>;
			type UndelegationDelay = ConstU64<UNDELEGATION_DELAY>;
			type MaxLeverage = ConstU32<1>;
			type MaxMetadataLen = ConstU32<32>;
			type MaxOperatorsPerService = ConstU32<4>;
			type MaxServicesPerOperator = ConstU32<3>;
			type MaxWithdrawals = ConstU32<3>;
			type MaxOutflowQueue = ConstU32<3>;
			type DefaultParameters = OpenParameters;
			type YieldEras = ConstU32<4>;
			type ErasPerYear = ConstU32<365>;
			type SlashCeiling = ();
			type MinOvercollateralization = ();
			type WeightInfo = ();
		}
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

	/// What each service declared about its corruption (services without one are absent).
	#[pallet::storage]
	pub type RiskProfiles<T: Config> =
		StorageMap<_, Twox64Concat, ServiceId, RiskProfile<BalanceOf<T>>>;

	/// Registered operators and their pools.
	#[pallet::storage]
	pub type Operators<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, Operator<T>>;

	/// What each operator's pool earned and lost per era, oldest first: eras without a
	/// payment or a slash have no record (the yield history, `docs/architecture.md`, "Yield").
	#[pallet::storage]
	pub type PoolHistory<T: Config> = StorageMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		BoundedVec<PoolEra<BalanceOf<T>>, HistoryBound<T>>,
		ValueQuery,
	>;

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
		/// Risk profiles: `(service, profit from corruption, corruption threshold)`.
		pub risk_profiles: Vec<(ServiceId, BalanceOf<T>, Perbill)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			Pallet::<T>::build_genesis(self).expect("genesis restaking configuration is valid");
		}
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
			Self::do_try_state(u8::MAX)
		}
	}
}

use sp_runtime::FixedU128;
