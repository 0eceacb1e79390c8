//! Premiums and prices: premiums recognized over time, withdrawal epochs, and the capital and
//! utilization a quote is priced on.

use frame_support::{
	pallet_prelude::*,
	storage::with_storage_layer,
	traits::{fungible::Mutate, tokens::Preservation},
};
use restaking_primitives::insurance::PoolId;
use sp_arithmetic::Rounding;
use sp_runtime::{
	traits::{AccountIdConversion, One, Saturating, Zero},
	DispatchError, Perbill,
};

use sp_runtime::ArithmeticError;

use crate::{pallet::*, types::*, BalanceOf, BlockNumberFor};
use restaking_primitives::arithmetic::mul_div;

impl<T: Config> Pallet<T> {
	pub(crate) fn now() -> BlockNumberFor<T> {
		frame_system::Pallet::<T>::block_number()
	}

	/// The account holding `pool`'s capital (and one existential deposit keeping it alive):
	/// the pallet's sub-account `pool + 1` (pool ids stop below `u32::MAX`).
	pub fn pool_account(pool: PoolId) -> T::AccountId {
		T::PalletId::get().into_sub_account_truncating(pool.saturating_add(1))
	}

	/// The reserve's account: the pallet's own account.
	pub fn reserve_account() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// Move the premiums `pool`'s covers earned by `now` from `unearned` into capital (and,
	/// with `write`, record them on the covers; without, only `record` changes, for views).
	pub(crate) fn recognize(
		pool: PoolId,
		record: &mut Pool<T>,
		now: BlockNumberFor<T>,
		write: bool,
	) {
		let mut earned_now = BalanceOf::<T>::zero();
		for id in PoolCovers::<T>::get(pool) {
			let Some(mut cover) = Covers::<T>::get(id) else { continue };
			let earned = cover.earned(now);
			let delta = earned.saturating_sub(cover.recognized);
			if delta.is_zero() {
				continue;
			}
			earned_now = earned_now.saturating_add(delta);
			if write {
				cover.recognized = earned;
				Covers::<T>::insert(id, cover);
			}
		}
		Self::earn(pool, record, earned_now, write);
	}

	/// Premium `amount` of `pool`'s unearned premiums is earned: it joins the capital, or, while
	/// the pool has no underwriter to earn it (its shares all withdrawn), the reserve (with
	/// `write`; a view only leaves it out).
	pub(crate) fn earn(pool: PoolId, record: &mut Pool<T>, amount: BalanceOf<T>, write: bool) {
		let amount = amount.min(record.unearned);
		if amount.is_zero() {
			return;
		}
		if !record.total_shares.is_zero() {
			record.unearned = record.unearned.saturating_sub(amount);
			record.capital = record.capital.saturating_add(amount);
			record.premiums = record.premiums.saturating_add(amount);
			return;
		}
		if !write {
			return;
		}
		let sent = with_storage_layer(|| {
			T::Currency::transfer(
				&Self::pool_account(pool),
				&Self::reserve_account(),
				amount,
				Preservation::Preserve,
			)
		});
		// The reserve account exists once it received a slash's share; until then the pool
		// keeps the premium unearned (its books stay whole either way).
		if sent.is_ok() {
			record.unearned = record.unearned.saturating_sub(amount);
			Self::deposit_event(Event::PremiumToReserve { pool, amount });
		}
	}

	/// The epoch of `UnderwriterCooldown` blocks that block `now` is in.
	pub(crate) fn epoch(now: BlockNumberFor<T>) -> BlockNumberFor<T> {
		now / T::UnderwriterCooldown::get().max(One::one())
	}

	/// The first block a withdrawal request executable from block `at` can no longer be
	/// executed: the start of the third epoch after the request's own (between one and two
	/// cooldowns after `at`; see [`LeavingShares`]). An underwriter thus cannot wait, ready
	/// to leave at once, for a fault to happen: it must ask again and wait a new cooldown.
	pub fn expiry(at: BlockNumberFor<T>) -> BlockNumberFor<T> {
		Self::request_epoch(at)
			.saturating_add(3u32.into())
			.saturating_mul(T::UnderwriterCooldown::get().max(One::one()))
	}

	/// The epoch a withdrawal request executable from block `at` was made in (its shares are
	/// counted in that epoch's bucket of [`LeavingShares`]).
	pub(crate) fn request_epoch(at: BlockNumberFor<T>) -> BlockNumberFor<T> {
		Self::epoch(at.saturating_sub(T::UnderwriterCooldown::get()))
	}

	/// The capital that prices cover: that of the shares that have been in the pool for more
	/// than a cooldown and are not asked to be withdrawn by a request that can still be
	/// executed (see [`EpochShares`]). Capital that could leave soon still backs covers in
	/// full but cannot lower a premium.
	pub fn priced_capital(pool: &Pool<T>, now: BlockNumberFor<T>) -> BalanceOf<T> {
		if pool.total_shares.is_zero() {
			return Zero::zero();
		}
		let staying = pool
			.total_shares
			.saturating_sub(pool.fresh.at(Self::epoch(now)))
			.saturating_sub(pool.leaving.at(Self::epoch(now)));
		Self::ratio(pool.capital, staying, pool.total_shares, Rounding::Down).unwrap_or_default()
	}

	/// The utilization that prices cover: `locked` over the priced capital, full when there is
	/// none.
	pub(crate) fn priced_utilization(
		pool: &Pool<T>,
		locked: BalanceOf<T>,
		now: BlockNumberFor<T>,
	) -> Perbill {
		let priced = Self::priced_capital(pool, now);
		if priced.is_zero() {
			Perbill::one()
		} else {
			Perbill::from_rational(locked.min(priced), priced)
		}
	}

	/// `part / whole` of `amount`, rounded as asked.
	pub(crate) fn ratio(
		amount: BalanceOf<T>,
		part: BalanceOf<T>,
		whole: BalanceOf<T>,
		rounding: Rounding,
	) -> Result<BalanceOf<T>, DispatchError> {
		mul_div(amount, part, whole, rounding).ok_or_else(|| ArithmeticError::Overflow.into())
	}
}
