//! Types of the insurance pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{BoundedVec, CloneNoBound, DebugNoBound, DefaultNoBound, PartialEqNoBound};
use restaking_primitives::{insurance::PoolId, restaking::ServiceId, slashing::SlashId};
use scale_info::TypeInfo;
use sp_runtime::{traits::Saturating, Perbill};

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
	/// Underwriters' funds: the pool account's balance.
	pub capital: BalanceOf<T>,
	/// Underwriter shares; each is worth `capital / total_shares`.
	pub total_shares: BalanceOf<T>,
	/// Capital behind active covers (their remaining amounts); never above `capital`.
	pub locked: BalanceOf<T>,
	/// Everything underwriters ever deposited.
	pub deposited: BalanceOf<T>,
	/// Everything underwriters ever withdrew.
	pub withdrawn: BalanceOf<T>,
	/// Every premium ever earned.
	pub premiums: BalanceOf<T>,
	/// Every payout ever made.
	pub paid_out: BalanceOf<T>,
	/// Everything the reserve ever added.
	pub top_ups: BalanceOf<T>,
}

impl<T: Config> Pool<T> {
	/// Capital not locked behind covers.
	pub fn free(&self) -> BalanceOf<T> {
		self.capital.saturating_sub(self.locked)
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
}
