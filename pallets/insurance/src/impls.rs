//! The insurance pallet's logic: pools, covers, payouts from executed slashes, the reserve,
//! views for the runtime API, and invariants.

use alloc::{collections::btree_map::BTreeMap, vec::Vec};
use frame_support::{
	ensure,
	pallet_prelude::*,
	storage::with_storage_layer,
	traits::{
		fungible::{Balanced, Inspect, Mutate, MutateHold},
		tokens::{Fortitude, Preservation},
		Imbalance, OnUnbalanced,
	},
};
use restaking_primitives::{
	insurance::{CoverId, CoverView, PoolId, PoolState},
	restaking::{ExitGuard, RestakingInterface, ServiceId},
	slashing::{OnSlashExecuted, SlashRecord},
};
use sp_arithmetic::{
	helpers_128bit::multiply_by_rational_with_rounding, traits::UniqueSaturatedInto, Rounding,
};
use sp_runtime::{
	traits::{AccountIdConversion, One, Saturating, Zero},
	DispatchError, PerThing, Perbill,
};

use crate::{pallet::*, types::*, weights::WeightInfo, BalanceOf, BlockNumberFor, CreditOf};

impl<T: Config> Pallet<T> {
	fn now() -> BlockNumberFor<T> {
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
	fn recognize(pool: PoolId, record: &mut Pool<T>, now: BlockNumberFor<T>, write: bool) {
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
	fn earn(pool: PoolId, record: &mut Pool<T>, amount: BalanceOf<T>, write: bool) {
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
	fn epoch(now: BlockNumberFor<T>) -> BlockNumberFor<T> {
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
	fn request_epoch(at: BlockNumberFor<T>) -> BlockNumberFor<T> {
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
	fn priced_utilization(pool: &Pool<T>, locked: BalanceOf<T>, now: BlockNumberFor<T>) -> Perbill {
		let priced = Self::priced_capital(pool, now);
		if priced.is_zero() {
			Perbill::one()
		} else {
			Perbill::from_rational(locked.min(priced), priced)
		}
	}

	/// `part / whole` of `amount`, rounded as asked.
	fn ratio(
		amount: BalanceOf<T>,
		part: BalanceOf<T>,
		whole: BalanceOf<T>,
		rounding: Rounding,
	) -> Result<BalanceOf<T>, DispatchError> {
		let (a, p, w): (u128, u128, u128) = (
			amount.unique_saturated_into(),
			part.unique_saturated_into(),
			whole.unique_saturated_into(),
		);
		multiply_by_rational_with_rounding(a, p, w, rounding)
			.and_then(|v| BalanceOf::<T>::try_from(v).ok())
			.ok_or_else(|| Error::<T>::Overflow.into())
	}

	pub(crate) fn do_create_pool(
		who: T::AccountId,
		services: Vec<ServiceId>,
		pricing: Pricing,
		deductible: BalanceOf<T>,
	) -> Result<PoolId, DispatchError> {
		let mut sorted = services.clone();
		sorted.sort_unstable();
		sorted.dedup();
		ensure!(
			!services.is_empty()
				&& sorted.len() == services.len()
				&& services.iter().all(|s| T::Restaking::service_is_live(*s)),
			Error::<T>::InvalidServices
		);
		let services: BoundedVec<_, T::MaxCoveredServices> =
			services.try_into().map_err(|_| Error::<T>::InvalidServices)?;
		ensure!(
			u64::from(pricing.base.deconstruct()) + u64::from(pricing.slope.deconstruct())
				<= u64::from(T::MaxRate::get().deconstruct()),
			Error::<T>::RateTooHigh
		);
		let id = NextPoolId::<T>::get();
		let next = id.checked_add(1).filter(|n| *n < PoolId::MAX).ok_or(Error::<T>::Overflow)?;
		let deposit = T::PoolDeposit::get();
		T::Currency::hold(&HoldReason::PoolDeposit.into(), &who, deposit)?;
		// The pool account lives on one existential deposit from its creator, so that capital
		// can always leave in full.
		T::Currency::transfer(
			&who,
			&Self::pool_account(id),
			T::Currency::minimum_balance(),
			Preservation::Preserve,
		)?;
		NextPoolId::<T>::put(next);
		Pools::<T>::insert(
			id,
			Pool {
				owner: who.clone(),
				deposit,
				services: services.clone(),
				pricing,
				deductible,
				capital: Zero::zero(),
				unearned: Zero::zero(),
				total_shares: Zero::zero(),
				locked: Zero::zero(),
				deposited: Zero::zero(),
				withdrawn: Zero::zero(),
				premiums: Zero::zero(),
				paid_out: Zero::zero(),
				top_ups: Zero::zero(),
				refunded: Zero::zero(),
				fresh: Default::default(),
				leaving: Default::default(),
			},
		);
		Self::deposit_event(Event::PoolCreated { pool: id, owner: who, services: services.into() });
		Ok(id)
	}

	pub(crate) fn do_deposit(
		who: T::AccountId,
		pool_id: PoolId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		let mut pool = Pools::<T>::get(pool_id).ok_or(Error::<T>::UnknownPool)?;
		ensure!(!amount.is_zero() && amount >= T::MinDeposit::get(), Error::<T>::AmountTooLow);
		// At today's price a deposit would take part of a waiting claim off the underwriters.
		ensure!(!Self::pool_claim_waits(pool_id), Error::<T>::ClaimPending);
		// Shares are priced on the premiums earned so far, none of those still to come.
		Self::recognize(pool_id, &mut pool, Self::now(), true);
		let shares = if pool.total_shares.is_zero() {
			amount
		} else {
			ensure!(!pool.capital.is_zero(), Error::<T>::PoolDepleted);
			Self::ratio(amount, pool.total_shares, pool.capital, Rounding::Down)?
		};
		ensure!(!shares.is_zero(), Error::<T>::AmountTooLow);
		T::Currency::transfer(&who, &Self::pool_account(pool_id), amount, Preservation::Preserve)?;
		pool.capital = pool.capital.checked_add(&amount).ok_or(Error::<T>::Overflow)?;
		pool.total_shares = pool.total_shares.checked_add(&shares).ok_or(Error::<T>::Overflow)?;
		pool.deposited = pool.deposited.saturating_add(amount);
		pool.fresh.add(Self::epoch(Self::now()), shares);
		Positions::<T>::mutate(pool_id, &who, |position| {
			let position = position.get_or_insert_with(Default::default);
			position.shares = position.shares.saturating_add(shares);
			position.fresh.add(Self::epoch(Self::now()), shares);
		});
		Pools::<T>::insert(pool_id, pool);
		Self::deposit_event(Event::Deposited { pool: pool_id, who, amount, shares });
		Ok(())
	}

	pub(crate) fn do_request_withdraw(
		who: T::AccountId,
		pool: PoolId,
		shares: BalanceOf<T>,
	) -> DispatchResult {
		let mut record = Pools::<T>::get(pool).ok_or(Error::<T>::UnknownPool)?;
		let mut position = Positions::<T>::get(pool, &who).ok_or(Error::<T>::NoPosition)?;
		ensure!(!shares.is_zero(), Error::<T>::AmountTooLow);
		// An expired request is replaced; its shares already price cover again.
		ensure!(
			position.unbonding.is_none_or(|(_, at)| Self::now() >= Self::expiry(at)),
			Error::<T>::WithdrawalPending
		);
		ensure!(shares <= position.shares, Error::<T>::InsufficientShares);
		let at = Self::now().saturating_add(T::UnderwriterCooldown::get());
		position.unbonding = Some((shares, at));
		// Fresh shares asked to be withdrawn count as leaving, no longer as fresh (the oldest
		// first), so that nothing is left out of the priced capital twice.
		let epoch = Self::epoch(Self::now());
		let parts = position.fresh.take(epoch, shares);
		record.fresh.remove(epoch, parts);
		record.leaving.add(epoch, shares);
		Positions::<T>::insert(pool, &who, position);
		Pools::<T>::insert(pool, record);
		let expires = Self::expiry(at);
		Self::deposit_event(Event::WithdrawRequested { pool, who, shares, at, expires });
		Ok(())
	}

	pub(crate) fn do_withdraw(who: T::AccountId, pool_id: PoolId) -> DispatchResult {
		let mut pool = Pools::<T>::get(pool_id).ok_or(Error::<T>::UnknownPool)?;
		let mut position = Positions::<T>::get(pool_id, &who).ok_or(Error::<T>::NoPosition)?;
		let (shares, at) = position.unbonding.ok_or(Error::<T>::NoWithdrawal)?;
		ensure!(Self::now() >= at, Error::<T>::CooldownNotOver);
		ensure!(Self::now() < Self::expiry(at), Error::<T>::WithdrawalExpired);
		Self::release_expired(pool_id, &mut pool);
		// Capital that backs a waiting claim stays, whatever the cooldown.
		ensure!(!Self::pool_claim_waits(pool_id), Error::<T>::ClaimPending);
		let amount = Self::ratio(pool.capital, shares, pool.total_shares, Rounding::Down)?;
		ensure!(amount <= pool.free(), Error::<T>::CapitalLocked);
		T::Currency::transfer(&Self::pool_account(pool_id), &who, amount, Preservation::Preserve)?;
		pool.capital = pool.capital.saturating_sub(amount);
		pool.total_shares = pool.total_shares.saturating_sub(shares);
		pool.leaving
			.remove_of(Self::epoch(Self::now()), Self::request_epoch(at), shares);
		pool.withdrawn = pool.withdrawn.saturating_add(amount);
		position.shares = position.shares.saturating_sub(shares);
		position.unbonding = None;
		if position.shares.is_zero() {
			Positions::<T>::remove(pool_id, &who);
		} else {
			Positions::<T>::insert(pool_id, &who, position);
		}
		Pools::<T>::insert(pool_id, pool);
		Self::deposit_event(Event::Withdrawn { pool: pool_id, who, amount, shares });
		Ok(())
	}

	/// Whether a slash `cover` may have to pay waits: the requests waiting on its target were
	/// made over a range of blocks that meets the cover's `[start, end)`, and it has something
	/// left to pay. A cover bought after every waiting request can pay none of them.
	pub(crate) fn claim_waits(cover: &Cover<T>) -> bool {
		!cover.remaining.is_zero()
			&& T::SlashGuard::waiting_requests(&cover.operator, cover.service)
				.is_some_and(|(first, latest)| first < cover.end && latest >= cover.start)
	}

	/// Whether a slash a cover of `pool` may have to pay waits (no capital enters or leaves
	/// the pool meanwhile).
	pub fn pool_claim_waits(pool: PoolId) -> bool {
		PoolCovers::<T>::get(pool)
			.into_iter()
			.filter_map(Covers::<T>::get)
			.any(|cover| Self::claim_waits(&cover))
	}

	/// Remaining amounts of `pool`'s covers that are past their end and grace at `now` and
	/// that no waiting slash may still claim.
	fn expired_of(
		pool: PoolId,
		now: BlockNumberFor<T>,
	) -> (Vec<(CoverId, Cover<T>)>, BalanceOf<T>) {
		let mut freed = BalanceOf::<T>::zero();
		let expired: Vec<_> = PoolCovers::<T>::get(pool)
			.into_iter()
			.filter_map(|id| Covers::<T>::get(id).map(|c| (id, c)))
			.filter(|(_, c)| c.end.saturating_add(T::ClaimGrace::get()) <= now)
			.filter(|(_, c)| !Self::claim_waits(c))
			.inspect(|(_, c)| freed = freed.saturating_add(c.remaining))
			.collect();
		(expired, freed)
	}

	/// Recognize the premiums `pool`'s covers have earned, then release its covers past their
	/// end and grace: their remaining amounts become free capital. The caller stores `record`.
	pub(crate) fn release_expired(pool_id: PoolId, record: &mut Pool<T>) {
		Self::recognize(pool_id, record, Self::now(), true);
		let (expired, freed) = Self::expired_of(pool_id, Self::now());
		if expired.is_empty() {
			return;
		}
		record.locked = record.locked.saturating_sub(freed);
		PoolCovers::<T>::mutate(pool_id, |ids| {
			ids.retain(|id| !expired.iter().any(|(e, _)| e == id))
		});
		for (id, cover) in expired {
			Covers::<T>::remove(id);
			CoversOf::<T>::mutate(&cover.operator, cover.service, |ids| ids.retain(|c| *c != id));
			Self::deposit_event(Event::CoverReleased { cover: id, unused: cover.remaining });
		}
	}

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
	fn rank(
		cover: &Cover<T>,
		deductible: BalanceOf<T>,
		now: BlockNumberFor<T>,
	) -> (BalanceOf<T>, BlockNumberFor<T>) {
		(cover.remaining.saturating_sub(deductible), cover.end.saturating_sub(now.max(cover.start)))
	}

	/// The lowest-ranked cover of a target's `ids` (ties: the oldest) that ranks below `than`
	/// and that no waiting slash may claim, or `TooManyCovers`.
	fn weakest(
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
	fn ended(
		ids: impl Iterator<Item = CoverId>,
		now: BlockNumberFor<T>,
	) -> Result<(CoverId, Cover<T>), DispatchError> {
		ids.filter_map(|id| Covers::<T>::get(id).map(|cover| (id, cover)))
			.find(|(_, cover)| cover.end <= now && !Self::claim_waits(cover))
			.ok_or_else(|| Error::<T>::TooManyCovers.into())
	}

	/// The first block a cover sold now covers: this one, unless a slash of its target was
	/// already requested in it (a cover is never bought for a known request).
	fn start_of(
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
		let locked = after.locked.checked_add(&amount).ok_or(Error::<T>::Overflow)?;
		ensure!(locked <= after.capital, Error::<T>::InsufficientCapacity);
		let rate = after.pricing.rate(Self::priced_utilization(&after, locked, now));
		let period: u128 = period.unique_saturated_into();
		let per_block = u128::from(rate.deconstruct());
		let numerator = per_block.checked_mul(period).ok_or(Error::<T>::Overflow)?;
		let premium = multiply_by_rational_with_rounding(
			amount.unique_saturated_into(),
			numerator,
			u128::from(Perbill::ACCURACY),
			Rounding::Up,
		)
		.and_then(|p| BalanceOf::<T>::try_from(p).ok())
		.ok_or(Error::<T>::Overflow)?;
		Ok(Sale { premium, evicted: evicted.into_iter().map(|(id, _)| id).collect() })
	}

	/// Remove cover `id` to make room for cover `by`: its lock goes back to its pool's free
	/// capital and its buyer gets the premium its pool has not earned yet back. `record` is
	/// pool `pool_id`'s record (premiums recognized), stored by the caller; another pool is
	/// brought up to date and stored here.
	fn evict(id: CoverId, by: CoverId, pool_id: PoolId, record: &mut Pool<T>) -> DispatchResult {
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
	fn pay_pool(
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
	fn top_up(pool_id: PoolId, pool: &mut Pool<T>, paid: BalanceOf<T>) {
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

	pub(crate) fn build_genesis(config: &GenesisConfig<T>) -> DispatchResult {
		for (owner, services, base, slope, deductible) in config.pools.iter().cloned() {
			Self::do_create_pool(owner, services, Pricing { base, slope }, deductible)?;
		}
		for (pool, who, amount) in config.deposits.iter().cloned() {
			Self::do_deposit(who, pool, amount)?;
		}
		// Nobody can deposit just in time before genesis: its capital prices cover at once.
		Pools::<T>::translate_values(|mut pool: Pool<T>| {
			pool.fresh = Default::default();
			Some(pool)
		});
		Positions::<T>::translate_values(|mut position: Position<T>| {
			position.fresh = Default::default();
			Some(position)
		});
		for (pool, buyer, operator, service, amount, period) in config.covers.iter().cloned() {
			Self::do_buy_cover(buyer, pool, operator, service, amount, period)?;
		}
		Ok(())
	}

	pub(crate) fn check_constants() {
		assert!(
			T::MinDeposit::get() >= T::Currency::minimum_balance(),
			"MinDeposit must be at least the existential deposit"
		);
		assert!(!T::MinCover::get().is_zero(), "MinCover must be positive");
		assert!(!T::MinCoverPeriod::get().is_zero(), "MinCoverPeriod must be positive");
		assert!(
			T::MinCoverPeriod::get() <= T::MaxCoverPeriod::get(),
			"MinCoverPeriod above MaxCoverPeriod"
		);
		assert!(!T::MaxRate::get().is_zero(), "MaxRate must be positive");
		assert!(T::MaxCoveredServices::get() > 0, "MaxCoveredServices must be positive");
		assert!(T::MaxCoversPerPool::get() > 0, "MaxCoversPerPool must be positive");
		assert!(T::MaxCoversPerTarget::get() > 0, "MaxCoversPerTarget must be positive");
	}

	// ---- views for the runtime API ----

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

	/// Every invariant of the pallet's storage (native builds and `try-runtime`).
	#[cfg(any(feature = "try-runtime", feature = "std"))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::traits::fungible::InspectHold;

		let ed = T::Currency::minimum_balance();
		let mut held: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (id, pool) in Pools::<T>::iter() {
			ensure!(
				T::Currency::balance(&Self::pool_account(id))
					== pool.capital.saturating_add(pool.unearned).saturating_add(ed),
				"pool account differs from its capital and unearned premiums"
			);
			ensure!(
				pool.capital.saturating_add(pool.paid_out).saturating_add(pool.withdrawn)
					== pool.deposited.saturating_add(pool.premiums).saturating_add(pool.top_ups),
				"capital + paid + withdrawn != deposited + premiums + top-ups"
			);
			ensure!(pool.locked <= pool.capital, "locked cover above capital");
			let (mut locked, mut unearned) = (BalanceOf::<T>::zero(), BalanceOf::<T>::zero());
			for cover_id in PoolCovers::<T>::get(id) {
				let cover = Covers::<T>::get(cover_id).ok_or("pool lists an unknown cover")?;
				ensure!(cover.pool == id, "cover listed under another pool");
				ensure!(cover.remaining <= cover.amount, "cover pays more than its amount");
				ensure!(
					CoversOf::<T>::get(&cover.operator, cover.service).contains(&cover_id),
					"cover missing from its target's list"
				);
				ensure!(cover.recognized <= cover.premium, "more premium earned than paid");
				locked = locked.saturating_add(cover.remaining);
				unearned = unearned.saturating_add(cover.premium.saturating_sub(cover.recognized));
			}
			ensure!(pool.locked == locked, "locked differs from the covers' remaining amounts");
			ensure!(pool.unearned == unearned, "unearned differs from the covers' premiums");
			let shares = Positions::<T>::iter_prefix_values(id)
				.fold(BalanceOf::<T>::zero(), |acc, p| acc.saturating_add(p.shares));
			ensure!(pool.total_shares == shares, "pool shares differ from the positions'");
			let owner = held.entry(pool.owner.clone()).or_default();
			*owner = owner.saturating_add(pool.deposit);
		}
		let epoch = Self::epoch(Self::now());
		let mut tallies: BTreeMap<PoolId, (BalanceOf<T>, BalanceOf<T>)> = BTreeMap::new();
		// Per pool and epoch of request: shares asked for by requests not expired.
		let mut requests: BTreeMap<(PoolId, BlockNumberFor<T>), BalanceOf<T>> = BTreeMap::new();
		for (pool, _, position) in Positions::<T>::iter() {
			ensure!(!position.shares.is_zero(), "an empty position is kept");
			let (leaving, fresh) = tallies.entry(pool).or_default();
			let unbonding = position.unbonding.map_or_else(Zero::zero, |(shares, _)| shares);
			ensure!(unbonding <= position.shares, "unbonding more shares than held");
			ensure!(
				position.fresh.at(epoch).saturating_add(unbonding) <= position.shares,
				"a position's fresh and leaving shares exceed its shares"
			);
			if let Some((shares, at)) = position.unbonding {
				if Self::now() < Self::expiry(at) {
					*leaving = leaving.saturating_add(shares);
					let of = requests.entry((pool, Self::request_epoch(at))).or_default();
					*of = of.saturating_add(shares);
				}
			}
			*fresh = fresh.saturating_add(position.fresh.at(epoch));
		}
		for (id, pool) in Pools::<T>::iter() {
			let (leaving, fresh) = tallies.remove(&id).unwrap_or_default();
			ensure!(
				leaving == pool.leaving.at(epoch),
				"leaving differs from the unexpired withdrawal requests"
			);
			for ((_, requested), shares) in requests.range((id, Zero::zero())..=(id, epoch)) {
				ensure!(
					pool.leaving.of(epoch, *requested) == *shares,
					"leaving differs from the requests of its epoch"
				);
			}
			ensure!(
				fresh == pool.fresh.at(epoch),
				"fresh differs from the positions' fresh shares"
			);
		}
		ensure!(tallies.is_empty(), "positions in an unknown pool");
		for (id, cover) in Covers::<T>::iter() {
			ensure!(
				PoolCovers::<T>::get(cover.pool).contains(&id),
				"cover outside its pool's list"
			);
		}
		for (owner, deposit) in held {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::PoolDeposit.into(), &owner) == deposit,
				"held pool deposits differ"
			);
		}
		Ok(())
	}
}

/// A slash record, for a runtime.
pub type RecordOf<T> =
	SlashRecord<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

impl<T: Config> OnSlashExecuted<T::AccountId, BalanceOf<T>, BlockNumberFor<T>> for Pallet<T> {
	fn on_slash_executed(record: &RecordOf<T>) {
		Self::pay_covers(record);
	}

	fn max_weight() -> Weight {
		T::WeightInfo::payout(T::MaxCoversPerTarget::get(), 0)
	}
}

/// Routes realized slash funds: `Share` of them to the insurance reserve, the rest to `Rest`.
/// Funds too small to open the reserve account go to `Rest` too.
pub struct FeedReserve<T, Share, Rest>(core::marker::PhantomData<(T, Share, Rest)>);

impl<T: Config, Share: Get<Perbill>, Rest: OnUnbalanced<CreditOf<T>>> OnUnbalanced<CreditOf<T>>
	for FeedReserve<T, Share, Rest>
{
	fn on_nonzero_unbalanced(credit: CreditOf<T>) {
		let to_reserve = Share::get().mul_floor(credit.peek());
		let (reserve, rest) = credit.split(to_reserve);
		let unplaced = T::Currency::resolve(&Pallet::<T>::reserve_account(), reserve).err();
		Rest::on_unbalanced(rest);
		if let Some(unplaced) = unplaced {
			Rest::on_unbalanced(unplaced);
		}
	}
}
