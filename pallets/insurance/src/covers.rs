//! Covers: quotes, the sale with its eviction rules, and buying.

use alloc::vec::Vec;
use frame_support::{
	ensure,
	pallet_prelude::*,
	storage::with_storage_layer,
	traits::{fungible::Mutate, tokens::Preservation},
};
use restaking_primitives::{
	insurance::{CoverId, PoolId},
	restaking::{ExitGuard, RestakingInterface, ServiceId},
};
use sp_arithmetic::{traits::UniqueSaturatedInto, Rounding};
use sp_runtime::{
	traits::{One, Saturating, Zero},
	DispatchError, PerThing, Perbill,
};

use sp_runtime::ArithmeticError;

use crate::{pallet::*, types::*, BalanceOf, BlockNumberFor};
use restaking_primitives::arithmetic::mul_div;

impl<T: Config> Pallet<T> {
	/// The premium for `amount` of cover over `period` blocks from `pool` as it stands, or
	/// why the cover cannot be sold: what [`Pallet::buy_cover`] charges in the same block.
	pub fn quote(
		pool_id: PoolId,
		operator: &T::AccountId,
		service: ServiceId,
		amount: BalanceOf<T>,
		period: BlockNumberFor<T>,
	) -> Result<BalanceOf<T>, DispatchError> {
		Self::sale(pool_id, operator, service, amount, period, Self::now()).map(|sale| sale.premium)
	}

	/// [`Self::quote`] for a sale in the next block, as nothing else changed the pool first:
	/// what the runtime API answers, since a call a client submits now executes there (a
	/// pool's premiums are earned block by block, so its price moves a little every block).
	pub fn quote_next_block(
		pool_id: PoolId,
		operator: &T::AccountId,
		service: ServiceId,
		amount: BalanceOf<T>,
		period: BlockNumberFor<T>,
	) -> Result<BalanceOf<T>, DispatchError> {
		let next = Self::now().saturating_add(One::one());
		Self::sale(pool_id, operator, service, amount, period, next).map(|sale| sale.premium)
	}

	/// How a cover ranks for a place on a full list of covers: what it can still pay per
	/// slash, `remaining − deductible`, then the blocks it still runs. A new cover takes the
	/// place of the lowest-ranked one only if it ranks higher, so an eviction never lowers
	/// the protection a slash finds on the target.
	pub(crate) fn rank(
		cover: &Cover<T>,
		deductible: BalanceOf<T>,
		now: BlockNumberFor<T>,
	) -> (BalanceOf<T>, BlockNumberFor<T>) {
		(cover.remaining.saturating_sub(deductible), cover.end.saturating_sub(now.max(cover.start)))
	}

	/// The lowest-ranked cover of a target's `ids` (ties: the oldest) that ranks below `than`
	/// and that no waiting slash may claim, or `TooManyCovers`.
	pub(crate) fn weakest(
		ids: impl Iterator<Item = CoverId>,
		than: (BalanceOf<T>, BlockNumberFor<T>),
		now: BlockNumberFor<T>,
	) -> Result<(CoverId, Cover<T>), DispatchError> {
		ids.filter_map(|id| Covers::<T>::get(id).map(|cover| (id, cover)))
			.filter(|(_, cover)| !Self::claim_waits(cover))
			.filter_map(|(id, cover)| {
				let deductible = Pools::<T>::get(cover.pool)?.deductible;
				Some((Self::rank(&cover, deductible, now), id, cover))
			})
			.filter(|(rank, _, _)| *rank < than)
			.min_by_key(|(rank, id, _)| (*rank, *id))
			.map(|(_, id, cover)| (id, cover))
			.ok_or_else(|| Error::<T>::TooManyCovers.into())
	}

	/// The oldest cover of a pool's `ids` that covers nothing any more (it has ended) and
	/// that no waiting slash may claim, or `TooManyCovers`. A pool's full list only makes
	/// room this way: evicting a running cover there would take protection off another
	/// target.
	pub(crate) fn ended(
		ids: impl Iterator<Item = CoverId>,
		now: BlockNumberFor<T>,
	) -> Result<(CoverId, Cover<T>), DispatchError> {
		ids.filter_map(|id| Covers::<T>::get(id).map(|cover| (id, cover)))
			.find(|(_, cover)| cover.end <= now && !Self::claim_waits(cover))
			.ok_or_else(|| Error::<T>::TooManyCovers.into())
	}

	/// The first block a cover sold now covers: this one, unless a slash of its target was
	/// already requested in it (a cover is never bought for a known request).
	pub(crate) fn start_of(
		operator: &T::AccountId,
		service: ServiceId,
		now: BlockNumberFor<T>,
	) -> BlockNumberFor<T> {
		let requested_now = T::SlashGuard::waiting_requests(operator, service)
			.is_some_and(|(_, latest)| latest >= now);
		if requested_now {
			now.saturating_add(One::one())
		} else {
			now
		}
	}

	/// Price a cover sold in block `now` and find the covers it takes the place of (see
	/// [`Sale`]).
	pub(crate) fn sale(
		pool_id: PoolId,
		operator: &T::AccountId,
		service: ServiceId,
		amount: BalanceOf<T>,
		period: BlockNumberFor<T>,
		now: BlockNumberFor<T>,
	) -> Result<Sale<T>, DispatchError> {
		let pool = Pools::<T>::get(pool_id).ok_or(Error::<T>::UnknownPool)?;
		ensure!(!amount.is_zero() && amount >= T::MinCover::get(), Error::<T>::AmountTooLow);
		ensure!(
			amount.saturating_sub(pool.deductible) >= T::MinCover::get(),
			Error::<T>::CoverWorthless
		);
		ensure!(
			period >= T::MinCoverPeriod::get() && period <= T::MaxCoverPeriod::get(),
			Error::<T>::InvalidPeriod
		);
		ensure!(pool.services.contains(&service), Error::<T>::ServiceNotCovered);
		let (self_bond, delegated) =
			T::Restaking::slashable_stake(operator, service).ok_or(Error::<T>::NotAllocated)?;
		ensure!(!self_bond.saturating_add(delegated).is_zero(), Error::<T>::NotAllocated);
		let (expired, freed) = Self::expired_of(pool_id, now);
		let released = |id: &CoverId| expired.iter().any(|(e, _)| e == id);
		let rank = (amount.saturating_sub(pool.deductible), period);
		// Room on the target, then in the pool (a cover evicted for the first may make both).
		let mut evicted: Vec<(CoverId, Cover<T>)> = Vec::new();
		let target: Vec<CoverId> = CoversOf::<T>::get(operator, service)
			.into_iter()
			.filter(|id| !released(id))
			.collect();
		if target.len() >= T::MaxCoversPerTarget::get() as usize {
			evicted.push(Self::weakest(target.into_iter(), rank, now)?);
		}
		let taken = |id: &CoverId| evicted.iter().any(|(e, _)| e == id);
		let listed: Vec<CoverId> = PoolCovers::<T>::get(pool_id)
			.into_iter()
			.filter(|id| !released(id) && !taken(id))
			.collect();
		if listed.len() >= T::MaxCoversPerPool::get() as usize {
			evicted.push(Self::ended(listed.into_iter(), now)?);
		}
		// The pool as the sale finds it: premiums earned so far recognized, expired covers
		// released, evicted ones of its own unlocked (their refunds come out of `unearned`).
		let mut after = pool;
		Self::recognize(pool_id, &mut after, now, false);
		after.locked = after.locked.saturating_sub(freed);
		for (_, cover) in evicted.iter().filter(|(_, c)| c.pool == pool_id) {
			after.locked = after.locked.saturating_sub(cover.remaining);
		}
		let locked = after.locked.checked_add(&amount).ok_or(ArithmeticError::Overflow)?;
		ensure!(locked <= after.capital, Error::<T>::InsufficientCapacity);
		let rate = after.pricing.rate(Self::priced_utilization(&after, locked, now));
		let period: u128 = period.unique_saturated_into();
		let per_block = u128::from(rate.deconstruct());
		let numerator = per_block.checked_mul(period).ok_or(ArithmeticError::Overflow)?;
		let premium = mul_div(amount, numerator, Perbill::ACCURACY, Rounding::Up)
			.ok_or(ArithmeticError::Overflow)?;
		Ok(Sale { premium, evicted: evicted.into_iter().map(|(id, _)| id).collect() })
	}

	/// Remove cover `id` to make room for cover `by`: its lock goes back to its pool's free
	/// capital and its buyer gets the premium its pool has not earned yet back. `record` is
	/// pool `pool_id`'s record (premiums recognized), stored by the caller; another pool is
	/// brought up to date and stored here.
	pub(crate) fn evict(
		id: CoverId,
		by: CoverId,
		pool_id: PoolId,
		record: &mut Pool<T>,
	) -> DispatchResult {
		let cover = Covers::<T>::get(id).ok_or(Error::<T>::TooManyCovers)?;
		let mut other = None;
		let pool = if cover.pool == pool_id {
			record
		} else {
			let pool = other.insert(Pools::<T>::get(cover.pool).ok_or(Error::<T>::UnknownPool)?);
			Self::recognize(cover.pool, pool, Self::now(), true);
			pool
		};
		// Re-read: recognizing the other pool's premiums updated the cover.
		let cover = Covers::<T>::take(id).ok_or(Error::<T>::TooManyCovers)?;
		let unused = cover.premium.saturating_sub(cover.recognized).min(pool.unearned);
		let paid_back = !unused.is_zero()
			&& with_storage_layer(|| {
				T::Currency::transfer(
					&Self::pool_account(cover.pool),
					&cover.buyer,
					unused,
					Preservation::Preserve,
				)
			})
			.is_ok();
		let refund = if paid_back {
			pool.unearned = pool.unearned.saturating_sub(unused);
			pool.refunded = pool.refunded.saturating_add(unused);
			unused
		} else {
			// The buyer cannot take it (a reaped account and less than the existential
			// deposit): its pool earns it, and the sale goes on.
			Self::earn(cover.pool, pool, unused, true);
			Zero::zero()
		};
		pool.locked = pool.locked.saturating_sub(cover.remaining);
		if let Some(pool) = other {
			Pools::<T>::insert(cover.pool, pool);
		}
		PoolCovers::<T>::mutate(cover.pool, |ids| ids.retain(|c| *c != id));
		CoversOf::<T>::mutate(&cover.operator, cover.service, |ids| ids.retain(|c| *c != id));
		Self::deposit_event(Event::CoverEvicted { cover: id, by, refund });
		Ok(())
	}

	pub(crate) fn do_buy_cover(
		buyer: T::AccountId,
		pool_id: PoolId,
		operator: T::AccountId,
		service: ServiceId,
		amount: BalanceOf<T>,
		period: BlockNumberFor<T>,
	) -> Result<CoverId, DispatchError> {
		let Sale { premium, evicted } =
			Self::sale(pool_id, &operator, service, amount, period, Self::now())?;
		let mut pool = Pools::<T>::get(pool_id).ok_or(Error::<T>::UnknownPool)?;
		Self::release_expired(pool_id, &mut pool);
		let id = NextCoverId::<T>::get();
		for victim in evicted {
			Self::evict(victim, id, pool_id, &mut pool)?;
		}
		PoolCovers::<T>::try_mutate(pool_id, |ids| ids.try_push(id))
			.map_err(|_| Error::<T>::TooManyCovers)?;
		CoversOf::<T>::try_mutate(&operator, service, |ids| ids.try_push(id))
			.map_err(|_| Error::<T>::TooManyCovers)?;
		if !premium.is_zero() {
			T::Currency::transfer(
				&buyer,
				&Self::pool_account(pool_id),
				premium,
				Preservation::Preserve,
			)?;
		}
		// Earned over the cover's period (see `recognize`).
		pool.unearned = pool.unearned.saturating_add(premium);
		pool.locked = pool.locked.saturating_add(amount);
		// Cover starts in the block of the sale, unless a slash of the target was requested
		// in it already: a slash requested after the sale in its block is covered (so no cover
		// evicted for this one leaves a gap), one requested before it is not.
		let start = Self::start_of(&operator, service, Self::now());
		let end = start.saturating_add(period);
		NextCoverId::<T>::put(id.saturating_add(1));
		Covers::<T>::insert(
			id,
			Cover {
				pool: pool_id,
				buyer,
				operator: operator.clone(),
				service,
				remaining: amount,
				amount,
				premium,
				recognized: Zero::zero(),
				start,
				end,
				last_paid: None,
			},
		);
		Pools::<T>::insert(pool_id, pool);
		Self::deposit_event(Event::CoverBought {
			cover: id,
			pool: pool_id,
			operator,
			service,
			amount,
			premium,
			end,
		});
		Ok(id)
	}
}
