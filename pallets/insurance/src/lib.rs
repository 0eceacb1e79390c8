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
//! An owner creates a pool for a service, an underwriter funds it, a buyer covers an operator's
//! delegators, and when a slash of that operator executes the cover pays them (a unit test,
//! shown here):
//!
#![doc = docify::embed!("src/tests.rs", example_cover_pays_a_slash)]
//!
//! ## Low-level API
//!
//! The pallet implements
//! [`OnSlashExecuted`](restaking_primitives::slashing::OnSlashExecuted) for the slashing
//! pallet and pays through
//! [`RestakingInterface::compensate`](restaking_primitives::restaking::RestakingInterface).

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(rustdoc::broken_intra_doc_links)]

extern crate alloc;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod calls;
mod capital;
mod covers;
mod events;
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

use frame_support::pallet_macros::import_section;

#[import_section(calls::calls)]
#[import_section(events::events)]
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

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			Self::check_constants();
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state(u8::MAX)
		}
	}
}
