//! Types stored by the liquid restaking pallet.

use codec::{Decode, Encode, MaxEncodedLen};
use frame_support::{CloneNoBound, DebugNoBound, DefaultNoBound, PartialEqNoBound};
use restaking_primitives::arithmetic::mul_div;
use scale_info::TypeInfo;
use sp_arithmetic::Rounding;
use sp_runtime::traits::{Saturating, Zero};
use sp_staking::EraIndex;

use crate::{BlockNumberFor, Config};

/// A liquid restaking vault.
///
/// Its shares are its tokens in circulation and `redeeming`, the shares of redemptions not yet
/// paid. Of those, `released_shares` were released (undelegated and unbonding); they are worth
/// at most `released_value`, what they were worth when released. The rest of the value belongs
/// to the tokens and the queued redemptions.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct Vault<T: Config> {
	/// The operator the vault delegates to.
	pub operator: T::AccountId,
	/// The vault's keyless account.
	pub account: T::AccountId,
	/// What stays in the account as its reserve: never bonded, never paid to holders.
	pub deposit: T::Balance,
	/// Whether deposits and redemptions are paused.
	pub paused: bool,
	/// Books of the staking layer: what the vault bonded, less what it withdrew. Slashes only
	/// lower the staking ledger, so the ledger's total never exceeds it.
	pub principal: T::Balance,
	/// Shares of redemptions not yet paid (queued and released).
	pub redeeming: T::Balance,
	/// Of `redeeming`, the shares released and not yet paid.
	pub released_shares: T::Balance,
	/// What the released, unpaid shares were worth when released (the sum of their
	/// redemptions' `reserved`).
	pub released_reserved: T::Balance,
	/// What the released, unpaid shares are owed now: `released_reserved`, cut by the vault's
	/// losses since (rewards go to the tokens). The liquidity the vault keeps for them.
	pub released_value: T::Balance,
	/// The vault's value after its last update. What it lost since (see `last_at_risk`) is
	/// shared by the released redemptions and the unvested gains in proportion; what it gained
	/// beyond that vests.
	pub last_value: T::Balance,
	/// The part of `last_value` at risk after the last update: the bond less the restaking
	/// loss not yet realized, plus the compensation to claim for it. Any fall of it is a loss,
	/// counted at once whatever the rest of the value gained meanwhile (rewards paid in the
	/// same block cannot hide a slash); a rise of the rest is a gain.
	pub last_at_risk: T::Balance,
	/// Gains of the vault's value not yet counted in its rate.
	pub unvested: Unvested<T>,
	/// The era of the last release and the value released in it (against the cap).
	pub era_released: (EraIndex, T::Balance),
	/// Position of the oldest redemption not fully released in the vault's queue.
	pub queue_head: u32,
	/// Position the next redemption takes in the queue.
	pub queue_tail: u32,
	/// The id the next redemption gets.
	pub next_redemption: u32,
}

impl<T: Config> Vault<T> {
	/// A new, empty vault.
	pub fn new(operator: T::AccountId, account: T::AccountId, deposit: T::Balance) -> Self {
		Self {
			operator,
			account,
			deposit,
			paused: false,
			principal: Zero::zero(),
			redeeming: Zero::zero(),
			released_shares: Zero::zero(),
			released_reserved: Zero::zero(),
			released_value: Zero::zero(),
			last_value: Zero::zero(),
			last_at_risk: Zero::zero(),
			unvested: Unvested::default(),
			era_released: (0, Zero::zero()),
			queue_head: 0,
			queue_tail: 0,
			next_redemption: 0,
		}
	}

	/// Redemption shares still waiting in the queue.
	pub fn queued(&self) -> T::Balance {
		self.redeeming.saturating_sub(self.released_shares)
	}
}

/// Gains of a vault's value (base-layer and restaking rewards, donations, compensation for a
/// slash booked earlier) that its rate does not count yet: `amount` at block `from`, counted in
/// linearly until block `until`. A deposit made just before a reward is paid out (a reward of
/// an era the deposit was not staked in) thus gains only what vests while it stays.
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
pub struct Unvested<T: Config> {
	/// Not yet counted at block `from`.
	pub amount: T::Balance,
	/// When `amount` was last set.
	pub from: BlockNumberFor<T>,
	/// When all of it counts.
	pub until: BlockNumberFor<T>,
}

impl<T: Config> Unvested<T> {
	/// What is not yet counted at block `now` (rounded up, in favour of the holders who stay).
	pub fn at(&self, now: BlockNumberFor<T>) -> T::Balance {
		if now >= self.until || self.amount.is_zero() {
			return Zero::zero();
		}
		let left = self.until.saturating_sub(now.max(self.from));
		let span = self.until.saturating_sub(self.from);
		mul_div::<T::Balance>(self.amount, left, span, Rounding::Up)
			.map_or(self.amount, |r| r.min(self.amount))
	}
}

/// A holder's redemption: burned tokens that stay shares of the vault until they are paid.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct Redemption<T: Config> {
	/// Vault shares (the burned tokens).
	pub shares: T::Balance,
	/// How many of them were released so far (a redemption may be released over several
	/// eras when it is larger than the cap).
	pub released: T::Balance,
	/// What the released shares were worth when released. At payout the redemption gets its
	/// part of what the released redemptions are owed: `reserved × released_value /
	/// released_reserved`.
	pub reserved: T::Balance,
	/// The era from which the funds of its last release are unbonded.
	pub unlock_era: EraIndex,
	/// The block from which the funds of its last release are undelegated.
	pub unlock_at: BlockNumberFor<T>,
}

impl<T: Config> Redemption<T> {
	/// Whether every share was released.
	pub fn fully_released(&self) -> bool {
		self.released >= self.shares
	}
}

/// A vault's value split between its released redemptions and everything else.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ValueSplit<Balance> {
	/// The vault's whole value.
	pub value: Balance,
	/// All shares: tokens and unpaid redemptions.
	pub shares: Balance,
	/// What the released shares are owed: their value at release, cut by losses since.
	pub released: Balance,
	/// Gains not yet counted in the rate (see [`Unvested`]).
	pub unvested: Balance,
	/// The value of the tokens and the queued redemptions: `value − released − unvested`.
	pub active_value: Balance,
	/// Tokens and queued redemption shares: `shares − released shares`.
	pub active_shares: Balance,
}
