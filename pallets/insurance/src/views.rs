//! Views for the runtime API.

use alloc::vec::Vec;
use restaking_primitives::{
	api::Page,
	insurance::{CoverView, PoolId, PoolState},
	restaking::ServiceId,
};
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill,
};

use crate::{pallet::*, BalanceOf, BlockNumberFor};

impl<T: Config> Pallet<T> {
	/// Pools after `after` (from the first if `None`), with their figures.
	pub fn pools_page(
		after: Option<PoolId>,
		count: u32,
	) -> Page<PoolId, PoolState<T::AccountId, BalanceOf<T>>> {
		let keys = match after {
			Some(id) => Pools::<T>::iter_keys_from(Pools::<T>::hashed_key_for(id)),
			None => Pools::<T>::iter_keys(),
		};
		Page::collect(keys, count, |id| Self::pool_state(*id))
	}

	/// A pool's figures, `None` if unknown.
	pub fn pool_state(pool_id: PoolId) -> Option<PoolState<T::AccountId, BalanceOf<T>>> {
		let mut pool = Pools::<T>::get(pool_id)?;
		let now = Self::now();
		Self::recognize(pool_id, &mut pool, now, false);
		let (_, freed) = Self::expired_of(pool_id, now);
		let locked = pool.locked.saturating_sub(freed);
		let priced_capital = Self::priced_capital(&pool, now);
		let utilization = if locked.is_zero() {
			Perbill::zero()
		} else {
			Self::priced_utilization(&pool, locked, now)
		};
		Some(PoolState {
			owner: pool.owner.clone(),
			services: pool.services.to_vec(),
			capital: pool.capital,
			priced_capital,
			locked,
			utilization,
			rate_per_block: pool.pricing.rate(utilization),
			deductible: pool.deductible,
			total_shares: pool.total_shares,
			premiums: pool.premiums,
			unearned: pool.unearned,
			paid_out: pool.paid_out,
			top_ups: pool.top_ups,
			covers: PoolCovers::<T>::decode_len(pool_id).unwrap_or_default() as u32,
		})
	}

	/// Covers on `(operator, service)` not yet released.
	pub fn covers_of(
		operator: &T::AccountId,
		service: ServiceId,
	) -> Vec<CoverView<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		CoversOf::<T>::get(operator, service)
			.into_iter()
			.filter_map(|id| {
				Covers::<T>::get(id).map(|c| CoverView {
					id,
					pool: c.pool,
					buyer: c.buyer,
					amount: c.amount,
					remaining: c.remaining,
					premium: c.premium,
					start: c.start,
					end: c.end,
				})
			})
			.collect()
	}
}
