//! # Insurance pallet
//!
//! Third-party insurance for restaking: underwriters fund pools, anyone buys cover for an
//! operator's delegators against one service's slashes, and an executed slash pays every
//! matching cover at once into the operator pool's compensation, which each delegator claims
//! in O(1). A slash then does not fall on the stakers behind an operator alone.
//!
//! ## Overview
//!
//! - **Pools.** [`Pallet::create_pool`] (a deposit is held) names the services the pool covers,
//!   its premium curve and a deductible. Underwriters [`Pallet::deposit`] free balance for pool
//!   shares; withdrawing takes a [`Pallet::request_withdraw`], `UnderwriterCooldown` blocks, and
//!   capital not locked behind covers ([`Pallet::withdraw`]), before the request expires. A pool
//!   is fully collateralized: the covers it sold never add up to more than its capital.
//! - **Covers.** [`Pallet::buy_cover`] for `(operator, service)`, an amount and a period. The
//!   premium is `amount × rate × period`, the rate rising linearly with the pool's utilization
//!   after the sale (`base` to `base + slope`, both bounded by the runtime). Utilization is
//!   measured against the *priced capital*: that of shares in the pool for more than a
//!   cooldown and not asked to be withdrawn, so capital deposited just before a sale, or on
//!   its way out, cannot lower a premium (it still backs the covers in full). Premiums go to the
//!   underwriters as it is earned over the cover's period. A full list of covers on a target
//!   makes room for a cover that pays more per slash (or as much, for longer) than its
//!   weakest one, whose buyer gets the unearned premium back. A cover stays locked until
//!   `ClaimGrace` blocks after its end, so a slash requested while it was active can still pay
//!   it.
//! - **Payouts.** As the slashing pallet's `OnSlashExecuted`, the pallet pays each cover on the
//!   slashed `(operator, service)` that was active when the slash was requested:
//!   `min(remaining, loss) − deductible`, where `loss` is what the slash took from the
//!   delegators' pool. All covers together pay at most the loss (cut pro rata), and a pool that
//!   cannot pay all its matching covers pays them pro rata. Payouts go into the operator pool's
//!   compensation accumulator in the restaking pallet. A cover pays once per slash.
//! - **Reserve.** [`FeedReserve`] (an `OnUnbalanced` for realized slash funds) keeps a share of
//!   every slash in the reserve account. After each payout the reserve tops the paying pool up
//!   by `ReserveCoverage` of what it paid, as far as the reserve's funds go.
//!
//! ## Terminology
//!
//! - **Underwriter**: provides a pool's capital for a share of its premiums, and bears payouts.
//! - **Cover**: a policy on `(operator, service)` that pays the operator's delegators when that
//!   service's slash of that operator executes.
//! - **Utilization**: locked cover over capital.
//! - **Deductible**: what every payout leaves uncovered.
//!
//! ## Example
//!
//! ```ignore
//! Insurance::create_pool(owner, vec![service], Pricing { base, slope }, deductible)?;
//! Insurance::deposit(underwriter, pool, 10_000)?;
//! let premium = Insurance::quote(pool, &operator, service, 1_000, 100)?;
//! Insurance::buy_cover(buyer, pool, operator, service, 1_000, 100)?;
//! // ... a slash of `operator` by `service` executes: delegators `claim` compensation.
//! ```
//!
//! ## Low-level API
//!
//! The pallet implements
//! [`OnSlashExecuted`](restaking_primitives::slashing::OnSlashExecuted) for the slashing
//! pallet and pays through
//! [`RestakingInterface::compensate`](restaking_primitives::restaking::RestakingInterface).

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod capital;
mod covers;
mod genesis;
mod impls;
pub mod migrations;
#[cfg(test)]
mod mock;
mod payouts;
mod pricing;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
#[cfg(any(feature = "try-runtime", feature = "std"))]
mod try_state;
pub mod types;
mod views;
pub mod weights;

pub use impls::FeedReserve;
pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

use frame_support::traits::fungible::{self, Inspect};
pub use frame_system::pallet_prelude::BlockNumberFor;

/// Balance type of the pallet's currency.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
/// Funds (realized slashes) that may feed the reserve.
pub type CreditOf<T> =
	fungible::Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::fungible::{Balanced, Mutate, MutateHold},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use restaking_primitives::{
		insurance::{CoverId, PoolId},
		restaking::{ExitGuard, RestakingInterface, ServiceId},
	};
	use sp_runtime::Perbill;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency: pool capital and premiums move, pool deposits are held.
		type Currency: MutateHold<Self::AccountId, Reason = Self::RuntimeHoldReason>
			+ Mutate<Self::AccountId>
			+ Balanced<Self::AccountId>;

		/// The overarching hold reason.
		type RuntimeHoldReason: From<HoldReason>;

		/// The restaking pallet: allocations to check covers against, and compensation.
		type Restaking: RestakingInterface<Self::AccountId, BalanceOf<Self>>;

		/// Waiting slashes (the slashing pallet): while a request a cover may have to pay
		/// waits, the cover is not released and its pool's capital does not leave.
		type SlashGuard: ExitGuard<Self::AccountId, BlockNumberFor<Self>>;

		/// Pool and reserve accounts derive from it.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Held from a pool's creator.
		#[pallet::constant]
		type PoolDeposit: Get<BalanceOf<Self>>;

		/// Least amount an underwriter deposits at once (at least the existential deposit).
		#[pallet::constant]
		type MinDeposit: Get<BalanceOf<Self>>;

		/// Least cover amount.
		#[pallet::constant]
		type MinCover: Get<BalanceOf<Self>>;

		/// Shortest cover period, in blocks.
		#[pallet::constant]
		type MinCoverPeriod: Get<BlockNumberFor<Self>>;

		/// Longest cover period, in blocks.
		#[pallet::constant]
		type MaxCoverPeriod: Get<BlockNumberFor<Self>>;

		/// Blocks a cover stays locked (and payable) after it ends: at least the slashing
		/// pallet's longest veto window, so a slash requested during the cover still pays.
		#[pallet::constant]
		type ClaimGrace: Get<BlockNumberFor<Self>>;

		/// Blocks between an underwriter's withdrawal request and the withdrawal; also the
		/// length of the epochs in which deposits and requests are counted (a request expires
		/// at the end of the second epoch after its own). Pools count shares per epoch, so a
		/// runtime that changes it needs a migration of their `fresh` and `leaving` counts.
		#[pallet::constant]
		type UnderwriterCooldown: Get<BlockNumberFor<Self>>;

		/// Highest rate per block a pool's curve may reach (`base + slope`).
		#[pallet::constant]
		type MaxRate: Get<Perbill>;

		/// Most services one pool covers.
		#[pallet::constant]
		type MaxCoveredServices: Get<u32>;

		/// Most covers one pool has sold and not yet released.
		#[pallet::constant]
		type MaxCoversPerPool: Get<u32>;

		/// Most covers on one `(operator, service)`.
		#[pallet::constant]
		type MaxCoversPerTarget: Get<u32>;

		/// Share of each payout the reserve refunds to the paying pool, while it has funds.
		#[pallet::constant]
		type ReserveCoverage: Get<Perbill>;

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
		/// A pool creator's deposit.
		#[codec(index = 0)]
		PoolDeposit,
	}

	/// The id the next pool gets.
	#[pallet::storage]
	pub type NextPoolId<T> = StorageValue<_, PoolId, ValueQuery>;

	/// Pools.
	#[pallet::storage]
	pub type Pools<T: Config> = StorageMap<_, Twox64Concat, PoolId, Pool<T>>;

	/// Underwriters' positions.
	#[pallet::storage]
	pub type Positions<T: Config> =
		StorageDoubleMap<_, Twox64Concat, PoolId, Blake2_128Concat, T::AccountId, Position<T>>;

	/// The id the next cover gets.
	#[pallet::storage]
	pub type NextCoverId<T> = StorageValue<_, CoverId, ValueQuery>;

	/// Covers not yet released (active, or within `ClaimGrace` of their end).
	#[pallet::storage]
	pub type Covers<T: Config> = StorageMap<_, Twox64Concat, CoverId, Cover<T>>;

	/// Covers of each pool.
	#[pallet::storage]
	pub type PoolCovers<T: Config> =
		StorageMap<_, Twox64Concat, PoolId, BoundedVec<CoverId, T::MaxCoversPerPool>, ValueQuery>;

	/// Covers of each `(operator, service)`.
	#[pallet::storage]
	pub type CoversOf<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Twox64Concat,
		ServiceId,
		BoundedVec<CoverId, T::MaxCoversPerTarget>,
		ValueQuery,
	>;

	/// A genesis pool: `(owner, covered services, base rate, slope, deductible)`.
	pub type GenesisPool<T> =
		(<T as frame_system::Config>::AccountId, Vec<ServiceId>, Perbill, Perbill, BalanceOf<T>);

	/// A genesis cover: `(pool, buyer, operator, service, amount, period)`.
	pub type GenesisCover<T> = (
		PoolId,
		<T as frame_system::Config>::AccountId,
		<T as frame_system::Config>::AccountId,
		ServiceId,
		BalanceOf<T>,
		BlockNumberFor<T>,
	);

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Pools, ids from 0 in order.
		pub pools: Vec<GenesisPool<T>>,
		/// Underwriter deposits: `(pool, underwriter, amount)`.
		pub deposits: Vec<(PoolId, T::AccountId, BalanceOf<T>)>,
		/// Covers bought at genesis (premiums paid).
		pub covers: Vec<GenesisCover<T>>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			Pallet::<T>::build_genesis(self).expect("genesis insurance configuration is valid");
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A pool was created.
		PoolCreated { pool: PoolId, owner: T::AccountId, services: Vec<ServiceId> },
		/// An underwriter deposited `amount` for `shares`.
		Deposited { pool: PoolId, who: T::AccountId, amount: BalanceOf<T>, shares: BalanceOf<T> },
		/// An underwriter asked to withdraw `shares`: it can, from block `at` until block
		/// `expires` (excluded), when the request expires.
		WithdrawRequested {
			pool: PoolId,
			who: T::AccountId,
			shares: BalanceOf<T>,
			at: BlockNumberFor<T>,
			expires: BlockNumberFor<T>,
		},
		/// An underwriter withdrew `amount` for `shares`.
		Withdrawn { pool: PoolId, who: T::AccountId, amount: BalanceOf<T>, shares: BalanceOf<T> },
		/// Cover was bought.
		CoverBought {
			cover: CoverId,
			pool: PoolId,
			operator: T::AccountId,
			service: ServiceId,
			amount: BalanceOf<T>,
			premium: BalanceOf<T>,
			end: BlockNumberFor<T>,
		},
		/// A cover paid for a slash, into the operator pool's compensation.
		CoverPaid { cover: CoverId, slash: u64, amount: BalanceOf<T> },
		/// The reserve topped a pool up after a payout.
		PoolToppedUp { pool: PoolId, amount: BalanceOf<T> },
		/// A cover past its end and grace was released; `unused` went back to free capital.
		CoverReleased { cover: CoverId, unused: BalanceOf<T> },
		/// Premium a pool earned while it had no underwriter went to the reserve.
		PremiumToReserve { pool: PoolId, amount: BalanceOf<T> },
		/// A cover made room for the higher-ranked cover `by` on a full list; its buyer got
		/// `refund`, the unused part of its premium, back (none if it could not take it: the
		/// pool earned it).
		CoverEvicted { cover: CoverId, by: CoverId, refund: BalanceOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No pool with this id.
		UnknownPool,
		/// A pool must cover at least one service, each live, listed once, at most
		/// `MaxCoveredServices`.
		InvalidServices,
		/// `base + slope` above `MaxRate`.
		RateTooHigh,
		/// An amount of zero or below the minimum.
		AmountTooLow,
		/// The pool lost all its capital; its shares are worthless and it takes no deposits.
		PoolDepleted,
		/// The account has no position in the pool.
		NoPosition,
		/// More shares than the position holds (or than are not already unbonding).
		InsufficientShares,
		/// A withdrawal request is already waiting or can be executed (until it expires).
		WithdrawalPending,
		/// No withdrawal was requested.
		NoWithdrawal,
		/// The cooldown has not passed.
		CooldownNotOver,
		/// The withdrawal would take capital locked behind covers.
		CapitalLocked,
		/// A slash that one of the pool's covers may have to pay waits: no capital enters or
		/// leaves the pool until it has executed or been vetoed.
		ClaimPending,
		/// The pool does not cover this service.
		ServiceNotCovered,
		/// The operator has no stake allocated to the service.
		NotAllocated,
		/// A period outside `[MinCoverPeriod, MaxCoverPeriod]`.
		InvalidPeriod,
		/// The cover exceeds the pool's free capital.
		InsufficientCapacity,
		/// `MaxCoversPerPool` or `MaxCoversPerTarget` covers are active and none of them that
		/// no waiting slash may claim ranks below the new cover (`(amount − deductible) ×
		/// blocks left`).
		TooManyCovers,
		/// After the pool's deductible the cover could pay less than `MinCover` per slash.
		CoverWorthless,
		/// The withdrawal request expired (see [`Pallet::request_withdraw`]): ask again.
		WithdrawalExpired,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
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
		/// Create a pool covering `services`, with a premium curve and a deductible. Holds
		/// `PoolDeposit`.
		///
		/// - Origin: signed.
		///
		/// Emits [`Event::PoolCreated`]. Errors: [`Error::InvalidServices`],
		/// [`Error::RateTooHigh`], and the currency's error when the deposit cannot be held.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::create_pool())]
		pub fn create_pool(
			origin: OriginFor<T>,
			services: Vec<ServiceId>,
			pricing: Pricing,
			deductible: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_create_pool(who, services, pricing, deductible).map(|_| ())
		}

		/// Deposit `amount` of free balance into `pool` for shares at the pool's current value.
		///
		/// - Origin: signed.
		///
		/// Emits [`Event::Deposited`]. Errors: [`Error::UnknownPool`], [`Error::AmountTooLow`],
		/// [`Error::ClaimPending`] (a slash a cover of the pool may have to pay waits),
		/// [`Error::PoolDepleted`], `ArithmeticError::Overflow`, and the currency's transfer error.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::deposit())]
		pub fn deposit(origin: OriginFor<T>, pool: PoolId, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_deposit(who, pool, amount)
		}

		/// Ask to withdraw `shares`; they stay at risk (and earn) until withdrawn after
		/// `UnderwriterCooldown`, but no longer price cover. The request can be executed from
		/// a cooldown after it until the end of the second epoch of `UnderwriterCooldown`
		/// blocks after its own (between one and two cooldowns), then expires: its shares
		/// price cover again and a new request replaces it. So no underwriter can stay ready
		/// to leave at once, waiting for a fault to flee from.
		///
		/// - Origin: an underwriter of `pool`.
		///
		/// Emits [`Event::WithdrawRequested`]. Errors: [`Error::NoPosition`],
		/// [`Error::AmountTooLow`], [`Error::InsufficientShares`],
		/// [`Error::WithdrawalPending`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::request_withdraw())]
		pub fn request_withdraw(
			origin: OriginFor<T>,
			pool: PoolId,
			shares: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_request_withdraw(who, pool, shares)
		}

		/// Withdraw the requested shares at the pool's current value, once the cooldown has
		/// passed and before the request expired, while no slash a cover of the pool may have
		/// to pay waits, and as far as capital is not locked behind covers (expired covers are
		/// released first).
		///
		/// - Origin: an underwriter of `pool`.
		///
		/// Emits [`Event::Withdrawn`] (and [`Event::CoverReleased`]). Errors:
		/// [`Error::UnknownPool`], [`Error::NoPosition`], [`Error::NoWithdrawal`],
		/// [`Error::CooldownNotOver`], [`Error::WithdrawalExpired`], [`Error::ClaimPending`],
		/// [`Error::CapitalLocked`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::withdraw(T::MaxCoversPerPool::get()))]
		pub fn withdraw(origin: OriginFor<T>, pool: PoolId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw(who, pool)
		}

		/// Buy cover of `amount` for `operator`'s delegators against slashes by `service`
		/// requested from this block on (from the next if one was requested in this block
		/// already), for `period` blocks. The premium (see the runtime API's `insurance_quote`,
		/// which gives what this call charges in the same block) goes to the pool's unearned
		/// premiums and is earned over the period. After the pool's deductible the cover must
		/// be able to pay `MinCover`.
		///
		/// When the target's list of covers is full, the cover takes the place of the
		/// lowest-ranked one there (by what it can still pay per slash, `remaining −
		/// deductible`, then by the blocks it still runs) if that ranks below the new cover
		/// and no waiting slash may claim it; the evicted cover's buyer gets back the premium
		/// its pool has not earned yet ([`Event::CoverEvicted`]). When the pool's list is full,
		/// the cover takes the place of an ended cover no waiting slash may claim. So no cheap
		/// cover can keep a real buyer out, and no eviction lowers what a slash of the target
		/// finds.
		///
		/// - Origin: signed (anyone).
		///
		/// Emits [`Event::CoverBought`] (and [`Event::CoverReleased`], [`Event::CoverEvicted`]).
		/// Errors: [`Error::UnknownPool`], [`Error::AmountTooLow`], [`Error::CoverWorthless`],
		/// [`Error::InvalidPeriod`], [`Error::ServiceNotCovered`], [`Error::NotAllocated`],
		/// [`Error::InsufficientCapacity`], [`Error::TooManyCovers`],
		/// `ArithmeticError::Overflow`, and the currency's error when the premium cannot be paid.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::buy_cover(T::MaxCoversPerPool::get()))]
		pub fn buy_cover(
			origin: OriginFor<T>,
			pool: PoolId,
			operator: T::AccountId,
			service: ServiceId,
			amount: BalanceOf<T>,
			period: BlockNumberFor<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_buy_cover(who, pool, operator, service, amount, period).map(|_| ())
		}

		/// Release a pool's covers that are past their end and grace, freeing their capital. A
		/// cover on whose target a slash it may have to pay waits is kept until that slash has
		/// executed or been vetoed.
		///
		/// - Origin: signed (anyone).
		///
		/// Emits [`Event::CoverReleased`] per cover. Errors: [`Error::UnknownPool`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::release_covers(T::MaxCoversPerPool::get()))]
		pub fn release_covers(origin: OriginFor<T>, pool: PoolId) -> DispatchResult {
			ensure_signed(origin)?;
			let mut record = Pools::<T>::get(pool).ok_or(Error::<T>::UnknownPool)?;
			Self::release_expired(pool, &mut record);
			Pools::<T>::insert(pool, record);
			Ok(())
		}
	}
}
