//! Writing a staker's ledger and its operator's pool back: checkpoints, freezes, realizing and
//! collecting pending losses, and debts.

use frame_support::{
	defensive,
	dispatch::DispatchResult,
	ensure,
	traits::{
		fungible::{Balanced, Inspect, MutateFreeze},
		tokens::{Fortitude, Precision, Preservation},
		Imbalance, OnUnbalanced,
	},
};
use restaking_primitives::restaking::{ExitGuard, ServiceId, StakingExtension};
use sp_arithmetic::{
	traits::{Saturating, Zero},
	FixedU128, Perquintill,
};
use sp_runtime::DispatchError;

use crate::{pallet::*, types::*, BalanceOf, BlockNumberFor, CreditOf};

/// An operator's record loaded for a change. [`TotalRestaked`] counts the stake the record had
/// when it was loaded; [`PoolEntry::commit`] writes the record back and moves [`TotalRestaked`]
/// by the change since, so no caller has to carry the stake it started from.
pub(crate) struct PoolEntry<T: Config> {
	operator: T::AccountId,
	pool: Operator<T>,
	counted: BalanceOf<T>,
}

impl<T: Config> PoolEntry<T> {
	/// Load `operator`'s record; `None` when it is not an operator.
	pub(crate) fn load(operator: &T::AccountId) -> Option<Self> {
		let pool = Operators::<T>::get(operator)?;
		let counted = pool.restaked();
		Some(Self { operator: operator.clone(), pool, counted })
	}

	/// A record new to storage: [`TotalRestaked`] counts none of its stake yet.
	pub(crate) fn new(operator: T::AccountId, pool: Operator<T>) -> Self {
		Self { operator, pool, counted: Zero::zero() }
	}

	/// The stake [`TotalRestaked`] counts for this pool until it is committed.
	pub(crate) fn counted(&self) -> BalanceOf<T> {
		self.counted
	}

	/// Write the record back and move [`TotalRestaked`] by the change of its stake; returns the
	/// record as written.
	pub(crate) fn commit(self) -> Operator<T> {
		let Self { operator, pool, counted } = self;
		let stake = pool.restaked();
		TotalRestaked::<T>::mutate(|total| {
			*total = total.saturating_sub(counted).saturating_add(stake);
		});
		Operators::<T>::insert(&operator, &pool);
		pool
	}

	/// Remove the record and its yield history, and its stake from [`TotalRestaked`].
	pub(crate) fn remove(self) {
		TotalRestaked::<T>::mutate(|total| *total = total.saturating_sub(self.counted));
		Operators::<T>::remove(&self.operator);
		PoolHistory::<T>::remove(&self.operator);
	}

	/// Write `staker`'s ledger back (see [`Pallet::put_staker`]), then this record.
	pub(crate) fn commit_with(
		mut self,
		staker: &T::AccountId,
		ledger: StakerLedger<T>,
	) -> Result<Operator<T>, DispatchError> {
		Pallet::<T>::put_staker(staker, ledger, &mut self.pool)?;
		Ok(self.commit())
	}
}

impl<T: Config> core::ops::Deref for PoolEntry<T> {
	type Target = Operator<T>;
	fn deref(&self) -> &Operator<T> {
		&self.pool
	}
}

impl<T: Config> core::ops::DerefMut for PoolEntry<T> {
	fn deref_mut(&mut self) -> &mut Operator<T> {
		&mut self.pool
	}
}

/// A staker's position loaded for a change: its ledger after a checkpoint, its operator's pool,
/// and what the checkpoint realized (the pending loss plus any debt paid off).
pub(crate) struct Touched<T: Config> {
	pub(crate) ledger: StakerLedger<T>,
	pub(crate) pool: PoolEntry<T>,
	pub(crate) realized: BalanceOf<T>,
}

/// What [`Pallet::collect`] took from an account, and the funds themselves.
pub(crate) struct Collected<T: Config> {
	pub(crate) credit: CreditOf<T>,
	pub(crate) from_bond: BalanceOf<T>,
	pub(crate) from_free: BalanceOf<T>,
}

impl<T: Config> Pallet<T> {
	/// Realize `ledger`'s pending loss at `pool`'s factor and collect it, with any debt left
	/// from earlier: take it from the staker's bond, then from its frozen free balance, and hand
	/// the funds to `OnSlashedFunds`. What cannot be collected (funds in another hold) stays
	/// owed as the ledger's `debt` and stays frozen: the freeze falls by exactly what was
	/// collected. Returns the loss realized plus the debt paid off (zero when nothing changed).
	pub(crate) fn realize(
		who: &T::AccountId,
		ledger: &mut StakerLedger<T>,
		pool: &Operator<T>,
	) -> Result<BalanceOf<T>, DispatchError> {
		let mut loss = BalanceOf::<T>::zero();
		let mut mark = |value: &mut BalanceOf<T>, shares: BalanceOf<T>| {
			let now = pool.value_of(shares).min(*value);
			loss = loss.saturating_add(value.saturating_sub(now));
			*value = now;
		};
		mark(&mut ledger.value, ledger.shares);
		for withdrawal in ledger.withdrawals.iter_mut() {
			mark(&mut withdrawal.value, withdrawal.shares);
		}
		// What waits to undelegate cannot exceed what is left.
		ledger.queued_outflow = ledger.queued_outflow.min(ledger.value);
		let debt_before = ledger.debt;
		let owed = loss.saturating_add(debt_before);
		if owed.is_zero() {
			return Ok(Zero::zero());
		}

		let Collected { credit, from_bond, from_free } = Self::collect(who, owed)?;
		ledger.debt = owed.saturating_sub(from_bond).saturating_sub(from_free);
		// Only now, and only by what was collected, may the freeze fall.
		Self::update_freeze(who, ledger.frozen())?;
		if !loss.is_zero() || !from_bond.is_zero() {
			Losses::<T>::mutate(&ledger.operator, |l| {
				l.realized = l.realized.saturating_add(loss);
				l.realized_from_bond = l.realized_from_bond.saturating_add(from_bond);
			});
		}
		if ledger.debt != debt_before {
			Shortfall::<T>::mutate(|s| {
				*s = s.saturating_sub(debt_before).saturating_add(ledger.debt);
			});
		}
		let paid_off = debt_before.saturating_sub(ledger.debt);
		let progress = loss.saturating_add(paid_off);
		if progress.is_zero() {
			drop(credit);
			return Ok(progress);
		}
		T::OnSlashedFunds::on_unbalanced(credit);
		Self::deposit_event(Event::LossRealized {
			staker: who.clone(),
			operator: ledger.operator.clone(),
			loss,
			from_bond,
			from_free,
			owed: ledger.debt,
		});
		Ok(progress)
	}

	/// Take up to `owed` from `who`: from its bond, then from its free balance through the
	/// restaking freeze (lifted for the withdrawal, so it does not hold back an existential
	/// deposit either), never from another hold. The caller sets the freeze again.
	pub(crate) fn collect(
		who: &T::AccountId,
		owed: BalanceOf<T>,
	) -> Result<Collected<T>, DispatchError> {
		Realizing::<T>::put(true);
		let (mut credit, from_bond) = T::StakingExtension::slash_bonded(who, owed);
		Realizing::<T>::kill();
		let rest = owed.saturating_sub(from_bond);
		let mut from_free = Zero::zero();
		if !rest.is_zero() {
			T::Currency::thaw(&FreezeReason::Restaked.into(), who)?;
			// An account that cannot pay all of it stays alive to carry the debt's freeze.
			let reducible =
				T::Currency::reducible_balance(who, Preservation::Expendable, Fortitude::Force);
			let preservation =
				if reducible >= rest { Preservation::Expendable } else { Preservation::Preserve };
			if let Ok(taken) = T::Currency::withdraw(
				who,
				rest,
				Precision::BestEffort,
				preservation,
				Fortitude::Force,
			) {
				from_free = taken.peek();
				credit.subsume(taken);
			}
		}
		Ok(Collected { credit, from_bond, from_free })
	}

	/// Collect what `who` owes after its position closed (see [`Debts`]).
	pub(crate) fn settle_debt(who: &T::AccountId) -> DispatchResult {
		let mut debt = Debts::<T>::get(who).ok_or(Error::<T>::NotDelegator)?;
		let Collected { credit, from_bond, from_free } = Self::collect(who, debt.amount)?;
		let paid = from_bond.saturating_add(from_free);
		ensure!(!paid.is_zero(), Error::<T>::NothingToSettle);
		debt.amount = debt.amount.saturating_sub(paid);
		Self::update_freeze(who, debt.amount)?;
		Shortfall::<T>::mutate(|s| *s = s.saturating_sub(paid));
		if Operators::<T>::contains_key(&debt.operator) {
			Losses::<T>::mutate(&debt.operator, |l| {
				l.realized_from_bond = l.realized_from_bond.saturating_add(from_bond);
			});
		}
		T::OnSlashedFunds::on_unbalanced(credit);
		Self::deposit_event(Event::LossRealized {
			staker: who.clone(),
			operator: debt.operator.clone(),
			loss: Zero::zero(),
			from_bond,
			from_free,
			owed: debt.amount,
		});
		if debt.amount.is_zero() {
			Debts::<T>::remove(who);
		} else {
			Debts::<T>::insert(who, debt);
		}
		Ok(())
	}

	/// A position that holds nothing but a debt (and rewards, which pay it first) leaves its
	/// pool: the debt moves to [`Debts`], still frozen and collected by `settle`, so that it
	/// keeps no operator from deregistering. Returns what [`Debts`] now holds for `who` (zero
	/// when nothing moved: a staker with a position has no entry there).
	pub(crate) fn move_out_debt(
		who: &T::AccountId,
		ledger: &mut StakerLedger<T>,
	) -> Result<BalanceOf<T>, DispatchError> {
		let holds_more = !ledger.shares.is_zero()
			|| !ledger.value.is_zero()
			|| !ledger.queued_outflow.is_zero()
			|| !ledger.withdrawals.is_empty();
		if ledger.debt.is_zero() || holds_more {
			return Ok(Zero::zero());
		}
		let unclaimed = ledger.unclaimed_rewards.saturating_add(ledger.unclaimed_compensation);
		let from_rewards = unclaimed.min(ledger.debt);
		if !from_rewards.is_zero() {
			let credit = T::Currency::withdraw(
				&Self::pot(),
				from_rewards,
				Precision::Exact,
				Preservation::Preserve,
				Fortitude::Polite,
			)?;
			T::OnSlashedFunds::on_unbalanced(credit);
			let from_compensation = from_rewards.saturating_sub(ledger.unclaimed_rewards);
			ledger.unclaimed_rewards = ledger.unclaimed_rewards.saturating_sub(from_rewards);
			ledger.unclaimed_compensation =
				ledger.unclaimed_compensation.saturating_sub(from_compensation);
			ledger.debt = ledger.debt.saturating_sub(from_rewards);
			Shortfall::<T>::mutate(|s| *s = s.saturating_sub(from_rewards));
			Self::deposit_event(Event::DebtPaidFromRewards {
				staker: who.clone(),
				operator: ledger.operator.clone(),
				amount: from_rewards,
				owed: ledger.debt,
			});
		}
		if ledger.debt.is_zero() {
			return Ok(Zero::zero());
		}
		let amount = core::mem::take(&mut ledger.debt);
		Ok(Debts::<T>::mutate(who, |debt| match debt {
			Some(d) => {
				d.amount = d.amount.saturating_add(amount);
				d.amount
			},
			None => {
				*debt = Some(Debt { operator: ledger.operator.clone(), amount });
				amount
			},
		}))
	}

	/// Refuse while `ledger` owes a loss that could not be collected.
	pub(crate) fn ensure_no_debt(ledger: &StakerLedger<T>) -> DispatchResult {
		ensure!(ledger.debt.is_zero(), Error::<T>::LossOutstanding);
		Ok(())
	}

	/// Since when slashes of `operator` by `service` wait (decreases of the pair not in force
	/// by then are held).
	pub(crate) fn held(operator: &T::AccountId, service: ServiceId) -> Held<T> {
		T::ExitGuard::allocation_frozen_since(operator, service)
	}

	/// The magnitude of `operator`'s `membership` of `service` in force now.
	pub(crate) fn magnitude_now(
		operator: &T::AccountId,
		service: ServiceId,
		membership: &Membership<T>,
	) -> Perquintill {
		membership.magnitude_at(Self::now(), Self::held(operator, service))
	}

	/// Set the restaking freeze of `who` to `amount` (thaw at zero).
	pub(crate) fn update_freeze(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		let id = FreezeReason::Restaked.into();
		if amount.is_zero() {
			T::Currency::thaw(&id, who)
		} else {
			T::Currency::set_freeze(&id, who, amount)
		}
	}

	/// The reward accumulator at the end of the block `ledger`'s fresh shares entered in, if
	/// that block is over and rewards were paid in it after they entered.
	pub(crate) fn fresh_mark(
		ledger: &StakerLedger<T>,
		now: BlockNumberFor<T>,
	) -> Option<FixedU128> {
		let fresh = ledger.fresh.as_ref().filter(|fresh| fresh.block != now)?;
		FreshRewardMarks::<T>::get(&ledger.operator, fresh.block).map(|m| m.reward_per_share)
	}

	/// One staker holding fresh shares of `block` in `operator`'s pool no longer needs its mark.
	pub(crate) fn release_mark(operator: &T::AccountId, block: BlockNumberFor<T>) {
		FreshRewardMarks::<T>::mutate_exists(operator, block, |mark| {
			if let Some(m) = mark {
				m.stakers = m.stakers.saturating_sub(1);
				if m.stakers == 0 {
					*mark = None;
				}
			}
		});
	}

	/// Move rewards and compensation accrued since the last checkpoint into `unclaimed`. Fresh
	/// shares of a block that is over become ordinary shares.
	pub(crate) fn checkpoint(ledger: &mut StakerLedger<T>, pool: &Operator<T>) {
		let now = Self::now();
		let (rewards, compensation) = ledger.accrued(pool, now, Self::fresh_mark(ledger, now));
		ledger.unclaimed_rewards = ledger.unclaimed_rewards.saturating_add(rewards);
		ledger.unclaimed_compensation = ledger.unclaimed_compensation.saturating_add(compensation);
		ledger.reward_checkpoint = pool.reward_per_share;
		ledger.compensation_checkpoint = pool.compensation_per_share;
		for withdrawal in ledger.withdrawals.iter_mut() {
			withdrawal.compensation_checkpoint = pool.compensation_per_share;
		}
		if let Some(block) = ledger.fresh.as_ref().map(|f| f.block).filter(|b| *b != now) {
			ledger.fresh = None;
			Self::release_mark(&ledger.operator, block);
		}
	}

	/// Keep `ledger`'s fresh shares within its active shares (active shares leave by
	/// undelegation or slashes; the fresh ones are counted to leave last), and the pool's count
	/// of fresh shares with them.
	pub(crate) fn trim_fresh(ledger: &mut StakerLedger<T>, pool: &mut Operator<T>) {
		let Some(fresh) = ledger.fresh.as_mut() else { return };
		if fresh.shares <= ledger.shares {
			return;
		}
		let gone = fresh.shares.saturating_sub(ledger.shares);
		fresh.shares = ledger.shares;
		let block = fresh.block;
		let emptied = fresh.shares.is_zero();
		if pool.fresh.block == block {
			pool.fresh.shares = pool.fresh.shares.saturating_sub(gone);
			pool.fresh.left = pool.fresh.left.saturating_add(gone);
			if emptied {
				pool.fresh.stakers = pool.fresh.stakers.saturating_sub(1);
			}
		}
		if emptied {
			ledger.fresh = None;
			Self::release_mark(&ledger.operator, block);
		}
	}

	/// Load a staker and its operator, realizing any pending loss and checkpointing rewards.
	pub(crate) fn touch(who: &T::AccountId) -> Result<Touched<T>, DispatchError> {
		let mut ledger = Stakers::<T>::get(who).ok_or(Error::<T>::NotDelegator)?;
		let pool = PoolEntry::load(&ledger.operator).ok_or_else(|| {
			defensive!("a staker's operator exists while the staker has shares");
			Error::<T>::NotOperator
		})?;
		let realized = Self::realize(who, &mut ledger, &pool)?;
		Self::checkpoint(&mut ledger, &pool);
		Ok(Touched { ledger, pool, realized })
	}

	/// Store a staker's ledger, or remove it (and its freeze) when empty. Shares worth nothing
	/// (after a full slash) are dropped first: the factor never rises, so they never will be
	/// worth anything, and a position of them must be able to close.
	pub(crate) fn put_staker(
		who: &T::AccountId,
		mut ledger: StakerLedger<T>,
		pool: &mut Operator<T>,
	) -> DispatchResult {
		if !ledger.shares.is_zero()
			&& ledger.value.is_zero()
			&& pool.value_of(ledger.shares).is_zero()
		{
			pool.total_shares = pool.total_shares.saturating_sub(ledger.shares);
			pool.active_shares = pool.active_shares.saturating_sub(ledger.shares);
			ledger.shares = Zero::zero();
			ledger.queued_outflow = Zero::zero();
		}
		Self::trim_fresh(&mut ledger, pool);
		let mut worthless = BalanceOf::<T>::zero();
		ledger.withdrawals.retain(|w| {
			let keep = !w.value.is_zero() || !pool.value_of(w.shares).is_zero();
			if !keep {
				worthless = worthless.saturating_add(w.shares);
			}
			keep
		});
		pool.total_shares = pool.total_shares.saturating_sub(worthless);
		let debt = Self::move_out_debt(who, &mut ledger)?;
		Self::update_freeze(who, ledger.frozen().saturating_add(debt))?;
		if ledger.is_empty() {
			Stakers::<T>::remove(who);
			pool.delegator_count = pool.delegator_count.saturating_sub(1);
		} else {
			Stakers::<T>::insert(who, ledger);
		}
		Ok(())
	}
}
