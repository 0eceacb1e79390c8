//! Types of the insurance pallet.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{BoundedVec, CloneNoBound, DebugNoBound, DefaultNoBound, PartialEqNoBound};
use restaking_primitives::{insurance::PoolId, restaking::ServiceId, slashing::SlashId};
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{Saturating, UniqueSaturatedInto},
	Perbill,
};

use crate::{BalanceOf, BlockNumberFor, Config};

/// How a pool prices cover: a rate per block that rises linearly with the pool's utilization,
/// from `base` (empty pool) to `base + slope` (fully locked pool).
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
	Default,
)]
pub struct Pricing {
	/// Premium per block, as a fraction of the cover amount, at zero utilization.
	pub base: Perbill,
	/// What full utilization adds to `base`.
	pub slope: Perbill,
}

impl Pricing {
	/// The rate per block at `utilization`.
	pub fn rate(&self, utilization: Perbill) -> Perbill {
		self.base.saturating_add(utilization * self.slope)
	}
}

/// An underwriter pool: fully collateralized capital backing covers on a bounded list of
/// services.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct Pool<T: Config> {
	/// Who created the pool (and may change nothing afterwards but pays the deposit).
	pub owner: T::AccountId,
	/// Held from the owner while the pool exists.
	pub deposit: BalanceOf<T>,
	/// Services whose slashes the pool covers.
	pub services: BoundedVec<ServiceId, T::MaxCoveredServices>,
	/// The premium curve.
	pub pricing: Pricing,
	/// Subtracted from every payout of a cover.
	pub deductible: BalanceOf<T>,
	/// Underwriters' funds: the pool account's balance less `unearned` (and the account's
	/// existential deposit).
	pub capital: BalanceOf<T>,
	/// Premiums paid for covers and not yet earned: each cover's premium is earned linearly
	/// over its period, so an underwriter shares only in the premiums of the blocks it
	/// underwrote. Refunded to the buyer of an evicted cover.
	pub unearned: BalanceOf<T>,
	/// Underwriter shares; each is worth `capital / total_shares`.
	pub total_shares: BalanceOf<T>,
	/// Capital behind active covers (their remaining amounts); never above `capital`.
	pub locked: BalanceOf<T>,
	/// Everything underwriters ever deposited.
	pub deposited: BalanceOf<T>,
	/// Everything underwriters ever withdrew.
	pub withdrawn: BalanceOf<T>,
	/// Every premium ever earned (moved from `unearned` into `capital`).
	pub premiums: BalanceOf<T>,
	/// Every payout ever made.
	pub paid_out: BalanceOf<T>,
	/// Everything the reserve ever added.
	pub top_ups: BalanceOf<T>,
	/// Premiums refunded to the buyers of evicted covers (their unused part).
	pub refunded: BalanceOf<T>,
	/// Shares deposited lately, not yet part of the capital that prices cover.
	pub fresh: FreshShares<BalanceOf<T>, BlockNumberFor<T>>,
	/// Shares asked to be withdrawn by requests that have not expired (not part of the capital
	/// that prices cover).
	pub leaving: LeavingShares<BalanceOf<T>, BlockNumberFor<T>>,
}

impl<T: Config> Pool<T> {
	/// Capital not locked behind covers.
	pub fn free(&self) -> BalanceOf<T> {
		self.capital.saturating_sub(self.locked)
	}
}

/// Shares counted per epoch of `UnderwriterCooldown` blocks, for the `N` latest epochs: shares
/// counted in epoch `e` count in epochs `e` to `e + N − 1` and no longer from epoch `e + N`.
/// Two uses, both bounded whatever the number of underwriters:
/// - [`FreshShares`] (`N = 2`): shares deposited lately. A deposit of epoch `e` (blocks
///   `e × cooldown` to `(e + 1) × cooldown − 1`) prices cover from epoch `e + 2` on, more than a
///   cooldown after it, so capital that could leave before a cover runs long cannot lower its
///   premium the moment it arrives.
/// - [`LeavingShares`] (`N = 3`): shares asked to be withdrawn. A request of epoch `e` can be
///   executed from a cooldown after it until the end of epoch `e + 2`, and expires then: its
///   shares stop pricing cover while it can be executed, and price it again once it expired
///   (more than two cooldowns after they were deposited, so never as fresh capital).
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, Debug, PartialEq, Eq)]
pub struct EpochShares<Balance, BlockNumber, const N: usize> {
	/// The epoch of `shares[0]`.
	pub epoch: BlockNumber,
	/// Shares counted in `epoch` (first), then in each of the `N − 1` epochs before it.
	pub shares: [Balance; N],
}

/// Underwriter shares deposited in the last two epochs (see [`EpochShares`]).
pub type FreshShares<Balance, BlockNumber> = EpochShares<Balance, BlockNumber, 2>;

/// Underwriter shares asked to be withdrawn in the last three epochs (see [`EpochShares`]).
pub type LeavingShares<Balance, BlockNumber> = EpochShares<Balance, BlockNumber, 3>;

impl<Balance: Copy + Default, BlockNumber: Default, const N: usize> Default
	for EpochShares<Balance, BlockNumber, N>
{
	fn default() -> Self {
		Self { epoch: Default::default(), shares: [Default::default(); N] }
	}
}

impl<Balance, BlockNumber, const N: usize> EpochShares<Balance, BlockNumber, N>
where
	Balance: Copy + Default + Ord + Saturating,
	BlockNumber: Copy + Ord + Saturating + UniqueSaturatedInto<u32>,
{
	/// How many epochs `epoch` is behind `now` (zero if ahead).
	fn lag(from: BlockNumber, now: BlockNumber) -> usize {
		let lag: u32 = now.saturating_sub(from).unique_saturated_into();
		lag as usize
	}

	/// The shares still counted in epoch `now`.
	pub fn at(&self, now: BlockNumber) -> Balance {
		let lag = Self::lag(self.epoch, now);
		self.shares
			.iter()
			.take(N.saturating_sub(lag))
			.fold(Balance::default(), |acc, s| acc.saturating_add(*s))
	}

	/// The shares counted in epoch `of` that still count in epoch `now`.
	pub fn of(&self, now: BlockNumber, of: BlockNumber) -> Balance {
		if of > self.epoch || Self::lag(of, now) >= N {
			return Balance::default();
		}
		self.shares.get(Self::lag(of, self.epoch)).copied().unwrap_or_default()
	}

	/// Bring the buckets to epoch `now`.
	fn roll(&mut self, now: BlockNumber) {
		if now <= self.epoch {
			return;
		}
		let lag = Self::lag(self.epoch, now);
		let mut shares = [Balance::default(); N];
		for (i, s) in self.shares.iter().enumerate() {
			if let Some(slot) = shares.get_mut(i.saturating_add(lag)) {
				*slot = *s;
			}
		}
		self.shares = shares;
		self.epoch = now;
	}

	/// Count `shares` in epoch `now`.
	pub fn add(&mut self, now: BlockNumber, shares: Balance) {
		self.roll(now);
		self.shares[0] = self.shares[0].saturating_add(shares);
	}

	/// Take up to `shares` out of the shares still counted in epoch `now`, the oldest first;
	/// returns what was taken from each bucket.
	pub fn take(&mut self, now: BlockNumber, shares: Balance) -> [Balance; N] {
		self.roll(now);
		let mut left = shares;
		let mut taken = [Balance::default(); N];
		for (bucket, took) in self.shares.iter_mut().zip(taken.iter_mut()).rev() {
			*took = left.min(*bucket);
			*bucket = bucket.saturating_sub(*took);
			left = left.saturating_sub(*took);
		}
		taken
	}

	/// Take exactly these parts out of the buckets of epoch `now` (what [`Self::take`] took
	/// from a position, out of its pool's buckets).
	pub fn remove(&mut self, now: BlockNumber, parts: [Balance; N]) {
		self.roll(now);
		for (bucket, part) in self.shares.iter_mut().zip(parts) {
			*bucket = bucket.saturating_sub(part);
		}
	}

	/// Take `shares` out of the bucket of epoch `of`, if it still counts in epoch `now`.
	pub fn remove_of(&mut self, now: BlockNumber, of: BlockNumber, shares: Balance) {
		self.roll(now);
		if of <= self.epoch {
			if let Some(bucket) = self.shares.get_mut(Self::lag(of, now)) {
				*bucket = bucket.saturating_sub(shares);
			}
		}
	}
}

/// Cover bought for an operator's delegators against slashes by one service.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct Cover<T: Config> {
	/// The pool that backs it.
	pub pool: PoolId,
	/// Who paid the premium.
	pub buyer: T::AccountId,
	/// The operator whose pool is covered.
	pub operator: T::AccountId,
	/// The service whose slashes are covered.
	pub service: ServiceId,
	/// What the cover may still pay (falls with every payout).
	pub remaining: BalanceOf<T>,
	/// The amount bought.
	pub amount: BalanceOf<T>,
	/// The premium paid.
	pub premium: BalanceOf<T>,
	/// How much of the premium its pool has earned so far.
	pub recognized: BalanceOf<T>,
	/// First block it covers (slashes requested from here on).
	pub start: BlockNumberFor<T>,
	/// First block it no longer covers.
	pub end: BlockNumberFor<T>,
	/// The last slash it paid for (no cover pays twice for one slash).
	pub last_paid: Option<SlashId>,
}

impl<T: Config> Cover<T> {
	/// Whether a slash requested at `at` is covered.
	pub fn covers(&self, at: BlockNumberFor<T>) -> bool {
		self.start <= at && at < self.end
	}

	/// The part of the premium earned by block `now`: linear over the period.
	pub fn earned(&self, now: BlockNumberFor<T>) -> BalanceOf<T> {
		use restaking_primitives::arithmetic::mul_div;
		use sp_arithmetic::{traits::UniqueSaturatedInto, Rounding};
		let period: u128 = self.end.saturating_sub(self.start).unique_saturated_into();
		let served: u128 = now.min(self.end).saturating_sub(self.start).unique_saturated_into();
		if served >= period {
			return self.premium;
		}
		mul_div::<BalanceOf<T>>(self.premium, served, period, Rounding::Down)
			.unwrap_or_default()
			.min(self.premium)
	}
}

/// An underwriter's position in a pool.
#[derive(
	Encode,
	Decode,
	MaxEncodedLen,
	TypeInfo,
	CloneNoBound,
	PartialEqNoBound,
	DebugNoBound,
	DefaultNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct Position<T: Config> {
	/// Pool shares held (including those waiting to be withdrawn).
	pub shares: BalanceOf<T>,
	/// Shares asked to be withdrawn, and the first block they can be (from then until the
	/// request expires, see [`LeavingShares`]).
	pub unbonding: Option<(BalanceOf<T>, BlockNumberFor<T>)>,
	/// Of `shares`, those deposited lately and not asked to be withdrawn: the position's part
	/// of its pool's [`FreshShares`].
	pub fresh: FreshShares<BalanceOf<T>, BlockNumberFor<T>>,
}

/// A cover sale as priced: the premium, and the covers the new one takes the place of (the
/// lowest-ranked of a full list, see `Pallet::buy_cover`).
#[derive(CloneNoBound, PartialEqNoBound, DebugNoBound)]
pub struct Sale<T: Config> {
	/// What the buyer pays.
	pub premium: BalanceOf<T>,
	/// Covers evicted to make room: on the target, then in the pool.
	pub evicted: Vec<restaking_primitives::insurance::CoverId>,
}
