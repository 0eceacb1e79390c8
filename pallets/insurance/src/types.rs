//! Types of the insurance pallet.

use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{BoundedVec, CloneNoBound, DebugNoBound, DefaultNoBound, PartialEqNoBound};
use restaking_primitives::{insurance::PoolId, restaking::ServiceId, slashing::SlashId};
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{One, Saturating},
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
	/// Shares asked to be withdrawn (not part of the capital that prices cover).
	pub leaving: BalanceOf<T>,
}

impl<T: Config> Pool<T> {
	/// Capital not locked behind covers.
	pub fn free(&self) -> BalanceOf<T> {
		self.capital.saturating_sub(self.locked)
	}
}

/// Underwriter shares deposited in the last two epochs of `UnderwriterCooldown` blocks: a
/// deposit of epoch `e` (blocks `e × cooldown` to `(e + 1) × cooldown − 1`) prices cover from
/// epoch `e + 2` on, more than a cooldown after it, so capital that could leave before a cover
/// runs long cannot lower its premium the moment it arrives.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct FreshShares<Balance, BlockNumber> {
	/// The epoch of `current`.
	pub epoch: BlockNumber,
	/// Shares deposited in `epoch`.
	pub current: Balance,
	/// Shares deposited in the epoch before it.
	pub previous: Balance,
}

impl<Balance: Copy + Saturating + Default, BlockNumber: Copy + PartialEq + Saturating + One>
	FreshShares<Balance, BlockNumber>
{
	/// The shares still fresh in epoch `now`.
	pub fn at(&self, now: BlockNumber) -> Balance {
		if now == self.epoch {
			self.current.saturating_add(self.previous)
		} else if now == self.epoch.saturating_add(One::one()) {
			self.current
		} else {
			Default::default()
		}
	}

	/// Bring the buckets to epoch `now`.
	fn roll(&mut self, now: BlockNumber) {
		if now != self.epoch {
			self.previous = self.at(now);
			self.current = Default::default();
			self.epoch = now;
		}
	}

	/// Count `shares` deposited in epoch `now`.
	pub fn add(&mut self, now: BlockNumber, shares: Balance) {
		self.roll(now);
		self.current = self.current.saturating_add(shares);
	}

	/// Take up to `shares` out of the shares still fresh in epoch `now`, the oldest first;
	/// returns what was taken from the previous and the current epoch's bucket.
	pub fn take(&mut self, now: BlockNumber, shares: Balance) -> (Balance, Balance)
	where
		Balance: Ord,
	{
		self.roll(now);
		let from_previous = shares.min(self.previous);
		let from_current = shares.saturating_sub(from_previous).min(self.current);
		self.previous = self.previous.saturating_sub(from_previous);
		self.current = self.current.saturating_sub(from_current);
		(from_previous, from_current)
	}

	/// Take exactly these parts out of the buckets of epoch `now` (what [`Self::take`] took
	/// from a position, out of its pool's buckets).
	pub fn remove(&mut self, now: BlockNumber, (previous, current): (Balance, Balance)) {
		self.roll(now);
		self.previous = self.previous.saturating_sub(previous);
		self.current = self.current.saturating_sub(current);
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
		use sp_arithmetic::{
			helpers_128bit::multiply_by_rational_with_rounding, traits::UniqueSaturatedInto,
			Rounding,
		};
		let period: u128 = self.end.saturating_sub(self.start).unique_saturated_into();
		let served: u128 = now.min(self.end).saturating_sub(self.start).unique_saturated_into();
		if served >= period {
			return self.premium;
		}
		multiply_by_rational_with_rounding(
			self.premium.unique_saturated_into(),
			served,
			period,
			Rounding::Down,
		)
		.and_then(|earned| BalanceOf::<T>::try_from(earned).ok())
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
	/// Shares asked to be withdrawn, and the first block they can be.
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
