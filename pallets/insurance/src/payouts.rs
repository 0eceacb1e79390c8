//! Payouts: an executed slash pays the covers on its target from their pools, topped up by the
//! reserve.

use alloc::{collections::btree_map::BTreeMap, vec::Vec};
use frame_support::{
	pallet_prelude::*,
	storage::with_storage_layer,
	traits::{
		fungible::{Inspect, Mutate},
		tokens::{Fortitude, Preservation},
	},
};
use restaking_primitives::{
	insurance::{CoverId, PoolId},
	restaking::RestakingInterface,
};
use sp_arithmetic::Rounding;
use sp_runtime::traits::{Saturating, Zero};

use crate::impls::RecordOf;
use crate::{pallet::*, types::*, BalanceOf};

impl<T: Config> Pallet<T> {
	/// Pay the covers matching an executed slash (see the crate docs).
	pub(crate) fn pay_covers(record: &RecordOf<T>) {
		let loss = record.from_pool;
		let ids = CoversOf::<T>::get(&record.operator, record.service);
		if loss.is_zero() || ids.is_empty() {
			return;
		}
		let mut pools: BTreeMap<PoolId, Pool<T>> = BTreeMap::new();
		let mut claims: Vec<(CoverId, Cover<T>, BalanceOf<T>)> = Vec::new();
		for id in ids {
			let Some(cover) = Covers::<T>::get(id) else { continue };
			if !cover.covers(record.requested_at) || cover.last_paid == Some(record.id) {
				continue;
			}
			let Some(pool) = pools.get(&cover.pool).cloned().or_else(|| {
				let mut pool = Pools::<T>::get(cover.pool)?;
				Self::recognize(cover.pool, &mut pool, Self::now(), true);
				Some(pool)
			}) else {
				continue;
			};
			let claim = cover.remaining.min(loss).saturating_sub(pool.deductible);
			pools.insert(cover.pool, pool);
			if !claim.is_zero() {
				claims.push((id, cover, claim));
			}
		}
		// All covers together pay at most the loss.
		let total = claims.iter().fold(BalanceOf::<T>::zero(), |acc, c| acc.saturating_add(c.2));
		if total > loss {
			for claim in claims.iter_mut() {
				claim.2 = Self::ratio(claim.2, loss, total, Rounding::Down).unwrap_or_default();
			}
		}
		// Each pool pays its covers, pro rata if its capital falls short. It is stored even
		// when it pays nothing: its premiums were recognized.
		for (pool_id, mut pool) in pools {
			Self::pay_pool(record, &claims, pool_id, &mut pool);
			Pools::<T>::insert(pool_id, pool);
		}
	}

	/// Pool `pool_id`'s part of a payout: its covers' claims, pro rata if its capital falls
	/// short, into the operator pool's compensation. The caller stores `pool`.
	pub(crate) fn pay_pool(
		record: &RecordOf<T>,
		claims: &[(CoverId, Cover<T>, BalanceOf<T>)],
		pool_id: PoolId,
		pool: &mut Pool<T>,
	) {
		let owed = claims
			.iter()
			.filter(|c| c.1.pool == pool_id)
			.fold(BalanceOf::<T>::zero(), |acc, c| acc.saturating_add(c.2));
		if owed.is_zero() {
			return;
		}
		let payable = owed.min(pool.capital);
		let mut pays: Vec<(CoverId, BalanceOf<T>)> = claims
			.iter()
			.filter(|c| c.1.pool == pool_id)
			.map(|c| {
				let pay = if payable < owed {
					Self::ratio(c.2, payable, owed, Rounding::Down).unwrap_or_default()
				} else {
					c.2
				};
				(c.0, pay)
			})
			.collect();
		pays.retain(|(_, pay)| !pay.is_zero());
		let paid = pays.iter().fold(BalanceOf::<T>::zero(), |acc, p| acc.saturating_add(p.1));
		if paid.is_zero() {
			return;
		}
		let account = Self::pool_account(pool_id);
		let compensated = with_storage_layer(|| {
			T::Restaking::compensate(&record.operator, &account, paid).map(|_| ())
		});
		if compensated.is_err() {
			// Nobody to compensate (the pool has no delegators left): nothing is paid.
			return;
		}
		for (id, pay) in pays {
			Covers::<T>::mutate(id, |cover| {
				if let Some(cover) = cover {
					cover.remaining = cover.remaining.saturating_sub(pay);
					cover.last_paid = Some(record.id);
				}
			});
			Self::deposit_event(Event::CoverPaid { cover: id, slash: record.id, amount: pay });
		}
		pool.capital = pool.capital.saturating_sub(paid);
		pool.locked = pool.locked.saturating_sub(paid);
		pool.paid_out = pool.paid_out.saturating_add(paid);
		Self::top_up(pool_id, pool, paid);
	}

	/// Let the reserve refund `ReserveCoverage` of `paid` to `pool`, as far as it can.
	pub(crate) fn top_up(pool_id: PoolId, pool: &mut Pool<T>, paid: BalanceOf<T>) {
		let reserve = Self::reserve_account();
		let available =
			T::Currency::reducible_balance(&reserve, Preservation::Preserve, Fortitude::Polite);
		let amount = T::ReserveCoverage::get().mul_floor(paid).min(available);
		if amount.is_zero() {
			return;
		}
		if T::Currency::transfer(
			&reserve,
			&Self::pool_account(pool_id),
			amount,
			Preservation::Preserve,
		)
		.is_ok()
		{
			pool.capital = pool.capital.saturating_add(amount);
			pool.top_ups = pool.top_ups.saturating_add(amount);
			Self::deposit_event(Event::PoolToppedUp { pool: pool_id, amount });
		}
	}
}
