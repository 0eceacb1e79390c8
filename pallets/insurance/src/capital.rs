//! Underwriting: pools, deposits, and withdrawal requests that expire; capital stays while a claim
//! on it waits.

use alloc::vec::Vec;
use frame_support::{
	ensure,
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, Mutate, MutateHold},
		tokens::Preservation,
	},
};
use restaking_primitives::{
	insurance::{CoverId, PoolId},
	restaking::{ExitGuard, RestakingInterface, ServiceId},
};
use sp_arithmetic::Rounding;
use sp_runtime::{
	traits::{Saturating, Zero},
	DispatchError,
};

use sp_runtime::ArithmeticError;

use crate::{pallet::*, types::*, BalanceOf, BlockNumberFor};

impl<T: Config> Pallet<T> {
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
		let next = id
			.checked_add(1)
			.filter(|n| *n < PoolId::MAX)
			.ok_or(ArithmeticError::Overflow)?;
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
		pool.capital = pool.capital.checked_add(&amount).ok_or(ArithmeticError::Overflow)?;
		pool.total_shares =
			pool.total_shares.checked_add(&shares).ok_or(ArithmeticError::Overflow)?;
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
		Self::deposit_event(Event::WithdrawRequested {
			pool,
			who,
			shares,
			withdrawable_at: at,
			expires,
		});
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
	pub(crate) fn expired_of(
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
}
