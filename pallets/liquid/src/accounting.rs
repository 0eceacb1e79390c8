//! A vault's books: its value, token supply and rate; losses read from the value at risk, gains
//! that vest.

use frame_support::{
	traits::{
		fungible::Inspect,
		fungibles::Inspect as AssetsInspect,
		tokens::{Fortitude, Preservation},
		Get,
	},
	PalletId,
};
use restaking_primitives::{liquid::VaultId, restaking::DelegationInterface};
use sp_arithmetic::{
	traits::{CheckedAdd, Saturating, UniqueSaturatedInto, Zero},
	Rounding,
};
use sp_runtime::{
	traits::{AccountIdConversion, Convert},
	FixedPointNumber, FixedU128,
};
use sp_staking::StakingInterface;

use crate::{pallet::*, types::*, AssetIdOf};
use restaking_primitives::arithmetic::mul_div;

/// What a vault is worth and where its value sits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Books<Balance> {
	/// The vault's value: bond + liquid funds + claimable − pending loss.
	pub value: Balance,
	/// Bonded in the staking layer, active.
	pub active: Balance,
	/// Bonded in the staking layer, unbonding.
	pub unlocking: Balance,
	/// Free balance of the vault's account above its reserve (may be frozen by restaking).
	pub liquid: Balance,
	/// Restaked value, active (at the pool's factor).
	pub restaked: Balance,
	/// Restaked value waiting in the restaking outflow queue.
	pub queued_outflow: Balance,
	/// Restaked value whose undelegation delay has passed.
	pub withdrawable: Balance,
	/// Restaking loss imposed and not yet realized.
	pub pending_loss: Balance,
	/// Restaking rewards and compensation to claim.
	pub claimable: Balance,
	/// What is at risk: the bond less the pending loss, plus the compensation to claim for
	/// it. A fall of it since the last update is a loss (see [`Vault::last_at_risk`]).
	pub at_risk: Balance,
}

/// What a vault's books show since its last update: a `loss` (a fall of the value at risk),
/// counted at once, and a `gain` of the rest of the value, which vests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Change<Balance> {
	/// Taken from the value at risk (slashes, net of their compensation).
	pub loss: Balance,
	/// Added to the value beyond the loss (rewards, donations).
	pub gain: Balance,
}

impl<T: Config> Pallet<T> {
	/// The keyless account of vault `id`.
	pub fn vault_account(id: VaultId) -> T::AccountId {
		T::PalletId::get().into_sub_account_truncating(id)
	}

	/// The asset id of vault `id`'s token.
	pub fn asset_of(id: VaultId) -> AssetIdOf<T> {
		T::VaultAsset::convert(id)
	}

	/// Whether `who` is the account of an existing vault.
	pub fn is_vault_account(who: &T::AccountId) -> bool {
		PalletId::try_from_sub_account::<VaultId>(who).is_some_and(|(pallet, id)| {
			pallet == T::PalletId::get() && Vaults::<T>::contains_key(id)
		})
	}

	/// The virtual shares every vault counts: `10^DecimalsOffset`.
	pub(crate) fn virtual_shares() -> T::Balance {
		T::Balance::from(10u32).saturating_pow(usize::from(T::DecimalsOffset::get()))
	}

	/// Tokens `amount` buys at value `value` and `shares` shares, rounded down. The rate is
	/// `(value + 1) / (shares + 10^DecimalsOffset)`: the virtual shares keep an empty vault's
	/// leftover value (or a donation) from going to the next depositor, and make rounding cost
	/// a depositor at most one part in `10^DecimalsOffset` of the vault's value per share; no
	/// deposit followed by a redemption gains.
	pub(crate) fn tokens_for(
		amount: T::Balance,
		value: T::Balance,
		shares: T::Balance,
	) -> Option<T::Balance> {
		let one = T::Balance::from(1u32);
		mul_div::<T::Balance>(
			amount,
			shares.checked_add(&Self::virtual_shares())?,
			value.checked_add(&one)?,
			Rounding::Down,
		)
	}

	/// Value of `shares` of a vault of value `value` and `total` shares, rounded down.
	pub(crate) fn value_of(
		shares: T::Balance,
		value: T::Balance,
		total: T::Balance,
	) -> Option<T::Balance> {
		let one = T::Balance::from(1u32);
		mul_div::<T::Balance>(
			shares,
			value.checked_add(&one)?,
			total.checked_add(&Self::virtual_shares())?,
			Rounding::Down,
		)
	}

	/// The exchange rate: value of `10^DecimalsOffset` token units, i.e. of one token at the
	/// currency's scale (1 for a new vault), as a wallet shows both with their decimals.
	pub fn rate(value: T::Balance, shares: T::Balance) -> FixedU128 {
		let virtual_shares: u128 = Self::virtual_shares().unique_saturated_into();
		let value: u128 = value.unique_saturated_into();
		let shares: u128 = shares.unique_saturated_into();
		virtual_shares
			.checked_mul(FixedU128::accuracy())
			.and_then(|scale| {
				mul_div::<u128>(
					value.saturating_add(1),
					scale,
					shares.saturating_add(virtual_shares),
					Rounding::Down,
				)
			})
			.map(FixedU128::from_inner)
			.unwrap_or_default()
	}

	/// Tokens in circulation.
	pub fn supply(id: VaultId) -> T::Balance {
		T::Assets::total_issuance(Self::asset_of(id))
	}

	/// How a vault's value splits between its released redemptions (worth at most what they
	/// were worth when released) and its tokens and queued redemptions (everything else).
	pub fn pricing(id: VaultId, record: &Vault<T>) -> ValueSplit<T::Balance> {
		Self::pricing_at(id, record, &Self::books(record))
	}

	/// [`Self::pricing`] for a vault with these `books` (already read).
	pub(crate) fn pricing_at(
		id: VaultId,
		record: &Vault<T>,
		books: &Books<T::Balance>,
	) -> ValueSplit<T::Balance> {
		let value = books.value;
		let change = Self::change(record, books);
		let shares = Self::supply(id).saturating_add(record.redeeming);
		let released = Self::released_claim(record, change).min(value);
		let unvested = Self::unvested(record, change).min(value.saturating_sub(released));
		ValueSplit {
			value,
			shares,
			released,
			unvested,
			active_value: value.saturating_sub(released).saturating_sub(unvested),
			active_shares: shares.saturating_sub(record.released_shares),
		}
	}

	/// The loss and the gain since the last update, now that the books are `books`. A fall of
	/// the value at risk is a loss even when rewards paid meanwhile make up for it: counted at
	/// once, while the rewards vest, so nobody leaves at the rate before a slash by paying out
	/// a reward in its block. A fall of the rest of the value (none happens between updates)
	/// is a loss too.
	pub(crate) fn change(record: &Vault<T>, books: &Books<T::Balance>) -> Change<T::Balance> {
		let loss = record.last_at_risk.saturating_sub(books.at_risk).min(record.last_value);
		let base = record.last_value.saturating_sub(loss);
		if books.value >= base {
			Change { loss, gain: books.value.saturating_sub(base) }
		} else {
			Change { loss: record.last_value.saturating_sub(books.value), gain: Zero::zero() }
		}
	}

	/// `part` of the vault's books after a `loss` since the last update: cut in proportion.
	pub(crate) fn after_loss(record: &Vault<T>, part: T::Balance, loss: T::Balance) -> T::Balance {
		if loss.is_zero() {
			return part;
		}
		let left = record.last_value.saturating_sub(loss);
		mul_div::<T::Balance>(part, left, record.last_value, Rounding::Down)
			.unwrap_or_else(Zero::zero)
	}

	/// What the released redemptions are owed after `change`: a loss cuts their claim in
	/// proportion; a gain goes to the tokens.
	pub(crate) fn released_claim(record: &Vault<T>, change: Change<T::Balance>) -> T::Balance {
		Self::after_loss(record, record.released_value, change.loss)
	}

	/// The gains the rate does not count yet after `change`: what is left of the earlier
	/// gains (cut in proportion by the loss), plus the new gain in full (none when gains count
	/// at once).
	pub(crate) fn unvested(record: &Vault<T>, change: Change<T::Balance>) -> T::Balance {
		let left = record.unvested.at(frame_system::Pallet::<T>::block_number());
		let gain = if T::RewardVesting::get().is_zero() { Zero::zero() } else { change.gain };
		Self::after_loss(record, left, change.loss).saturating_add(gain)
	}

	/// Book the vault's loss and gain since its last update, now that its books are
	/// `books`: the loss cuts the released redemptions' claim and the unvested gains in
	/// proportion; the gain vests, together with what still vests, over the next
	/// `RewardVesting` blocks. Restarting the whole span (rather than averaging the ends) is
	/// what keeps every gain from entering the rate faster than over `RewardVesting` blocks
	/// from its booking: any earlier end would count part of the new gain sooner.
	pub(crate) fn mark(record: &mut Vault<T>, books: &Books<T::Balance>) -> Change<T::Balance> {
		let now = frame_system::Pallet::<T>::block_number();
		let change = Self::change(record, books);
		let amount = Self::unvested(record, change);
		let until = if change.gain.is_zero() {
			record.unvested.until
		} else {
			now.saturating_add(T::RewardVesting::get())
		};
		record.released_value = Self::released_claim(record, change);
		record.unvested = if amount.is_zero() || until <= now {
			Unvested::default()
		} else {
			Unvested { amount, from: now, until }
		};
		Self::rebase(record, books);
		change
	}

	/// Take `books` as the vault's books after an update: what moves from here on is a loss
	/// or a gain. Called after each of the pallet's own moves of the vault's funds (bonding,
	/// unbonding, claiming, paying out), which change where the value sits, not what it is.
	pub(crate) fn rebase(record: &mut Vault<T>, books: &Books<T::Balance>) {
		record.last_value = books.value;
		record.last_at_risk = books.at_risk;
	}

	/// Where a vault's value sits, read from the staking and restaking layers.
	pub fn books(record: &Vault<T>) -> Books<T::Balance> {
		let (active, total) = T::Staking::stake(&record.account)
			.map(|s| (s.active, s.total))
			.unwrap_or_else(|_| (Zero::zero(), Zero::zero()));
		let liquid = T::Currency::balance(&record.account).saturating_sub(record.deposit);
		let mut books =
			Books { active, unlocking: total.saturating_sub(active), liquid, ..Default::default() };
		let mut compensation = Zero::zero();
		if let Some(p) = T::Restaking::position(&record.account) {
			books.restaked = p.active;
			books.queued_outflow = p.queued_outflow;
			books.withdrawable = p.withdrawable;
			books.pending_loss = p.pending_loss;
			books.claimable = p.claimable;
			compensation = p.compensation.min(p.claimable);
		}
		books.value = total
			.saturating_add(liquid)
			.saturating_add(books.claimable)
			.saturating_sub(books.pending_loss);
		books.at_risk = total
			.saturating_add(compensation)
			.saturating_sub(books.pending_loss)
			.min(books.value);
		books
	}

	/// What the vault's account can pay out now: its transferable balance above the reserve
	/// (which also keeps the account alive).
	pub(crate) fn available(record: &Vault<T>) -> T::Balance {
		let free = T::Currency::balance(&record.account);
		T::Currency::reducible_balance(&record.account, Preservation::Expendable, Fortitude::Polite)
			.min(free.saturating_sub(record.deposit))
	}
}
