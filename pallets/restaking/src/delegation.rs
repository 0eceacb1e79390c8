//! Delegation: delegating, undelegating within the era's outflow cap, withdrawing, rewards and
//! compensation.

use frame_support::{
	dispatch::DispatchResult,
	ensure,
	traits::{fungible::Mutate, tokens::Preservation, Get},
	weights::Weight,
};
use restaking_primitives::restaking::{ExitGuard, ServiceId, StakingExtension};
use sp_arithmetic::{
	traits::{CheckedAdd, Saturating, Zero},
	FixedPointNumber, FixedU128, Perbill, Rounding,
};
use sp_runtime::DispatchError;
use sp_staking::StakingInterface;

use sp_runtime::ArithmeticError;

use crate::ledger::{PoolEntry, Touched};
use crate::{pallet::*, types::*, BalanceOf, BlockNumberFor};
use restaking_primitives::arithmetic::mul_div;

/// Who starts an undelegation or a withdrawal; it decides what is allowed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Exit {
	/// The staker, through the calls: refused while it owes a debt or has `MaxWithdrawals`.
	Staker,
	/// An integration acting for the staker (a liquid vault): with `MaxWithdrawals` queued, the
	/// undelegation merges into the newest withdrawal (postponing it).
	Integration,
	/// A closing pool releasing its delegator: allowed while it owes (the debt stays frozen),
	/// refused with `MaxWithdrawals` queued (nothing already queued is postponed).
	ClosingPool,
}

impl<T: Config> Pallet<T> {
	pub(crate) fn do_delegate(
		who: T::AccountId,
		operator: T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!amount.is_zero() && amount >= T::MinDelegation::get(), Error::<T>::AmountTooLow);
		ensure!(!Operators::<T>::contains_key(&who), Error::<T>::AlreadyOperator);
		ensure!(!Debts::<T>::contains_key(&who), Error::<T>::LossOutstanding);
		// Stake that arrives while a slash waits would pay for a fault it was not there for.
		ensure!(!T::ExitGuard::exits_frozen(&operator), Error::<T>::SlashPending);
		let active = T::Staking::active_stake(&who).map_err(|_| Error::<T>::NotStaker)?;
		let (mut ledger, mut pool, is_new) = match Stakers::<T>::get(&who) {
			Some(existing) => {
				ensure!(existing.operator == operator, Error::<T>::DelegatedElsewhere);
				let Touched { ledger, pool, .. } = Self::touch(&who)?;
				(ledger, pool, false)
			},
			None => {
				let pool = PoolEntry::load(&operator).ok_or(Error::<T>::NotOperator)?;
				(StakerLedger::new(operator.clone(), &pool), pool, true)
			},
		};
		Self::ensure_no_debt(&ledger)?;
		ensure!(!pool.closing, Error::<T>::PoolClosing);
		ensure!(pool.factor >= min_factor(), Error::<T>::PoolDepleted);
		let restaked = ledger.frozen().checked_add(&amount).ok_or(ArithmeticError::Overflow)?;
		let limit = ActiveParameters::<T>::get().max_restake_ratio.mul_floor(active);
		ensure!(restaked <= limit, Error::<T>::ExceedsRestakeable);

		let shares = Self::shares_for(amount, pool.factor)?;
		ensure!(!shares.is_zero(), Error::<T>::AmountTooLow);
		pool.total_shares =
			pool.total_shares.checked_add(&shares).ok_or(ArithmeticError::Overflow)?;
		pool.active_shares =
			pool.active_shares.checked_add(&shares).ok_or(ArithmeticError::Overflow)?;
		if is_new {
			pool.delegator_count = pool.delegator_count.saturating_add(1);
		}
		Self::ensure_operator_share(&pool)?;

		let now = Self::now();
		if pool.fresh.block != now {
			pool.fresh = Default::default();
			pool.fresh.block = now;
		}
		pool.fresh.shares = pool.fresh.shares.saturating_add(shares);
		// `touch` turned fresh shares of earlier blocks into ordinary ones.
		match ledger.fresh.as_mut() {
			Some(fresh) => fresh.shares = fresh.shares.saturating_add(shares),
			None => {
				ledger.fresh = Some(FreshPart { block: now, shares });
				pool.fresh.stakers = pool.fresh.stakers.saturating_add(1);
				FreshRewardMarks::<T>::mutate_exists(&operator, now, |mark| {
					if let Some(m) = mark {
						m.stakers = m.stakers.saturating_add(1);
					}
				});
			},
		}
		ledger.shares = ledger.shares.saturating_add(shares);
		let value = pool.value_of(ledger.shares);
		let added = value.saturating_sub(ledger.value);
		ledger.value = value;
		Self::update_freeze(&who, ledger.frozen())?;
		Stakers::<T>::insert(&who, ledger);
		pool.commit();
		Self::deposit_event(Event::Delegated { staker: who, operator, amount: added, shares });
		Ok(())
	}

	/// Capacity left for undelegation in the current era.
	pub(crate) fn outflow_capacity() -> (EraOutflow<BalanceOf<T>>, BalanceOf<T>) {
		let era = T::StakingExtension::active_era();
		let mut outflow = CurrentOutflow::<T>::get();
		if outflow.era != era {
			outflow = EraOutflow { era, amount: Zero::zero() };
		}
		let cap = ActiveParameters::<T>::get()
			.max_outflow_per_era
			.mul_floor(TotalRestaked::<T>::get());
		(outflow, cap.saturating_sub(outflow.amount))
	}

	/// Move `amount` of `who`'s active value into a withdrawal, count it against the era's
	/// outflow and announce it. Merges into the newest withdrawal (postponing it) when the
	/// staker has `MaxWithdrawals` and `merge_when_full` is set.
	pub(crate) fn start_withdrawal(
		who: &T::AccountId,
		ledger: &mut StakerLedger<T>,
		pool: &mut Operator<T>,
		amount: BalanceOf<T>,
		outflow: &mut EraOutflow<BalanceOf<T>>,
		merge_when_full: bool,
	) -> DispatchResult {
		let shares = if amount >= ledger.value {
			ledger.shares
		} else {
			Self::proportion(ledger.shares, amount, ledger.value, Rounding::Up).min(ledger.shares)
		};
		ledger.shares = ledger.shares.saturating_sub(shares);
		pool.active_shares = pool.active_shares.saturating_sub(shares);
		let value = pool.value_of(shares);
		ledger.value = pool.value_of(ledger.shares);
		// The shares that leave are rounded up and the value left down: what waits in the
		// outflow queue is at most the value left.
		ledger.queued_outflow = ledger.queued_outflow.min(ledger.value);
		let unlock_at = Self::now().saturating_add(T::UndelegationDelay::get());
		let withdrawal = Withdrawal {
			shares,
			value,
			unlock_at,
			compensation_checkpoint: pool.compensation_per_share,
		};
		if let Err(withdrawal) = ledger.withdrawals.try_push(withdrawal) {
			ensure!(merge_when_full, Error::<T>::TooManyWithdrawals);
			let last = ledger.withdrawals.last_mut().ok_or(Error::<T>::TooManyWithdrawals)?;
			last.shares = last.shares.saturating_add(withdrawal.shares);
			// The merged shares are worth up to a unit more than the two rounded values.
			last.value =
				last.value.saturating_add(withdrawal.value).max(pool.value_of(last.shares));
			last.unlock_at = withdrawal.unlock_at;
		}
		outflow.amount = outflow.amount.saturating_add(amount);
		CurrentOutflow::<T>::put(*outflow);
		Self::deposit_event(Event::UndelegationQueued {
			staker: who.clone(),
			operator: ledger.operator.clone(),
			amount: value,
			unlock_at,
		});
		Ok(())
	}

	/// Start undelegating `amount`. With `merge_when_full`, a staker at `MaxWithdrawals` has
	/// it merged into its newest withdrawal (postponed to the new unlock block) instead of
	/// being refused.
	/// Returns the weight of the overcollateralization floor's checks.
	pub(crate) fn do_undelegate(
		who: T::AccountId,
		amount: BalanceOf<T>,
		exit: Exit,
	) -> Result<Weight, DispatchError> {
		ensure!(!amount.is_zero(), Error::<T>::AmountTooLow);
		let Touched { mut ledger, mut pool, .. } = Self::touch(&who)?;
		let committed = Self::committed_stake(&pool);
		if exit != Exit::ClosingPool {
			Self::ensure_no_debt(&ledger)?;
		}
		let merge_when_full = exit == Exit::Integration;
		let available = ledger.value.saturating_sub(ledger.queued_outflow);
		ensure!(amount <= available, Error::<T>::ExceedsDelegation);
		let (mut outflow, capacity) = Self::outflow_capacity();
		let now_part = amount.min(capacity);
		let deferred = amount.saturating_sub(now_part);

		if !now_part.is_zero() {
			Self::start_withdrawal(
				&who,
				&mut ledger,
				&mut pool,
				now_part,
				&mut outflow,
				merge_when_full,
			)?;
		}
		// Deferred stake stays active until the outflow cap lets it go (in `on_idle`); the floor
		// judges it now, with the rest of the undelegation.
		let mut leaving_later = BalanceOf::<T>::zero();
		if !deferred.is_zero() {
			OutflowQueue::<T>::try_mutate(|queue| {
				ensure!(!queue.contains(&who), Error::<T>::AlreadyInOutflowQueue);
				queue.try_push(who.clone()).map_err(|_| Error::<T>::OutflowQueueFull)
			})?;
			// Rounding of the part that left can shave a unit off the value that stays.
			ledger.queued_outflow = deferred.min(ledger.value);
			leaving_later = ledger.queued_outflow;
			Self::deposit_event(Event::OutflowDeferred {
				staker: who.clone(),
				amount: ledger.queued_outflow,
			});
		}
		let operator = ledger.operator.clone();
		let pool = pool.commit_with(&who, ledger)?;
		let staying = Self::committed_stake(&pool).saturating_sub(leaving_later);
		Ok(Self::check_floor_after_stake_exit(&operator, &pool, committed, staying))
	}

	pub(crate) fn do_withdraw_unbonded(
		who: T::AccountId,
		exit: Exit,
	) -> Result<BalanceOf<T>, DispatchError> {
		let operator = Stakers::<T>::get(&who).ok_or(Error::<T>::NotDelegator)?.operator;
		ensure!(!T::ExitGuard::exits_frozen(&operator), Error::<T>::SlashPending);
		let Touched { mut ledger, mut pool, .. } = Self::touch(&who)?;
		if exit != Exit::ClosingPool {
			Self::ensure_no_debt(&ledger)?;
		}
		let now = Self::now();
		let mut freed = BalanceOf::<T>::zero();
		let mut shares = BalanceOf::<T>::zero();
		let queued = ledger.withdrawals.len();
		ledger.withdrawals.retain(|w| {
			if w.unlock_at <= now {
				freed = freed.saturating_add(w.value);
				shares = shares.saturating_add(w.shares);
				false
			} else {
				true
			}
		});
		ensure!(ledger.withdrawals.len() < queued, Error::<T>::NothingToWithdraw);
		pool.total_shares = pool.total_shares.saturating_sub(shares);
		let operator = ledger.operator.clone();
		pool.commit_with(&who, ledger)?;
		Self::deposit_event(Event::Withdrawn { staker: who, operator, amount: freed });
		Ok(freed)
	}

	pub(crate) fn do_settle(who: &T::AccountId) -> DispatchResult {
		if !Stakers::<T>::contains_key(who) && Debts::<T>::contains_key(who) {
			return Self::settle_debt(who);
		}
		let Touched { ledger, pool, realized } = Self::touch(who)?;
		ensure!(!realized.is_zero(), Error::<T>::NothingToSettle);
		pool.commit_with(who, ledger)?;
		Ok(())
	}

	pub(crate) fn do_claim(who: T::AccountId) -> Result<BalanceOf<T>, DispatchError> {
		let Touched { mut ledger, pool, .. } = Self::touch(&who)?;
		Self::ensure_no_debt(&ledger)?;
		let rewards = core::mem::take(&mut ledger.unclaimed_rewards);
		let compensation = core::mem::take(&mut ledger.unclaimed_compensation);
		let total = rewards.saturating_add(compensation);
		ensure!(!total.is_zero(), Error::<T>::NothingToClaim);
		T::Currency::transfer(&Self::pot(), &who, total, Preservation::Preserve)?;
		pool.commit_with(&who, ledger)?;
		Self::deposit_event(Event::Claimed { staker: who, rewards, compensation });
		Ok(total)
	}

	pub(crate) fn do_pay_rewards(
		who: T::AccountId,
		service: ServiceId,
		operator: T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::AmountTooLow);
		let mut record = Self::owned_service(&who, service)?;
		ensure!(Memberships::<T>::contains_key(&operator, service), Error::<T>::NotOptedIn);
		ensure!(record.reward_budget >= amount, Error::<T>::InsufficientBudget);
		let mut pool = Operators::<T>::get(&operator).ok_or(Error::<T>::NotOperator)?;
		let stake = pool.restaked();
		ensure!(!stake.is_zero(), Error::<T>::EmptyPool);

		let share = Perbill::from_rational(stake, TotalRestaked::<T>::get().max(stake));
		let paid = ActiveParameters::<T>::get().concentration_factor(share).mul_floor(amount);
		let withheld = amount.saturating_sub(paid);
		let now = Self::now();
		let commission = pool.commission_at(now).mul_floor(paid);
		let rest = paid.saturating_sub(commission);
		let (to_pool, per_share) = Self::credit_pool(&operator, &mut pool, rest, now)?;
		let to_operator = paid.saturating_sub(to_pool);
		if !to_operator.is_zero() {
			T::Currency::transfer(&Self::pot(), &operator, to_operator, Preservation::Preserve)?;
		}
		record.reward_budget = record.reward_budget.saturating_sub(paid);
		Services::<T>::insert(service, record);
		let factor = pool.factor;
		Operators::<T>::insert(&operator, pool);
		Self::note_pool_era(&operator, factor, |record| {
			record.rewards = record.rewards.saturating_add(to_pool);
			record.to_operator = record.to_operator.saturating_add(to_operator);
			let rate = Self::per_unit(per_share, record.factor);
			record.reward_rate = record.reward_rate.saturating_add(rate);
		});
		Self::deposit_event(Event::RewardsPaid {
			service,
			operator,
			to_operator,
			to_pool,
			withheld,
		});
		Ok(())
	}

	/// Credit `rest` (a payment net of commission) to `operator`'s pool in proportion to the
	/// delegated part of its stake, through the reward accumulator of its earning shares: the
	/// active shares that did not enter in this block. Returns what the accumulator can hand
	/// out (the rest of the payment goes to the operator) and what it pays per earning share,
	/// and marks the block's fresh shares.
	fn credit_pool(
		operator: &T::AccountId,
		pool: &mut Operator<T>,
		rest: BalanceOf<T>,
		now: BlockNumberFor<T>,
	) -> Result<(BalanceOf<T>, FixedU128), DispatchError> {
		// Shares that entered in this block earn nothing of it: the delegators' part is sized on
		// the other shares, and shared among the active ones of them.
		let (fresh, left) = if pool.fresh.block == now {
			(pool.fresh.shares, pool.fresh.left)
		} else {
			(Zero::zero(), Zero::zero())
		};
		let earning = pool.active_shares.saturating_sub(fresh);
		// Fresh shares that already left for a withdrawal do not size it either.
		let delegated = pool.value_of(pool.total_shares.saturating_sub(fresh).saturating_sub(left));
		if earning.is_zero() {
			return Ok((Zero::zero(), Zero::zero()));
		}
		let to_pool = Self::proportion(
			rest,
			delegated,
			pool.self_bond.saturating_add(delegated),
			Rounding::Down,
		);
		if to_pool.is_zero() {
			return Ok((to_pool, Zero::zero()));
		}
		let per_share =
			FixedU128::checked_from_rational(to_pool, earning).ok_or(ArithmeticError::Overflow)?;
		// What the accumulator can hand out, rounded up: claims round down per staker but over a
		// sum of payments, so the pot keeps the exact share of every payment.
		let distributed =
			mul_div::<BalanceOf<T>>(per_share.into_inner(), earning, FixedU128::DIV, Rounding::Up)
				.ok_or(ArithmeticError::Overflow)?
				.min(to_pool);
		pool.reward_per_share =
			pool.reward_per_share.checked_add(&per_share).ok_or(ArithmeticError::Overflow)?;
		if !fresh.is_zero() {
			let mark = FreshRewardMark {
				reward_per_share: pool.reward_per_share,
				stakers: pool.fresh.stakers,
			};
			FreshRewardMarks::<T>::insert(operator, now, mark);
		}
		Ok((distributed, per_share))
	}

	/// Move `amount` from `from` to the pot as compensation for `operator`'s delegators, the
	/// withdrawing ones included (they bore the slash too): the accumulator rises by
	/// `amount / all shares`, rounded down, so claims never exceed what came in, and no share
	/// gets more than its part.
	pub(crate) fn do_compensate(
		operator: &T::AccountId,
		from: &T::AccountId,
		amount: BalanceOf<T>,
	) -> Result<BalanceOf<T>, DispatchError> {
		ensure!(!amount.is_zero(), Error::<T>::AmountTooLow);
		let mut pool = Operators::<T>::get(operator).ok_or(Error::<T>::NotOperator)?;
		ensure!(!pool.total_shares.is_zero(), Error::<T>::EmptyPool);
		let per_share = mul_div(amount, FixedU128::DIV, pool.total_shares, Rounding::Down)
			.map(FixedU128::from_inner)
			.ok_or(ArithmeticError::Overflow)?;
		pool.compensation_per_share = pool
			.compensation_per_share
			.checked_add(&per_share)
			.ok_or(ArithmeticError::Overflow)?;
		T::Currency::transfer(from, &Self::pot(), amount, Preservation::Preserve)?;
		let factor = pool.factor;
		Operators::<T>::insert(operator, pool);
		Self::note_pool_era(operator, factor, |record| {
			record.compensation = record.compensation.saturating_add(amount);
			let rate = Self::per_unit(per_share, record.factor);
			record.compensation_rate = record.compensation_rate.saturating_add(rate);
		});
		Self::deposit_event(Event::CompensationPaid { operator: operator.clone(), amount });
		Ok(amount)
	}
}
