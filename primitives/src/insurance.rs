//! Insurance types shared by the insurance pallet and the runtime API.

use alloc::vec::Vec;
use codec::{Decode, Encode};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

use crate::restaking::ServiceId;

/// Identifier of an insurance pool.
pub type PoolId = u32;

/// Identifier of a cover.
pub type CoverId = u64;

/// An insurance pool's figures.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct PoolState<AccountId, Balance> {
	/// Who created the pool.
	pub owner: AccountId,
	/// Services whose slashes it covers.
	pub services: Vec<ServiceId>,
	/// Underwriters' capital.
	pub capital: Balance,
	/// The capital that prices cover: that of shares in the pool for more than a cooldown
	/// and not asked to be withdrawn.
	pub priced_capital: Balance,
	/// Capital behind active covers.
	pub locked: Balance,
	/// `locked / priced_capital` (full when nothing prices): what the premium rate follows.
	pub utilization: Perbill,
	/// The premium rate per block at this utilization (a fraction of the cover amount).
	pub rate_per_block: Perbill,
	/// Subtracted from every payout.
	pub deductible: Balance,
	/// Underwriter shares.
	pub total_shares: Balance,
	/// Premiums earned, ever: each cover's premium is earned over its period.
	pub premiums: Balance,
	/// Premiums paid for covers and not earned yet (refunded if a cover is evicted).
	pub unearned: Balance,
	/// Payouts made, ever.
	pub paid_out: Balance,
	/// Reserve top-ups received, ever.
	pub top_ups: Balance,
	/// Covers not yet released.
	pub covers: u32,
}

/// A cover as wallets see it.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct CoverView<AccountId, Balance, BlockNumber> {
	/// Its id.
	pub id: CoverId,
	/// The pool backing it.
	pub pool: PoolId,
	/// Who bought it.
	pub buyer: AccountId,
	/// The amount bought.
	pub amount: Balance,
	/// What it may still pay.
	pub remaining: Balance,
	/// The premium paid.
	pub premium: Balance,
	/// First block covered.
	pub start: BlockNumber,
	/// First block no longer covered.
	pub end: BlockNumber,
}
