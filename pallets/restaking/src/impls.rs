//! The restaking pallet's logic: everything the calls, hooks and traits do.

use alloc::vec::Vec;
use frame_support::{
	defensive,
	dispatch::DispatchResult,
	ensure,
	storage::with_storage_layer,
	traits::{
		fungible::{Balanced, BalancedHold, Inspect, Mutate, MutateFreeze, MutateHold},
		tokens::{Fortitude, Precision, Preservation},
		Get, Imbalance, OnUnbalanced,
	},
	weights::Weight,
	BoundedVec,
};
use restaking_primitives::restaking::{
	BaseStaking, ExitGuard, LossLedger, OnSecurityReduced, RestakingInterface, ServiceId,
	SlashOutcome, SlashTier, StakerInterface, StakerPosition,
};
use sp_arithmetic::{
	helpers_128bit::multiply_by_rational_with_rounding,
	traits::{CheckedAdd, One, Saturating, UniqueSaturatedInto, Zero},
	FixedPointNumber, FixedU128, PerThing, Perbill, Perquintill, Rounding,
};
use sp_runtime::{traits::AccountIdConversion, DispatchError};

use crate::{pallet::*, types::*, weights::WeightInfo, BalanceOf, BlockNumberFor, CreditOf};

type Pot<T> = <T as frame_system::Config>::AccountId;

/// A staker's ledger and its operator's pool after a checkpoint, with the loss it realized.
type Touched<T> = (StakerLedger<T>, Operator<T>, BalanceOf<T>);

/// What [`Pallet::collect`] took from an account, and the funds themselves.
struct Collected<T: Config> {
	credit: CreditOf<T>,
	from_bond: BalanceOf<T>,
	from_free: BalanceOf<T>,
}

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

/// Per operator, what its stakers add up to: all shares, active shares, records, values.
#[cfg(any(feature = "try-runtime", feature = "std"))]
type PoolTally<T> = (BalanceOf<T>, BalanceOf<T>, u32, BalanceOf<T>);

impl<T: Config> Pallet<T> {
	/// The pallet's account: reward budgets and undistributed rewards live here.
	pub fn pot() -> Pot<T> {
		T::PalletId::get().into_account_truncating()
	}

	fn now() -> BlockNumberFor<T> {
		frame_system::Pallet::<T>::block_number()
	}

	fn bounded_metadata(
		metadata: Vec<u8>,
	) -> Result<BoundedVec<u8, T::MaxMetadataLen>, DispatchError> {
		metadata.try_into().map_err(|_| Error::<T>::MetadataTooLong.into())
	}

	/// Shares worth `amount` at `factor`, rounded down (against the depositor).
	fn shares_for(amount: BalanceOf<T>, factor: FixedU128) -> Result<BalanceOf<T>, DispatchError> {
		let amount: u128 = amount.unique_saturated_into();
		let shares = multiply_by_rational_with_rounding(
			amount,
			FixedU128::DIV,
			factor.into_inner(),
			Rounding::Down,
		)
		.ok_or(Error::<T>::Overflow)?;
		BalanceOf::<T>::try_from(shares).map_err(|_| Error::<T>::Overflow.into())
	}

	/// `part / whole` of `amount`, rounded as asked; `part ≤ whole` keeps it within `amount`.
	pub(crate) fn ratio_of(
		amount: BalanceOf<T>,
		part: u128,
		whole: u128,
		rounding: Rounding,
	) -> BalanceOf<T> {
		if whole == 0 {
			return Zero::zero();
		}
		let amount_u128: u128 = amount.unique_saturated_into();
		multiply_by_rational_with_rounding(amount_u128, part, whole, rounding)
			.and_then(|result| BalanceOf::<T>::try_from(result).ok())
			.unwrap_or(amount)
	}

	/// `part / whole` of `amount` for balances.
	pub(crate) fn proportion(
		amount: BalanceOf<T>,
		part: BalanceOf<T>,
		whole: BalanceOf<T>,
		rounding: Rounding,
	) -> BalanceOf<T> {
		Self::ratio_of(
			amount,
			part.unique_saturated_into(),
			whole.unique_saturated_into(),
			rounding,
		)
	}

	/// `fraction` of `amount`, rounded up (against the holder).
	fn fraction_ceil(fraction: Perquintill, amount: BalanceOf<T>) -> BalanceOf<T> {
		Self::ratio_of(
			amount,
			fraction.deconstruct().into(),
			Perquintill::ACCURACY.into(),
			Rounding::Up,
		)
	}

	/// An operator's stake that `membership` exposes: `(self-bond part, pool part)`.
	pub(crate) fn slashable_parts(
		pool: &Operator<T>,
		magnitude: Perquintill,
	) -> (BalanceOf<T>, BalanceOf<T>) {
		let max = pool.max_magnitude.deconstruct();
		let m = magnitude.deconstruct().min(max);
		let of = |stake: BalanceOf<T>| Self::ratio_of(stake, m.into(), max.into(), Rounding::Down);
		(of(pool.self_bond), of(pool.pool_value()))
	}

	/// All of an operator's stake that `magnitude` exposes (self-bond and pool parts together).
	pub(crate) fn slashable_total(pool: &Operator<T>, magnitude: Perquintill) -> BalanceOf<T> {
		let (sb, pv) = Self::slashable_parts(pool, magnitude);
		sb.saturating_add(pv)
	}

	/// Write `pool` back and move [`TotalRestaked`] by the change of its stake.
	fn put_operator(who: &T::AccountId, before: BalanceOf<T>, pool: &Operator<T>) {
		let after = pool.total_stake();
		TotalRestaked::<T>::mutate(|total| {
			*total = total.saturating_sub(before).saturating_add(after);
		});
		Operators::<T>::insert(who, pool);
	}

	/// Enforce `max_operator_share` on `pool`, whose stake was `before` in [`TotalRestaked`].
	/// Applies once enough operators exist for the cap to be satisfiable at all (`⌈1 / cap⌉`).
	fn ensure_operator_share(pool: &Operator<T>, before: BalanceOf<T>) -> DispatchResult {
		let cap = ActiveParameters::<T>::get().max_operator_share;
		let needed = Self::operators_for_cap(cap);
		if (Operators::<T>::count() as u64) < needed {
			return Ok(());
		}
		let stake = pool.total_stake();
		let total = TotalRestaked::<T>::get().saturating_sub(before).saturating_add(stake);
		ensure!(stake <= cap.mul_floor(total), Error::<T>::OperatorConcentrationExceeded);
		Ok(())
	}

	/// How many holders a share cap needs before it can be met: `⌈1 / cap⌉`.
	fn operators_for_cap(cap: Perbill) -> u64 {
		let parts = u64::from(cap.deconstruct().max(1));
		u64::from(Perbill::ACCURACY).div_ceil(parts)
	}

	/// Realize `ledger`'s pending loss at `pool`'s factor and collect it, with any debt left
	/// from earlier: take it from the staker's bond, then from its frozen free balance, and hand
	/// the funds to `OnSlashedFunds`. What cannot be collected (funds in another hold) stays
	/// owed as the ledger's `debt` and stays frozen: the freeze falls by exactly what was
	/// collected. Returns the loss realized plus the debt paid off (zero when nothing changed).
	fn realize(
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
	fn collect(who: &T::AccountId, owed: BalanceOf<T>) -> Result<Collected<T>, DispatchError> {
		Realizing::<T>::put(true);
		let (mut credit, from_bond) = T::BaseStaking::slash_bonded(who, owed);
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
	fn settle_debt(who: &T::AccountId) -> DispatchResult {
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
	fn move_out_debt(
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
	fn ensure_no_debt(ledger: &StakerLedger<T>) -> DispatchResult {
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
	fn update_freeze(who: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
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
	fn release_mark(operator: &T::AccountId, block: BlockNumberFor<T>) {
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
	fn checkpoint(ledger: &mut StakerLedger<T>, pool: &Operator<T>) {
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
	fn trim_fresh(ledger: &mut StakerLedger<T>, pool: &mut Operator<T>) {
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
	fn touch(who: &T::AccountId) -> Result<Touched<T>, DispatchError> {
		let mut ledger = Stakers::<T>::get(who).ok_or(Error::<T>::NotDelegator)?;
		let pool = Operators::<T>::get(&ledger.operator).ok_or_else(|| {
			defensive!("a staker's operator exists while the staker has shares");
			Error::<T>::NotOperator
		})?;
		let loss = Self::realize(who, &mut ledger, &pool)?;
		Self::checkpoint(&mut ledger, &pool);
		Ok((ledger, pool, loss))
	}

	/// Store a staker's ledger, or remove it (and its freeze) when empty. Shares worth nothing
	/// (after a full slash) are dropped first: the factor never rises, so they never will be
	/// worth anything, and a position of them must be able to close.
	fn put_staker(
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

	// ---- services ----

	pub(crate) fn do_register_service(
		owner: T::AccountId,
		metadata: Vec<u8>,
		min_operator_stake: BalanceOf<T>,
		max_operators: u32,
		requires_approval: bool,
	) -> Result<ServiceId, DispatchError> {
		let metadata = Self::bounded_metadata(metadata)?;
		ensure!(
			max_operators > 0 && max_operators <= T::MaxOperatorsPerService::get(),
			Error::<T>::InvalidMaxOperators
		);
		let deposit = T::ServiceDeposit::get();
		T::Currency::hold(&HoldReason::ServiceDeposit.into(), &owner, deposit)?;
		let service = NextServiceId::<T>::get();
		NextServiceId::<T>::put(service.checked_add(1).ok_or(Error::<T>::Overflow)?);
		Services::<T>::insert(
			service,
			Service {
				owner: owner.clone(),
				deposit,
				metadata,
				min_operator_stake,
				max_operators,
				requires_approval,
				status: ServiceStatus::Active,
				reward_budget: Zero::zero(),
				operator_count: 0,
			},
		);
		Self::deposit_event(Event::ServiceRegistered { service, owner, deposit });
		Ok(service)
	}

	/// A live service owned by `who`.
	fn owned_service(who: &T::AccountId, service: ServiceId) -> Result<Service<T>, DispatchError> {
		let record = Services::<T>::get(service).ok_or(Error::<T>::UnknownService)?;
		ensure!(&record.owner == who, Error::<T>::NotServiceOwner);
		ensure!(record.status != ServiceStatus::Retired, Error::<T>::ServiceRetired);
		Ok(record)
	}

	pub(crate) fn do_update_service(
		who: T::AccountId,
		service: ServiceId,
		metadata: Option<Vec<u8>>,
		min_operator_stake: Option<BalanceOf<T>>,
		max_operators: Option<u32>,
		requires_approval: Option<bool>,
	) -> DispatchResult {
		let mut record = Self::owned_service(&who, service)?;
		if let Some(metadata) = metadata {
			record.metadata = Self::bounded_metadata(metadata)?;
		}
		if let Some(min) = min_operator_stake {
			record.min_operator_stake = min;
		}
		if let Some(max) = max_operators {
			ensure!(
				max > 0 && max <= T::MaxOperatorsPerService::get() && max >= record.operator_count,
				Error::<T>::InvalidMaxOperators
			);
			record.max_operators = max;
		}
		if let Some(requires) = requires_approval {
			record.requires_approval = requires;
		}
		Services::<T>::insert(service, record);
		Self::deposit_event(Event::ServiceUpdated { service });
		Ok(())
	}

	pub(crate) fn do_set_service_paused(
		who: T::AccountId,
		service: ServiceId,
		paused: bool,
	) -> DispatchResult {
		let mut record = Self::owned_service(&who, service)?;
		let status = if paused { ServiceStatus::Paused } else { ServiceStatus::Active };
		ensure!(record.status != status, Error::<T>::ServiceStatusUnchanged);
		record.status = status;
		Services::<T>::insert(service, record);
		Self::deposit_event(if paused {
			Event::ServicePaused { service }
		} else {
			Event::ServiceResumed { service }
		});
		Ok(())
	}

	pub(crate) fn do_retire_service(who: T::AccountId, service: ServiceId) -> DispatchResult {
		let mut record = Self::owned_service(&who, service)?;
		ensure!(record.operator_count == 0, Error::<T>::ServiceInUse);
		T::Currency::release(
			&HoldReason::ServiceDeposit.into(),
			&who,
			record.deposit,
			Precision::Exact,
		)?;
		let budget = record.reward_budget;
		if !budget.is_zero() {
			T::Currency::transfer(&Self::pot(), &who, budget, Preservation::Preserve)?;
		}
		record.status = ServiceStatus::Retired;
		record.reward_budget = Zero::zero();
		record.deposit = Zero::zero();
		Services::<T>::insert(service, record);
		Self::deposit_event(Event::ServiceRetired { service, refunded: budget });
		Ok(())
	}

	pub(crate) fn do_fund_service(
		who: T::AccountId,
		service: ServiceId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::AmountTooLow);
		let mut record = Services::<T>::get(service).ok_or(Error::<T>::UnknownService)?;
		ensure!(record.status != ServiceStatus::Retired, Error::<T>::ServiceRetired);
		T::Currency::transfer(&who, &Self::pot(), amount, Preservation::Preserve)?;
		record.reward_budget =
			record.reward_budget.checked_add(&amount).ok_or(Error::<T>::Overflow)?;
		Services::<T>::insert(service, record);
		Self::deposit_event(Event::ServiceFunded { service, from: who, amount });
		Ok(())
	}

	// ---- operators ----

	pub(crate) fn do_register_operator(
		who: T::AccountId,
		self_bond: BalanceOf<T>,
		commission: Perbill,
		metadata: Vec<u8>,
	) -> DispatchResult {
		ensure!(!Operators::<T>::contains_key(&who), Error::<T>::AlreadyOperator);
		ensure!(!Stakers::<T>::contains_key(&who), Error::<T>::DelegatedElsewhere);
		ensure!(
			self_bond >= T::MinSelfBond::get() && !self_bond.is_zero(),
			Error::<T>::SelfBondTooLow
		);
		ensure!(commission <= T::MaxCommission::get(), Error::<T>::CommissionTooHigh);
		let metadata = Self::bounded_metadata(metadata)?;
		let total =
			TotalRestaked::<T>::get().checked_add(&self_bond).ok_or(Error::<T>::Overflow)?;
		// The newcomer counts towards the operators the cap needs.
		let cap = ActiveParameters::<T>::get().max_operator_share;
		if (Operators::<T>::count() as u64).saturating_add(1) >= Self::operators_for_cap(cap) {
			ensure!(self_bond <= cap.mul_floor(total), Error::<T>::OperatorConcentrationExceeded);
		}
		let deposit = T::OperatorDeposit::get();
		T::Currency::hold(&HoldReason::OperatorDeposit.into(), &who, deposit)?;
		T::Currency::hold(&HoldReason::SelfBond.into(), &who, self_bond)?;
		let pool = Operator {
			self_bond,
			deposit,
			commission,
			pending_commission: None,
			metadata,
			max_magnitude: Perquintill::one(),
			total_shares: Zero::zero(),
			active_shares: Zero::zero(),
			factor: initial_factor(),
			reward_per_share: FixedU128::zero(),
			compensation_per_share: FixedU128::zero(),
			delegator_count: 0,
			service_count: 0,
			closing: false,
			fresh: Default::default(),
		};
		Self::put_operator(&who, Zero::zero(), &pool);
		Self::deposit_event(Event::OperatorRegistered { operator: who, self_bond, commission });
		Ok(())
	}

	pub(crate) fn do_set_commission(who: T::AccountId, commission: Perbill) -> DispatchResult {
		let mut pool = Operators::<T>::get(&who).ok_or(Error::<T>::NotOperator)?;
		ensure!(commission <= T::MaxCommission::get(), Error::<T>::CommissionTooHigh);
		let now = Self::now();
		pool.commission = pool.commission_at(now);
		let at = now.saturating_add(T::CommissionChangeDelay::get());
		pool.pending_commission = Some((commission, at));
		Operators::<T>::insert(&who, pool);
		Self::deposit_event(Event::CommissionChangeScheduled { operator: who, commission, at });
		Ok(())
	}

	pub(crate) fn do_bond_more(who: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::AmountTooLow);
		let mut pool = Operators::<T>::get(&who).ok_or(Error::<T>::NotOperator)?;
		let before = pool.total_stake();
		pool.self_bond = pool.self_bond.checked_add(&amount).ok_or(Error::<T>::Overflow)?;
		Self::ensure_operator_share(&pool, before)?;
		T::Currency::hold(&HoldReason::SelfBond.into(), &who, amount)?;
		Self::put_operator(&who, before, &pool);
		Self::deposit_event(Event::SelfBondIncreased { operator: who, amount });
		Ok(())
	}

	pub(crate) fn do_close_pool(who: T::AccountId) -> DispatchResult {
		let mut pool = Operators::<T>::get(&who).ok_or(Error::<T>::NotOperator)?;
		ensure!(!pool.closing, Error::<T>::PoolClosing);
		pool.closing = true;
		Operators::<T>::insert(&who, pool);
		Self::deposit_event(Event::PoolClosing { operator: who });
		Ok(())
	}

	/// For a delegator of a closing pool: start undelegating all of its active value (through
	/// the outflow cap, still slashable for the delay) and complete its due withdrawals.
	pub(crate) fn do_release_delegator(staker: T::AccountId) -> DispatchResult {
		let ledger = Stakers::<T>::get(&staker).ok_or(Error::<T>::NotDelegator)?;
		let pool = Operators::<T>::get(&ledger.operator).ok_or(Error::<T>::NotOperator)?;
		ensure!(pool.closing, Error::<T>::PoolNotClosing);
		let available = pool.value_of(ledger.shares).saturating_sub(ledger.queued_outflow);
		let now = Self::now();
		let due = ledger.withdrawals.iter().any(|w| w.unlock_at <= now);
		// Due withdrawals first: they free the places the undelegation needs.
		let withdrawn = due
			&& with_storage_layer(|| Self::do_withdraw_unbonded(staker.clone(), Exit::ClosingPool))
				.is_ok();
		let undelegated = !available.is_zero()
			&& with_storage_layer(|| {
				Self::do_undelegate(staker.clone(), available, Exit::ClosingPool)
			})
			.is_ok();
		// A worthless position closes on any touch.
		let closed = !undelegated
			&& !withdrawn
			&& with_storage_layer(|| Self::do_close_worthless(&staker)).is_ok();
		ensure!(undelegated || withdrawn || closed, Error::<T>::NothingToRelease);
		Ok(())
	}

	/// Store `staker`'s position back after a touch, which closes it if it is worth nothing.
	fn do_close_worthless(staker: &T::AccountId) -> DispatchResult {
		let (ledger, mut pool, _) = Self::touch(staker)?;
		let operator = ledger.operator.clone();
		let before = pool.total_stake();
		let count = pool.delegator_count;
		Self::put_staker(staker, ledger, &mut pool)?;
		ensure!(pool.delegator_count < count, Error::<T>::NothingToRelease);
		Self::put_operator(&operator, before, &pool);
		Ok(())
	}

	pub(crate) fn do_deregister_operator(who: T::AccountId) -> DispatchResult {
		let pool = Operators::<T>::get(&who).ok_or(Error::<T>::NotOperator)?;
		ensure!(!T::ExitGuard::exits_frozen(&who), Error::<T>::SlashPending);
		ensure!(
			pool.delegator_count == 0 && pool.total_shares.is_zero() && pool.service_count == 0,
			Error::<T>::OperatorInUse
		);
		T::Currency::release(
			&HoldReason::SelfBond.into(),
			&who,
			pool.self_bond,
			Precision::BestEffort,
		)?;
		T::Currency::release(
			&HoldReason::OperatorDeposit.into(),
			&who,
			pool.deposit,
			Precision::BestEffort,
		)?;
		TotalRestaked::<T>::mutate(|total| *total = total.saturating_sub(pool.total_stake()));
		Operators::<T>::remove(&who);
		Self::deposit_event(Event::OperatorDeregistered { operator: who });
		Ok(())
	}

	pub(crate) fn do_opt_in(who: T::AccountId, service: ServiceId) -> DispatchResult {
		let mut pool = Operators::<T>::get(&who).ok_or(Error::<T>::NotOperator)?;
		// A new service would bring new room to file requests: while some wait, an operator
		// could otherwise keep its exits frozen for good, one service after another.
		ensure!(!T::ExitGuard::exits_frozen(&who), Error::<T>::SlashPending);
		let mut record = Services::<T>::get(service).ok_or(Error::<T>::UnknownService)?;
		match record.status {
			ServiceStatus::Active => {},
			ServiceStatus::Paused => return Err(Error::<T>::ServicePaused.into()),
			ServiceStatus::Retired => return Err(Error::<T>::ServiceRetired.into()),
		}
		ensure!(!Memberships::<T>::contains_key(&who, service), Error::<T>::AlreadyOptedIn);
		ensure!(pool.self_bond >= record.min_operator_stake, Error::<T>::SelfBondTooLow);
		ensure!(pool.service_count < T::MaxServicesPerOperator::get(), Error::<T>::TooManyServices);
		// A candidate waiting for approval takes no place among the service's operators, so
		// strangers cannot fill `max_operators` of a service that approves its operators.
		let approved = !record.requires_approval;
		if approved {
			Self::take_place(service, &mut record, &who)?;
		}
		Memberships::<T>::insert(
			&who,
			service,
			Membership { approved, magnitude: Perquintill::zero(), pending: None },
		);
		pool.service_count = pool.service_count.saturating_add(1);
		Services::<T>::insert(service, record);
		Operators::<T>::insert(&who, pool);
		Self::deposit_event(Event::OptedIn { operator: who, service, approved });
		Ok(())
	}

	/// Give `who` a place among `service`'s operators.
	fn take_place(
		service: ServiceId,
		record: &mut Service<T>,
		who: &T::AccountId,
	) -> DispatchResult {
		ensure!(record.operator_count < record.max_operators, Error::<T>::TooManyOperators);
		ServiceOperators::<T>::try_mutate(service, |operators| {
			operators.try_push(who.clone()).map_err(|_| Error::<T>::TooManyOperators)
		})?;
		record.operator_count = record.operator_count.saturating_add(1);
		Ok(())
	}

	/// Whether `who` holds a place among `service`'s operators: approved members, and removed
	/// ones until their allocation is gone.
	pub(crate) fn is_listed(who: &T::AccountId, service: ServiceId) -> bool {
		ServiceOperators::<T>::get(service).contains(who)
	}

	/// Remove `who`'s membership of `service`, which has nothing allocated.
	fn leave_service(who: &T::AccountId, service: ServiceId) {
		Memberships::<T>::remove(who, service);
		if Self::is_listed(who, service) {
			ServiceOperators::<T>::mutate(service, |operators| operators.retain(|op| op != who));
			Services::<T>::mutate(service, |record| {
				if let Some(record) = record {
					record.operator_count = record.operator_count.saturating_sub(1);
				}
			});
		}
		Operators::<T>::mutate(who, |pool| {
			if let Some(pool) = pool {
				pool.service_count = pool.service_count.saturating_sub(1);
			}
		});
	}

	pub(crate) fn do_opt_out(who: T::AccountId, service: ServiceId) -> DispatchResult {
		let mut membership = Memberships::<T>::get(&who, service).ok_or(Error::<T>::NotOptedIn)?;
		ensure!(!T::ExitGuard::exits_frozen(&who), Error::<T>::SlashPending);
		membership.settle(Self::now(), Self::held(&who, service));
		ensure!(
			membership.magnitude.is_zero() && membership.pending.is_none(),
			Error::<T>::StillAllocated
		);
		Self::leave_service(&who, service);
		Self::deposit_event(Event::OptedOut { operator: who, service });
		Ok(())
	}

	pub(crate) fn do_remove_operator(
		who: T::AccountId,
		service: ServiceId,
		operator: T::AccountId,
	) -> DispatchResult {
		Self::owned_service(&who, service)?;
		let mut membership =
			Memberships::<T>::get(&operator, service).ok_or(Error::<T>::NotOptedIn)?;
		let now = Self::now();
		membership.settle(now, Self::held(&operator, service));
		// An increase not in force yet was never slashable: it is dropped at once.
		if let Some((next, _)) = membership.pending {
			if next > membership.magnitude {
				membership.pending = None;
			}
		}
		if membership.magnitude.is_zero() {
			// Leaving a service waits for the operator's waiting slashes, as an opt-out does.
			ensure!(!T::ExitGuard::exits_frozen(&operator), Error::<T>::SlashPending);
			Self::leave_service(&operator, service);
			Self::deposit_event(Event::OperatorRemoved { operator, service });
			return Ok(());
		}
		// Still allocated: it can no longer allocate, and its magnitude leaves after the
		// deallocation delay (slashable until then); a second call then removes it.
		let at = match membership.pending {
			Some((next, at)) if next.is_zero() => at,
			_ => now.saturating_add(T::DeallocationDelay::get()),
		};
		membership.approved = false;
		membership.pending = Some((Perquintill::zero(), at));
		Memberships::<T>::insert(&operator, service, membership);
		Self::deposit_event(Event::OperatorRemovalScheduled { operator, service, at });
		Ok(())
	}

	pub(crate) fn do_approve_operator(
		who: T::AccountId,
		service: ServiceId,
		operator: T::AccountId,
	) -> DispatchResult {
		let mut record = Self::owned_service(&who, service)?;
		let mut membership =
			Memberships::<T>::get(&operator, service).ok_or(Error::<T>::NotOptedIn)?;
		ensure!(!membership.approved, Error::<T>::AlreadyApproved);
		if !Self::is_listed(&operator, service) {
			Self::take_place(service, &mut record, &operator)?;
			Services::<T>::insert(service, record);
		}
		membership.approved = true;
		Memberships::<T>::insert(&operator, service, membership);
		Self::deposit_event(Event::OperatorApproved { operator, service });
		Ok(())
	}

	/// Total encumbered magnitude of `operator` over its services, with `service` counted at
	/// `replacement` instead of its own.
	fn encumbered_with(
		operator: &T::AccountId,
		service: ServiceId,
		replacement: Perquintill,
	) -> u128 {
		let now = Self::now();
		Memberships::<T>::iter_prefix(operator).fold(0u128, |acc, (id, membership)| {
			let m = if id == service {
				replacement
			} else {
				membership.encumbered_at(now, Self::held(operator, id))
			};
			acc.saturating_add(u128::from(m.deconstruct()))
		})
	}

	pub(crate) fn do_allocate(
		who: T::AccountId,
		service: ServiceId,
		magnitude: Perquintill,
	) -> DispatchResult {
		let record = Services::<T>::get(service).ok_or(Error::<T>::UnknownService)?;
		ensure!(record.status != ServiceStatus::Retired, Error::<T>::ServiceRetired);
		let mut membership = Memberships::<T>::get(&who, service).ok_or(Error::<T>::NotOptedIn)?;
		ensure!(membership.approved, Error::<T>::NotApproved);
		let pool = Operators::<T>::get(&who).ok_or(Error::<T>::NotOperator)?;
		let now = Self::now();
		membership.settle(now, Self::held(&who, service));
		let target = membership.pending.map(|(next, _)| next).unwrap_or(membership.magnitude);
		ensure!(magnitude != target, Error::<T>::AllocationUnchanged);
		let increase = magnitude > membership.magnitude;
		if increase {
			ensure!(record.status == ServiceStatus::Active, Error::<T>::ServicePaused);
		} else {
			// Stake cannot start leaving a service while a slash of the operator waits.
			ensure!(!T::ExitGuard::exits_frozen(&who), Error::<T>::SlashPending);
		}

		// Leverage: a single allocation never exceeds the operator's magnitude, and all of
		// them together stay within `max_magnitude × MaxLeverage`.
		let max = u128::from(pool.max_magnitude.deconstruct());
		ensure!(u128::from(magnitude.deconstruct()) <= max, Error::<T>::LeverageExceeded);
		let encumbered = Self::encumbered_with(&who, service, magnitude.max(membership.magnitude));
		ensure!(
			encumbered <= max.saturating_mul(u128::from(T::MaxLeverage::get())),
			Error::<T>::LeverageExceeded
		);
		if increase {
			Self::ensure_service_share(&who, &pool, service, magnitude)?;
		}

		let delay = if increase { T::AllocationDelay::get() } else { T::DeallocationDelay::get() };
		let at = now.saturating_add(delay);
		membership.pending = Some((magnitude, at));
		Memberships::<T>::insert(&who, service, membership);
		Self::deposit_event(Event::AllocationScheduled { operator: who, service, magnitude, at });
		Ok(())
	}

	/// Enforce `max_service_operator_share` for `operator` allocating `magnitude` to
	/// `service`, once enough operators secure the service for the cap to be satisfiable.
	/// Only operators with slashable stake for the service count: members that never allocate
	/// cannot make the cap unmeetable for the others.
	fn ensure_service_share(
		operator: &T::AccountId,
		pool: &Operator<T>,
		service: ServiceId,
		magnitude: Perquintill,
	) -> DispatchResult {
		let cap = ActiveParameters::<T>::get().max_service_operator_share;
		// Only operators that put real stake behind the service count toward the operators
		// the cap needs: at least the service's minimum operator stake and `MinSelfBond`
		// slashable. Dust allocations would otherwise switch the cap on for the others.
		let least = Services::<T>::get(service)
			.map_or_else(Zero::zero, |record| record.min_operator_stake)
			.max(T::MinSelfBond::get())
			.max(One::one());
		let own = Self::slashable_total(pool, magnitude);
		let mut total = own;
		let mut securing = 1u64;
		for other in ServiceOperators::<T>::get(service).iter().filter(|op| *op != operator) {
			if let (Some(p), Some(m)) =
				(Operators::<T>::get(other), Memberships::<T>::get(other, service))
			{
				let stake = Self::slashable_total(&p, Self::magnitude_now(other, service, &m));
				total = total.saturating_add(stake);
				if stake >= least {
					securing = securing.saturating_add(1);
				}
			}
		}
		if securing < Self::operators_for_cap(cap) {
			return Ok(());
		}
		ensure!(own <= cap.mul_floor(total), Error::<T>::ServiceConcentrationExceeded);
		Ok(())
	}

	// ---- stakers ----

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
		let active = T::BaseStaking::active_stake(&who).ok_or(Error::<T>::NotStaker)?;
		let (mut ledger, mut pool, is_new) = match Stakers::<T>::get(&who) {
			Some(existing) => {
				ensure!(existing.operator == operator, Error::<T>::DelegatedElsewhere);
				let (ledger, pool, _) = Self::touch(&who)?;
				(ledger, pool, false)
			},
			None => {
				let pool = Operators::<T>::get(&operator).ok_or(Error::<T>::NotOperator)?;
				(StakerLedger::new(operator.clone(), &pool), pool, true)
			},
		};
		Self::ensure_no_debt(&ledger)?;
		ensure!(!pool.closing, Error::<T>::PoolClosing);
		ensure!(pool.factor >= min_factor(), Error::<T>::PoolDepleted);
		let restaked = ledger.frozen().checked_add(&amount).ok_or(Error::<T>::Overflow)?;
		let limit = ActiveParameters::<T>::get().max_restake_ratio.mul_floor(active);
		ensure!(restaked <= limit, Error::<T>::ExceedsRestakeable);

		let shares = Self::shares_for(amount, pool.factor)?;
		ensure!(!shares.is_zero(), Error::<T>::AmountTooLow);
		let before = pool.total_stake();
		pool.total_shares = pool.total_shares.checked_add(&shares).ok_or(Error::<T>::Overflow)?;
		pool.active_shares = pool.active_shares.checked_add(&shares).ok_or(Error::<T>::Overflow)?;
		if is_new {
			pool.delegator_count = pool.delegator_count.saturating_add(1);
		}
		Self::ensure_operator_share(&pool, before)?;

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
		Self::put_operator(&operator, before, &pool);
		Self::deposit_event(Event::Delegated { staker: who, operator, amount: added, shares });
		Ok(())
	}

	/// Capacity left for undelegation in the current era.
	fn outflow_capacity() -> (EraOutflow<BalanceOf<T>>, BalanceOf<T>) {
		let era = T::BaseStaking::current_era();
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
	fn start_withdrawal(
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
	pub(crate) fn do_undelegate(
		who: T::AccountId,
		amount: BalanceOf<T>,
		exit: Exit,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::AmountTooLow);
		let (mut ledger, mut pool, _) = Self::touch(&who)?;
		if exit != Exit::ClosingPool {
			Self::ensure_no_debt(&ledger)?;
		}
		let merge_when_full = exit == Exit::Integration;
		let available = ledger.value.saturating_sub(ledger.queued_outflow);
		ensure!(amount <= available, Error::<T>::ExceedsDelegation);
		let (mut outflow, capacity) = Self::outflow_capacity();
		let now_part = amount.min(capacity);
		let deferred = amount.saturating_sub(now_part);
		let before = pool.total_stake();

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
		if !deferred.is_zero() {
			OutflowQueue::<T>::try_mutate(|queue| {
				ensure!(!queue.contains(&who), Error::<T>::AlreadyInOutflowQueue);
				queue.try_push(who.clone()).map_err(|_| Error::<T>::OutflowQueueFull)
			})?;
			// Rounding of the part that left can shave a unit off the value that stays.
			ledger.queued_outflow = deferred.min(ledger.value);
			Self::deposit_event(Event::OutflowDeferred {
				staker: who.clone(),
				amount: ledger.queued_outflow,
			});
		}
		let operator = ledger.operator.clone();
		Self::put_staker(&who, ledger, &mut pool)?;
		Self::put_operator(&operator, before, &pool);
		Ok(())
	}

	pub(crate) fn do_withdraw_unbonded(
		who: T::AccountId,
		exit: Exit,
	) -> Result<BalanceOf<T>, DispatchError> {
		let operator = Stakers::<T>::get(&who).ok_or(Error::<T>::NotDelegator)?.operator;
		ensure!(!T::ExitGuard::exits_frozen(&operator), Error::<T>::SlashPending);
		let (mut ledger, mut pool, _) = Self::touch(&who)?;
		if exit != Exit::ClosingPool {
			Self::ensure_no_debt(&ledger)?;
		}
		let now = Self::now();
		let before = pool.total_stake();
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
		Self::put_staker(&who, ledger, &mut pool)?;
		Self::put_operator(&operator, before, &pool);
		Self::deposit_event(Event::Withdrawn { staker: who, operator, amount: freed });
		Ok(freed)
	}

	pub(crate) fn do_settle(who: &T::AccountId) -> DispatchResult {
		if !Stakers::<T>::contains_key(who) && Debts::<T>::contains_key(who) {
			return Self::settle_debt(who);
		}
		let (ledger, mut pool, progress) = Self::touch(who)?;
		ensure!(!progress.is_zero(), Error::<T>::NothingToSettle);
		let operator = ledger.operator.clone();
		let before = pool.total_stake();
		Self::put_staker(who, ledger, &mut pool)?;
		Self::put_operator(&operator, before, &pool);
		Ok(())
	}

	pub(crate) fn do_claim(who: T::AccountId) -> Result<BalanceOf<T>, DispatchError> {
		let (mut ledger, mut pool, _) = Self::touch(&who)?;
		Self::ensure_no_debt(&ledger)?;
		let rewards = core::mem::take(&mut ledger.unclaimed_rewards);
		let compensation = core::mem::take(&mut ledger.unclaimed_compensation);
		let total = rewards.saturating_add(compensation);
		ensure!(!total.is_zero(), Error::<T>::NothingToClaim);
		T::Currency::transfer(&Self::pot(), &who, total, Preservation::Preserve)?;
		let operator = ledger.operator.clone();
		let before = pool.total_stake();
		Self::put_staker(&who, ledger, &mut pool)?;
		Self::put_operator(&operator, before, &pool);
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
		let stake = pool.total_stake();
		ensure!(!stake.is_zero(), Error::<T>::EmptyPool);

		let share = Perbill::from_rational(stake, TotalRestaked::<T>::get().max(stake));
		let paid = ActiveParameters::<T>::get().concentration_factor(share).mul_floor(amount);
		let withheld = amount.saturating_sub(paid);
		let now = Self::now();
		let commission = pool.commission_at(now).mul_floor(paid);
		let rest = paid.saturating_sub(commission);
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
		let mut to_pool = if earning.is_zero() {
			Zero::zero()
		} else {
			Self::proportion(
				rest,
				delegated,
				pool.self_bond.saturating_add(delegated),
				Rounding::Down,
			)
		};
		if !to_pool.is_zero() {
			let per_share =
				FixedU128::checked_from_rational(to_pool, earning).ok_or(Error::<T>::Overflow)?;
			// What the accumulator can hand out, rounded up: claims round down per staker but
			// over a sum of payments, so the pot keeps the exact share of every payment.
			let active: u128 = earning.unique_saturated_into();
			let distributed = multiply_by_rational_with_rounding(
				per_share.into_inner(),
				active,
				FixedU128::DIV,
				Rounding::Up,
			)
			.and_then(|d| BalanceOf::<T>::try_from(d).ok())
			.ok_or(Error::<T>::Overflow)?
			.min(to_pool);
			pool.reward_per_share =
				pool.reward_per_share.checked_add(&per_share).ok_or(Error::<T>::Overflow)?;
			to_pool = distributed;
			if !fresh.is_zero() {
				let mark = FreshRewardMark {
					reward_per_share: pool.reward_per_share,
					stakers: pool.fresh.stakers,
				};
				FreshRewardMarks::<T>::insert(&operator, now, mark);
			}
		}
		let to_operator = paid.saturating_sub(to_pool);
		if !to_operator.is_zero() {
			T::Currency::transfer(&Self::pot(), &operator, to_operator, Preservation::Preserve)?;
		}
		record.reward_budget = record.reward_budget.saturating_sub(paid);
		Services::<T>::insert(service, record);
		Operators::<T>::insert(&operator, pool);
		Self::deposit_event(Event::RewardsPaid {
			service,
			operator,
			to_operator,
			to_pool,
			withheld,
		});
		Ok(())
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
		let per_share = multiply_by_rational_with_rounding(
			amount.unique_saturated_into(),
			FixedU128::DIV,
			pool.total_shares.unique_saturated_into(),
			Rounding::Down,
		)
		.map(FixedU128::from_inner)
		.ok_or(Error::<T>::Overflow)?;
		pool.compensation_per_share = pool
			.compensation_per_share
			.checked_add(&per_share)
			.ok_or(Error::<T>::Overflow)?;
		T::Currency::transfer(from, &Self::pot(), amount, Preservation::Preserve)?;
		Operators::<T>::insert(operator, pool);
		Self::deposit_event(Event::CompensationPaid { operator: operator.clone(), amount });
		Ok(amount)
	}

	// ---- slashing ----

	/// Slashable stake of `operator` for each of its services, at `now`.
	pub(crate) fn exposures(
		operator: &T::AccountId,
		pool: &Operator<T>,
	) -> Vec<(ServiceId, BalanceOf<T>)> {
		Memberships::<T>::iter_prefix(operator)
			.map(|(service, membership)| {
				let magnitude = Self::magnitude_now(operator, service, &membership);
				(service, Self::slashable_total(pool, magnitude))
			})
			.collect()
	}

	/// Report every service whose slashable stake through `operator` fell.
	fn report_security(
		operator: &T::AccountId,
		before: Vec<(ServiceId, BalanceOf<T>)>,
		pool: &Operator<T>,
		except: Option<ServiceId>,
	) {
		let after = Self::exposures(operator, pool);
		for ((service, was), (_, now)) in before.into_iter().zip(after) {
			if now < was && Some(service) != except {
				T::OnSecurityReduced::on_security_reduced(operator, service, was, now);
				Self::deposit_event(Event::SecurityReduced {
					service,
					operator: operator.clone(),
					before: was,
					after: now,
				});
			}
		}
	}

	/// The most a factor update of `pool` can shift its delegators' losses against the pool's
	/// drop in value: one unit per share record (active position or withdrawal), plus one.
	fn rounding_bound(pool: &Operator<T>) -> BalanceOf<T> {
		let records = pool
			.delegator_count
			.saturating_mul(T::MaxWithdrawals::get().saturating_add(1))
			.saturating_add(1);
		BalanceOf::<T>::from(records)
	}

	/// Lower `pool`'s factor so that its value drops by `amount`; returns the actual drop.
	fn lower_factor(pool: &mut Operator<T>, amount: BalanceOf<T>) -> BalanceOf<T> {
		let value = pool.pool_value();
		if value.is_zero() || amount.is_zero() {
			return Zero::zero();
		}
		let keep =
			FixedU128::saturating_from_rational(value.saturating_sub(amount.min(value)), value);
		pool.factor = pool.factor.saturating_mul(keep);
		value.saturating_sub(pool.pool_value())
	}

	/// Slash the self-bond by up to `amount`; the funds go to `OnSlashedFunds`.
	fn slash_self_bond(
		operator: &T::AccountId,
		pool: &mut Operator<T>,
		amount: BalanceOf<T>,
	) -> BalanceOf<T> {
		if amount.is_zero() {
			return Zero::zero();
		}
		let (credit, missing) =
			T::Currency::slash(&HoldReason::SelfBond.into(), operator, amount.min(pool.self_bond));
		let taken = credit.peek();
		if !missing.is_zero() {
			defensive!("the self-bond is held in full");
		}
		pool.self_bond = pool.self_bond.saturating_sub(taken);
		T::OnSlashedFunds::on_unbalanced(credit);
		taken
	}

	/// Slash `operator` for `service`: `fraction` of `at_request` (the slashable self-bond and
	/// pool parts when the slash was requested) split by `tier`, each part at most what the
	/// service can slash of it now.
	pub(crate) fn do_slash(
		operator: &T::AccountId,
		service: ServiceId,
		fraction: Perbill,
		tier: SlashTier,
		at_request: (BalanceOf<T>, BalanceOf<T>),
	) -> Result<SlashOutcome<BalanceOf<T>>, DispatchError> {
		ensure!(!fraction.is_zero(), Error::<T>::NothingToSlash);
		let mut membership =
			Memberships::<T>::get(operator, service).ok_or(Error::<T>::NotOptedIn)?;
		let mut pool = Operators::<T>::get(operator).ok_or(Error::<T>::NotOperator)?;
		membership.settle(Self::now(), Self::held(operator, service));
		let magnitude = membership.magnitude;
		let (sb, pv) = Self::slashable_parts(&pool, magnitude);
		let slashable = sb.saturating_add(pv);
		ensure!(!slashable.is_zero(), Error::<T>::NothingToSlash);

		let (sb0, pv0) = at_request;
		let amount = fraction.mul_ceil(sb0.saturating_add(pv0));
		let (want_self, want_pool) = match tier {
			SlashTier::Minor => (amount.min(sb), Zero::zero()),
			SlashTier::Major => {
				// The self-bond at the request pays first; if it has shrunk since, the pool
				// does not pay its part.
				let first = amount.min(sb0);
				(first.min(sb), amount.saturating_sub(first).min(pv))
			},
			SlashTier::Critical => (fraction.mul_ceil(sb0).min(sb), fraction.mul_ceil(pv0).min(pv)),
		};
		let before = pool.total_stake();
		let others =
			if T::MaxLeverage::get() > 1 { Self::exposures(operator, &pool) } else { Vec::new() };
		let factor_before = pool.factor;
		let from_self_bond = Self::slash_self_bond(operator, &mut pool, want_self);
		let from_pool = Self::lower_factor(&mut pool, want_pool);
		if pool.factor != factor_before {
			let rounding = Self::rounding_bound(&pool);
			Losses::<T>::mutate(operator, |l| {
				l.from_service_slashes = l.from_service_slashes.saturating_add(from_pool);
				l.rounding = l.rounding.saturating_add(rounding);
			});
		}
		let taken = from_self_bond.saturating_add(from_pool);

		// Shrink this service's magnitude by the share of its slashable stake that was taken.
		// Unique stake (`MaxLeverage = 1`) also shrinks `max_magnitude` by as much, so every
		// other service keeps its slashable stake; shared security leaves `max_magnitude`, so
		// the others lose their part of what was taken.
		let (taken_u128, slashable_u128): (u128, u128) =
			(taken.unique_saturated_into(), slashable.unique_saturated_into());
		let g = Perquintill::from_rational_with_rounding(taken_u128, slashable_u128, Rounding::Up)
			.unwrap_or(Perquintill::one());
		let delta = g.mul_ceil(magnitude.deconstruct()).min(magnitude.deconstruct());
		membership.magnitude =
			Perquintill::from_parts(magnitude.deconstruct().saturating_sub(delta));
		if let Some((next, at)) = membership.pending {
			let next = Perquintill::from_parts(
				next.deconstruct().saturating_sub(g.mul_ceil(next.deconstruct())),
			);
			membership.pending = Some((next, at));
		}
		if T::MaxLeverage::get() <= 1 {
			pool.max_magnitude =
				Perquintill::from_parts(pool.max_magnitude.deconstruct().saturating_sub(delta));
		}
		Memberships::<T>::insert(operator, service, membership);
		Self::put_operator(operator, before, &pool);
		if !others.is_empty() {
			Self::report_security(operator, others, &pool, Some(service));
		}
		let outcome =
			SlashOutcome { from_self_bond, from_pool, factor_before, factor_after: pool.factor };
		Self::deposit_event(Event::OperatorSlashed {
			operator: operator.clone(),
			service,
			from_self_bond,
			from_pool,
			factor_before,
			factor_after: pool.factor,
		});
		Ok(outcome)
	}

	/// A base-layer slash reached `stash`: shrink its restaked position, and if it is an
	/// operator, its self-bond and pool, by the same fraction.
	pub(crate) fn on_base_slash(stash: &T::AccountId, slashed_total: BalanceOf<T>) {
		if Realizing::<T>::get() || slashed_total.is_zero() {
			return;
		}
		// `pallet-staking` notifies before it writes the slashed ledger back, so the stored
		// total is the stake the slash was taken from.
		let Some(total) = T::BaseStaking::total_stake(stash) else { return };
		let (slashed, total): (u128, u128) = (
			slashed_total.unique_saturated_into(),
			total.max(slashed_total).unique_saturated_into(),
		);
		if let Some(ledger) = Stakers::<T>::get(stash) {
			// The restaked funds may exceed what is still bonded (the staker unbonded and
			// withdrew; the freeze kept them in its account): then only the bonded part of
			// them was slashed. The position shrinks by at most what the base layer took.
			let restaked: u128 = ledger.restaked().unique_saturated_into();
			let fraction = Perquintill::from_rational(slashed, total.max(restaked));
			Self::base_slash_staker(stash, ledger, fraction);
		}
		if let Some(pool) = Operators::<T>::get(stash) {
			Self::base_slash_operator(stash, pool, Perquintill::from_rational(slashed, total));
		}
	}

	fn base_slash_staker(stash: &T::AccountId, mut ledger: StakerLedger<T>, fraction: Perquintill) {
		let Some(mut pool) = Operators::<T>::get(&ledger.operator) else {
			defensive!("a staker's operator exists");
			return;
		};
		let operator = ledger.operator.clone();
		let exposures = Self::exposures(&operator, &pool);
		let before = pool.total_stake();
		let value_before = ledger.restaked();
		let pending_before = ledger.pending_loss(&pool);
		Self::checkpoint(&mut ledger, &pool);
		// Shares shrink by the fraction rounded up, the frozen value by the fraction rounded
		// down (the freeze never falls by more than the base layer took); the value never
		// drops below what the remaining shares are worth (the pending loss stays ≥ 0).
		let burn = |shares: &mut BalanceOf<T>, value: &mut BalanceOf<T>| -> BalanceOf<T> {
			let cut = Self::fraction_ceil(fraction, *shares).min(*shares);
			*shares = shares.saturating_sub(cut);
			let drop = Self::ratio_of(
				*value,
				fraction.deconstruct().into(),
				Perquintill::ACCURACY.into(),
				Rounding::Down,
			);
			*value = value.saturating_sub(drop).max(pool.value_of(*shares));
			cut
		};
		let active_cut = burn(&mut ledger.shares, &mut ledger.value);
		let mut cut = active_cut;
		for w in ledger.withdrawals.iter_mut() {
			cut = cut.saturating_add(burn(&mut w.shares, &mut w.value));
		}
		ledger.queued_outflow = ledger.queued_outflow.min(ledger.value);
		// The base layer took its fraction of the loss still pending with the bond. Rounding
		// the value down and the shares up may instead leave a unit or two more pending (always
		// against the staker); that is rounding, accounted as such.
		let pending_after = ledger.pending_loss(&pool);
		let absorbed = pending_before.saturating_sub(pending_after);
		let rounded = pending_after.saturating_sub(pending_before);
		if !absorbed.is_zero() || !rounded.is_zero() {
			Losses::<T>::mutate(&operator, |l| {
				l.realized = l.realized.saturating_add(absorbed);
				l.rounding = l.rounding.saturating_add(rounded);
			});
		}
		pool.total_shares = pool.total_shares.saturating_sub(cut);
		pool.active_shares = pool.active_shares.saturating_sub(active_cut);
		let value_after = ledger.restaked();
		if Self::put_staker(stash, ledger, &mut pool).is_err() {
			defensive!("lowering a freeze cannot fail");
		}
		Self::put_operator(&operator, before, &pool);
		Self::deposit_event(Event::StakerBaseSlashed {
			staker: stash.clone(),
			operator: operator.clone(),
			value_before,
			value_after,
		});
		Self::report_security(&operator, exposures, &pool, None);
	}

	fn base_slash_operator(operator: &T::AccountId, mut pool: Operator<T>, fraction: Perquintill) {
		let exposures = Self::exposures(operator, &pool);
		let before = pool.total_stake();
		let cut = Self::fraction_ceil(fraction, pool.self_bond);
		let from_self_bond = Self::slash_self_bond(operator, &mut pool, cut);
		let keep = Perquintill::one().saturating_sub(fraction);
		let value_before = pool.pool_value();
		let factor_before = pool.factor;
		pool.factor = pool.factor.saturating_mul(FixedU128::from_rational(
			keep.deconstruct().into(),
			Perquintill::ACCURACY.into(),
		));
		let dropped = value_before.saturating_sub(pool.pool_value());
		// A factor lowered by less than a unit of the pool's value may still round each
		// delegator's share value down by one: the rounding is booked whenever shares are priced
		// at the new factor, not only when the pool's value visibly dropped.
		if !pool.total_shares.is_zero() && pool.factor != factor_before {
			let rounding = Self::rounding_bound(&pool);
			Losses::<T>::mutate(operator, |l| {
				l.from_base_slashes = l.from_base_slashes.saturating_add(dropped);
				l.rounding = l.rounding.saturating_add(rounding);
			});
		}
		Self::put_operator(operator, before, &pool);
		Self::deposit_event(Event::OperatorBaseSlashed {
			operator: operator.clone(),
			fraction,
			from_self_bond,
		});
		Self::report_security(operator, exposures, &pool, None);
	}

	// ---- idle work ----

	/// Start queued outflow that fits this era's cap, then realize pending losses from where
	/// the last sweep stopped, within `limit`.
	pub(crate) fn sweep(limit: Weight) -> Weight {
		let per_item = T::WeightInfo::settle();
		let db = T::DbWeight::get();
		let mut used = db.reads(2);
		if used.any_gt(limit) {
			return Weight::zero();
		}

		// Outflow queue, first come first served.
		let mut queue = OutflowQueue::<T>::get();
		let mut changed = false;
		while let Some(who) = queue.first().cloned() {
			if used.saturating_add(per_item).any_gt(limit) {
				break;
			}
			let (outflow, capacity) = Self::outflow_capacity();
			if capacity.is_zero() {
				break;
			}
			used.saturating_accrue(per_item);
			match with_storage_layer(|| Self::release_outflow(&who, outflow, capacity)) {
				Ok(true) | Err(_) => {
					queue.remove(0);
					changed = true;
				},
				Ok(false) => break,
			}
		}
		if changed {
			OutflowQueue::<T>::put(queue);
			used.saturating_accrue(db.writes(1));
		}

		// Pending losses: visit as many stakers as the weight allows, from the cursor on.
		let room = limit.saturating_sub(used.saturating_add(db.writes(1)));
		let budget =
			room.ref_time().checked_div(per_item.ref_time().max(1)).unwrap_or(0).min(
				room.proof_size().checked_div(per_item.proof_size().max(1)).unwrap_or(u64::MAX),
			) as usize;
		if budget == 0 {
			return used;
		}
		let visited: Vec<T::AccountId> = match SweepCursor::<T>::get() {
			Some(key) => Stakers::<T>::iter_keys_from(key.into_inner()).take(budget).collect(),
			None => Stakers::<T>::iter_keys().take(budget).collect(),
		};
		for who in &visited {
			used.saturating_accrue(per_item);
			// Refused with `NothingToSettle`, before any write, when there is no pending loss.
			let _ = with_storage_layer(|| Self::do_settle(who));
		}
		match visited.last() {
			Some(last) if visited.len() == budget => {
				match BoundedVec::try_from(Stakers::<T>::hashed_key_for(last)) {
					Ok(key) => SweepCursor::<T>::put(key),
					Err(_) => SweepCursor::<T>::kill(),
				}
			},
			_ => SweepCursor::<T>::kill(),
		}
		used.saturating_add(db.writes(1))
	}

	/// Start as much of `who`'s queued outflow as `capacity` allows. `Ok(true)` when nothing
	/// of it is left queued.
	fn release_outflow(
		who: &T::AccountId,
		mut outflow: EraOutflow<BalanceOf<T>>,
		capacity: BalanceOf<T>,
	) -> Result<bool, DispatchError> {
		// `touch` keeps the queued outflow within the value that is left.
		let (mut ledger, mut pool, _) = Self::touch(who)?;
		let queued = ledger.queued_outflow;
		let part = queued.min(capacity);
		let before = pool.total_stake();
		if !part.is_zero() {
			Self::start_withdrawal(who, &mut ledger, &mut pool, part, &mut outflow, true)?;
		}
		// At most the value left (see `start_withdrawal`).
		ledger.queued_outflow = queued.saturating_sub(part).min(ledger.value);
		let done = ledger.queued_outflow.is_zero();
		let operator = ledger.operator.clone();
		Self::put_staker(who, ledger, &mut pool)?;
		Self::put_operator(&operator, before, &pool);
		Ok(done)
	}

	// ---- genesis and checks ----

	/// Build the genesis state through the same code paths as the calls. Concentration caps
	/// apply to later changes, not to the configured starting point (they could not be met
	/// one registration at a time), so they are lifted while it is built.
	pub(crate) fn build_genesis(config: &GenesisConfig<T>) -> DispatchResult {
		let parameters = ActiveParameters::<T>::get();
		ActiveParameters::<T>::put(Parameters {
			max_operator_share: Perbill::one(),
			max_service_operator_share: Perbill::one(),
			..parameters
		});
		let built = Self::build_genesis_state(config);
		ActiveParameters::<T>::put(parameters);
		built
	}

	fn build_genesis_state(config: &GenesisConfig<T>) -> DispatchResult {
		let pot = Self::pot();
		if T::Currency::balance(&pot).is_zero() {
			T::Currency::mint_into(&pot, T::Currency::minimum_balance())?;
		}
		for (owner, metadata, min_stake, max_operators, approval, budget) in &config.services {
			let id = Self::do_register_service(
				owner.clone(),
				metadata.clone(),
				*min_stake,
				*max_operators,
				*approval,
			)?;
			if !budget.is_zero() {
				Self::do_fund_service(owner.clone(), id, *budget)?;
			}
		}
		for (who, self_bond, commission, metadata) in &config.operators {
			Self::do_register_operator(who.clone(), *self_bond, *commission, metadata.clone())?;
		}
		for (operator, service, magnitude) in &config.allocations {
			Self::do_opt_in(operator.clone(), *service)?;
			// Genesis approves the member as its owner would.
			if Memberships::<T>::get(operator, service).is_some_and(|m| !m.approved) {
				let owner = Services::<T>::get(service).ok_or(Error::<T>::UnknownService)?.owner;
				Self::do_approve_operator(owner, *service, operator.clone())?;
			}
			Memberships::<T>::mutate(operator, service, |membership| {
				if let Some(membership) = membership {
					membership.magnitude = *magnitude;
				}
			});
		}
		for (staker, operator, amount) in &config.delegations {
			Self::do_delegate(staker.clone(), operator.clone(), *amount)?;
		}
		Ok(())
	}

	pub(crate) fn check_constants() {
		assert!(!T::AllocationDelay::get().is_zero(), "AllocationDelay must be positive");
		assert!(
			T::DeallocationDelay::get() <= T::UndelegationDelay::get(),
			"DeallocationDelay must not exceed UndelegationDelay"
		);
		assert!(T::MaxLeverage::get() >= 1, "MaxLeverage must be at least 1");
		assert!(T::MaxOperatorsPerService::get() > 0, "MaxOperatorsPerService must be positive");
		assert!(T::MaxServicesPerOperator::get() > 0, "MaxServicesPerOperator must be positive");
		assert!(T::MaxWithdrawals::get() > 0, "MaxWithdrawals must be positive");
		assert!(T::MaxOutflowQueue::get() > 0, "MaxOutflowQueue must be positive");
		assert!(T::DefaultParameters::get().is_valid(), "DefaultParameters must be valid");
		assert!(T::MaxCommission::get() <= Perbill::one(), "MaxCommission is a fraction");
	}

	/// Every invariant of the pallet's storage (native builds and `try-runtime`).
	#[cfg(any(feature = "try-runtime", feature = "std"))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		use frame_support::traits::fungible::{InspectFreeze, InspectHold};
		use sp_runtime::TryRuntimeError;

		let now = Self::now();
		let mut shares: BTreeMap<T::AccountId, PoolTally<T>> = BTreeMap::new();
		let mut owed = BalanceOf::<T>::zero();
		let mut debts = BalanceOf::<T>::zero();
		let mut pending: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let queue = OutflowQueue::<T>::get();
		let mut fresh_now: BTreeMap<T::AccountId, (BalanceOf<T>, u32)> = BTreeMap::new();
		let mut marked: BTreeMap<(T::AccountId, BlockNumberFor<T>), u32> = BTreeMap::new();
		for (who, ledger) in Stakers::<T>::iter() {
			let pool = Operators::<T>::get(&ledger.operator)
				.ok_or(TryRuntimeError::Other("staker's operator is not registered"))?;
			let entry = shares.entry(ledger.operator.clone()).or_default();
			let withdrawing = ledger
				.withdrawals
				.iter()
				.fold(BalanceOf::<T>::zero(), |a, w| a.saturating_add(w.shares));
			entry.0 = entry.0.saturating_add(ledger.shares).saturating_add(withdrawing);
			entry.1 = entry.1.saturating_add(ledger.shares);
			entry.2 += 1 + ledger.withdrawals.len() as u32;
			entry.3 = entry.3.saturating_add(pool.value_of(ledger.shares));
			let owes = pending.entry(ledger.operator.clone()).or_default();
			*owes = owes.saturating_add(ledger.pending_loss(&pool));
			for w in ledger.withdrawals.iter() {
				entry.3 = entry.3.saturating_add(pool.value_of(w.shares));
				ensure!(
					w.value >= pool.value_of(w.shares),
					"withdrawal value below its share value"
				);
			}
			ensure!(ledger.value >= pool.value_of(ledger.shares), "value below its share value");
			let frozen = T::Currency::balance_frozen(&FreezeReason::Restaked.into(), &who);
			ensure!(frozen == ledger.frozen(), "freeze differs from restaked + queued + debt");
			debts = debts.saturating_add(ledger.debt);
			ensure!(
				T::Currency::total_balance(&who)
					>= ledger.frozen().saturating_sub(ledger.pending_loss(&pool)),
				"restaked funds are not in the staker's account"
			);
			// A slash may empty a queued position before its turn; the queue then skips it.
			ensure!(
				ledger.queued_outflow.is_zero() || queue.contains(&who),
				"queued outflow missing from the outflow queue"
			);
			ensure!(ledger.queued_outflow <= ledger.value, "queued outflow above active value");
			let (r, c) = ledger.accrued(&pool, now, Self::fresh_mark(&ledger, now));
			if let Some(fresh) = &ledger.fresh {
				ensure!(fresh.block <= now, "fresh shares from a future block");
				ensure!(
					!fresh.shares.is_zero() && fresh.shares <= ledger.shares,
					"fresh shares empty or above the active shares"
				);
				if fresh.block == now && pool.fresh.block == now {
					let tally = fresh_now.entry(ledger.operator.clone()).or_default();
					tally.0 = tally.0.saturating_add(fresh.shares);
					tally.1 += 1;
				}
				*marked.entry((ledger.operator.clone(), fresh.block)).or_default() += 1;
			}
			owed = owed
				.saturating_add(ledger.unclaimed_rewards)
				.saturating_add(ledger.unclaimed_compensation)
				.saturating_add(r)
				.saturating_add(c);
		}
		ensure!(
			queue.len() == queue.iter().collect::<alloc::collections::BTreeSet<_>>().len(),
			"a staker is queued twice"
		);
		for (who, debt) in Debts::<T>::iter() {
			ensure!(!debt.amount.is_zero(), "an empty debt is kept");
			ensure!(!Stakers::<T>::contains_key(&who), "a debtor of a closed position delegates");
			ensure!(
				T::Currency::balance_frozen(&FreezeReason::Restaked.into(), &who) == debt.amount,
				"a closed position's debt is not frozen"
			);
			debts = debts.saturating_add(debt.amount);
		}
		ensure!(Shortfall::<T>::get() == debts, "shortfall differs from the debts owed");
		for (operator, block, mark) in FreshRewardMarks::<T>::iter() {
			let holders = marked.get(&(operator, block)).copied().unwrap_or_default();
			ensure!(
				mark.stakers != 0 && mark.stakers == holders,
				"a fresh-reward mark counts other stakers than hold fresh shares of its block"
			);
		}

		let mut total = BalanceOf::<T>::zero();
		let mut operators = 0u32;
		for (who, pool) in Operators::<T>::iter() {
			operators += 1;
			let (all, active, records, values) = shares.get(&who).cloned().unwrap_or_default();
			ensure!(pool.total_shares == all, "pool shares differ from the stakers' shares");
			ensure!(pool.active_shares == active, "active shares differ from the stakers'");
			if pool.fresh.block == now {
				let (fresh, holders) = fresh_now.get(&who).copied().unwrap_or_default();
				ensure!(
					pool.fresh.shares == fresh && pool.fresh.stakers == holders,
					"the pool's fresh shares differ from its stakers'"
				);
			}
			ensure!(
				values <= pool.pool_value()
					&& pool.pool_value() <= values.saturating_add(records.into()),
				"pool value differs from the stakers' values beyond rounding"
			);
			// Every loss imposed on the pool is either realized or still pending on a delegator,
			// up to the rounding the factor updates may have left (a unit per share record at
			// each).
			let losses = Losses::<T>::get(&who);
			let imposed = losses.from_service_slashes.saturating_add(losses.from_base_slashes);
			let tolerance = losses.rounding;
			let pending = pending.get(&who).copied().unwrap_or_default();
			ensure!(
				losses.realized <= imposed.saturating_add(tolerance),
				"more loss realized than was imposed"
			);
			let unrealized = imposed.saturating_sub(losses.realized);
			ensure!(
				unrealized <= pending.saturating_add(tolerance)
					&& pending <= unrealized.saturating_add(tolerance),
				"pending losses differ from the losses imposed and not realized"
			);
			ensure!(losses.realized_from_bond <= losses.realized, "more from bonds than realized");
			let delegators = Stakers::<T>::iter_values().filter(|l| l.operator == who).count();
			ensure!(pool.delegator_count as usize == delegators, "delegator count is off");
			ensure!(pool.max_magnitude <= Perquintill::one(), "max magnitude above one");
			let mut encumbered = 0u128;
			let mut memberships = 0u32;
			for (service, membership) in Memberships::<T>::iter_prefix(&who) {
				memberships += 1;
				let held = Self::held(&who, service);
				encumbered = encumbered
					.saturating_add(membership.encumbered_at(now, held).deconstruct().into());
				let allocated = !membership.magnitude.is_zero() || membership.pending.is_some();
				ensure!(
					!(membership.approved || allocated) || Self::is_listed(&who, service),
					"an approved or allocated member is missing from the service's operators"
				);
				ensure!(
					!allocated || membership.approved || membership.pending.is_some(),
					"a removed member keeps an allocation without a pending end"
				);
				ensure!(
					membership.magnitude_at(now, held) <= pool.max_magnitude,
					"allocation above max magnitude"
				);
			}
			ensure!(pool.service_count == memberships, "service count is off");
			ensure!(
				encumbered
					<= u128::from(pool.max_magnitude.deconstruct())
						.saturating_mul(T::MaxLeverage::get().into()),
				"allocations exceed the leverage bound"
			);
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::SelfBond.into(), &who) == pool.self_bond,
				"held self-bond differs"
			);
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::OperatorDeposit.into(), &who)
					== pool.deposit,
				"held operator deposit differs"
			);
			total = total.saturating_add(pool.total_stake());
		}
		ensure!(Operators::<T>::count() == operators, "operator counter is off");
		ensure!(TotalRestaked::<T>::get() == total, "total restaked differs");

		let mut budgets = BalanceOf::<T>::zero();
		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (id, service) in Services::<T>::iter() {
			let members = ServiceOperators::<T>::get(id);
			ensure!(members.len() as u32 == service.operator_count, "operator count is off");
			ensure!(service.operator_count <= service.max_operators, "too many operators");
			for op in members.iter() {
				ensure!(Memberships::<T>::contains_key(op, id), "service lists a non-member");
			}
			ensure!(
				members.len() == members.iter().collect::<alloc::collections::BTreeSet<_>>().len(),
				"a service lists an operator twice"
			);
			budgets = budgets.saturating_add(service.reward_budget);
			let held = deposits.entry(service.owner.clone()).or_default();
			*held = held.saturating_add(service.deposit);
		}
		for (owner, deposit) in deposits {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::ServiceDeposit.into(), &owner) == deposit,
				"held service deposits differ"
			);
		}
		let pot = T::Currency::balance(&Self::pot());
		ensure!(
			pot >= budgets.saturating_add(owed),
			"the pot holds less than budgets and owed rewards"
		);
		ensure!(!Realizing::<T>::get(), "re-entrancy flag left set");
		Ok(())
	}
}

impl<T: Config> RestakingInterface<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn service_is_live(service: ServiceId) -> bool {
		Services::<T>::get(service).is_some_and(|s| s.status != ServiceStatus::Retired)
	}

	fn service_owner(service: ServiceId) -> Option<T::AccountId> {
		Services::<T>::get(service).map(|s| s.owner)
	}

	fn slashable_stake(
		operator: &T::AccountId,
		service: ServiceId,
	) -> Option<(BalanceOf<T>, BalanceOf<T>)> {
		let membership = Memberships::<T>::get(operator, service)?;
		let pool = Operators::<T>::get(operator)?;
		let magnitude = Self::magnitude_now(operator, service, &membership);
		if magnitude.is_zero() {
			return None;
		}
		Some(Self::slashable_parts(&pool, magnitude))
	}

	fn slash(
		operator: &T::AccountId,
		service: ServiceId,
		fraction: Perbill,
		tier: SlashTier,
		at_request: (BalanceOf<T>, BalanceOf<T>),
	) -> Result<SlashOutcome<BalanceOf<T>>, DispatchError> {
		Self::do_slash(operator, service, fraction, tier, at_request)
	}

	fn service_has_allocations(service: ServiceId) -> bool {
		let now = Self::now();
		ServiceOperators::<T>::get(service).iter().any(|operator| {
			Memberships::<T>::get(operator, service)
				.is_some_and(|m| m.is_allocated(now, Self::held(operator, service)))
		})
	}

	fn pool_losses(operator: &T::AccountId) -> LossLedger<BalanceOf<T>> {
		Losses::<T>::get(operator)
	}

	fn compensate(
		operator: &T::AccountId,
		from: &T::AccountId,
		amount: BalanceOf<T>,
	) -> Result<BalanceOf<T>, DispatchError> {
		Self::do_compensate(operator, from, amount)
	}
}

impl<T: Config> StakerInterface<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn is_operator(who: &T::AccountId) -> bool {
		Operators::<T>::contains_key(who)
	}

	fn delegate(
		staker: &T::AccountId,
		operator: &T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		Self::do_delegate(staker.clone(), operator.clone(), amount)
	}

	fn undelegate(staker: &T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		Self::do_undelegate(staker.clone(), amount, Exit::Integration)
	}

	fn withdraw(staker: &T::AccountId) -> Result<BalanceOf<T>, DispatchError> {
		Self::do_withdraw_unbonded(staker.clone(), Exit::Integration)
	}

	fn claim(staker: &T::AccountId) -> Result<BalanceOf<T>, DispatchError> {
		Self::do_claim(staker.clone())
	}

	fn restakeable(staker: &T::AccountId) -> BalanceOf<T> {
		let Some(active) = T::BaseStaking::active_stake(staker) else { return Zero::zero() };
		let limit = ActiveParameters::<T>::get().max_restake_ratio.mul_floor(active);
		let restaked = Stakers::<T>::get(staker).map_or_else(Zero::zero, |l| l.frozen());
		limit.saturating_sub(restaked)
	}

	fn position(staker: &T::AccountId) -> Option<StakerPosition<T::AccountId, BalanceOf<T>>> {
		let ledger = Stakers::<T>::get(staker)?;
		let pool = Operators::<T>::get(&ledger.operator)?;
		let now = Self::now();
		let zero = BalanceOf::<T>::zero();
		let (withdrawing, withdrawable) =
			ledger.withdrawals.iter().fold((zero, zero), |(all, due), w| {
				let value = pool.value_of(w.shares);
				let due = if w.unlock_at <= now { due.saturating_add(value) } else { due };
				(all.saturating_add(value), due)
			});
		let (rewards, compensation) = ledger.accrued(&pool, now, Self::fresh_mark(&ledger, now));
		Some(StakerPosition {
			active: pool.value_of(ledger.shares),
			withdrawing,
			withdrawable,
			queued_outflow: ledger.queued_outflow,
			pending_loss: ledger.pending_loss(&pool).saturating_add(ledger.debt),
			claimable: ledger
				.unclaimed_rewards
				.saturating_add(ledger.unclaimed_compensation)
				.saturating_add(rewards)
				.saturating_add(compensation),
			compensation: ledger.unclaimed_compensation.saturating_add(compensation),
			operator: ledger.operator,
		})
	}

	fn slashable_by_service(staker: &T::AccountId) -> Vec<(ServiceId, BalanceOf<T>)> {
		Self::staker_exposure(staker.clone())
			.map(|e| e.services.into_iter().map(|s| (s.service, s.slashable)).collect())
			.unwrap_or_default()
	}

	fn slash_pending(operator: &T::AccountId) -> bool {
		T::ExitGuard::exits_frozen(operator)
	}
}

impl<T: Config> sp_staking::OnStakingUpdate<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn on_slash(
		stash: &T::AccountId,
		_slashed_active: BalanceOf<T>,
		_slashed_unlocking: &alloc::collections::btree_map::BTreeMap<
			sp_staking::EraIndex,
			BalanceOf<T>,
		>,
		slashed_total: BalanceOf<T>,
	) {
		Self::on_base_slash(stash, slashed_total);
	}
}
