//! `try_state`: every invariant of the pallet's storage, at two depths (see
//! [`Pallet::do_try_state`]).

use alloc::collections::{btree_map::BTreeMap, btree_set::BTreeSet};
use frame_support::{
	ensure,
	traits::{
		fungible::{Inspect, InspectFreeze, InspectHold},
		Get,
	},
};
use restaking_primitives::restaking::StakingExtension;
use sp_arithmetic::{
	traits::{Saturating, Zero},
	Perquintill,
};
use sp_runtime::TryRuntimeError;

use crate::{pallet::*, BalanceOf, BlockNumberFor};

/// Per operator, what its stakers' records add up to.
#[derive(frame_support::DefaultNoBound)]
struct PoolTally<T: Config> {
	/// Stakers delegating to the operator.
	delegators: u32,
	/// Active and withdrawing shares.
	shares: BalanceOf<T>,
	active_shares: BalanceOf<T>,
	/// Share records: one active part per staker, one per withdrawal.
	records: u32,
	/// What the shares are worth at the pool's factor, each record rounded down.
	values: BalanceOf<T>,
}

/// What the stakers' records owe and are owed, for the pallet-wide checks.
struct StakerTotals<T: Config> {
	/// Rewards and compensation owed to stakers, claimed or accrued.
	owed: BalanceOf<T>,
	/// Debts the stakers' records carry.
	debts: BalanceOf<T>,
}

impl<T: Config> Pallet<T> {
	/// Every yield history belongs to an operator, has one record per era in order, and none
	/// from a later era than the base layer's; O(operators × YieldEras).
	fn check_history() -> Result<(), TryRuntimeError> {
		let era = T::StakingExtension::active_era();
		for (operator, history) in PoolHistory::<T>::iter() {
			ensure!(
				Operators::<T>::contains_key(&operator),
				"a yield history outlives its operator"
			);
			ensure!(
				history.windows(2).all(|pair| pair[0].era < pair[1].era),
				"a yield history is out of era order"
			);
			ensure!(
				history.last().is_none_or(|last| last.era <= era),
				"a yield history has a record of a later era"
			);
		}
		Ok(())
	}

	/// Check the pallet's invariants as deep as `level` asks; the `try_state` hook asks for all.
	/// - `0`: none.
	/// - `1`: operators, their memberships, services, debts of closed positions, the outflow
	///   queue and the totals, against each other and the balances pallet; O(operators +
	///   memberships × operators per service + services + debts).
	/// - `2` and above: also every staker's record against its operator's pool, its place in
	///   the outflow queue and the fresh-reward marks; O(stakers + withdrawals).
	pub fn do_try_state(level: u8) -> Result<(), TryRuntimeError> {
		if level == 0 {
			return Ok(());
		}
		Self::check_operators()?;
		Self::check_history()?;
		let budgets = Self::check_services()?;
		let closed_debts = Self::check_closed_debts()?;
		let queue = OutflowQueue::<T>::get();
		ensure!(
			queue.len() == queue.iter().collect::<BTreeSet<_>>().len(),
			"a staker is queued twice"
		);
		ensure!(!Realizing::<T>::get(), "re-entrancy flag left set");
		let owed = if level >= 2 {
			let StakerTotals { owed, debts } = Self::check_stakers(&queue)?;
			ensure!(
				Shortfall::<T>::get() == closed_debts.saturating_add(debts),
				"shortfall differs from the debts owed"
			);
			owed
		} else {
			ensure!(Shortfall::<T>::get() >= closed_debts, "shortfall below the closed debts");
			Zero::zero()
		};
		ensure!(
			T::Currency::balance(&Self::pot()) >= budgets.saturating_add(owed),
			"the pot holds less than budgets and owed rewards"
		);
		Ok(())
	}

	/// Level 1: every operator's pool, memberships and holds, and the totals.
	fn check_operators() -> Result<(), TryRuntimeError> {
		let now = Self::now();
		let mut total = BalanceOf::<T>::zero();
		let mut operators = 0u32;
		for (who, pool) in Operators::<T>::iter() {
			operators += 1;
			let losses = Losses::<T>::get(&who);
			let imposed = losses.from_service_slashes.saturating_add(losses.from_base_slashes);
			ensure!(
				losses.realized <= imposed.saturating_add(losses.rounding),
				"more loss realized than was imposed"
			);
			ensure!(losses.realized_from_bond <= losses.realized, "more from bonds than realized");
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
			total = total.saturating_add(pool.restaked());
		}
		ensure!(Operators::<T>::count() == operators, "operator counter is off");
		ensure!(TotalRestaked::<T>::get() == total, "total restaked differs");
		Ok(())
	}

	/// Level 1: every service against its operator list and its owner's deposit hold. Returns
	/// the reward budgets the pot must hold.
	fn check_services() -> Result<BalanceOf<T>, TryRuntimeError> {
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
				members.len() == members.iter().collect::<BTreeSet<_>>().len(),
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
		Ok(budgets)
	}

	/// Level 1: the debts of closed positions, each frozen on its debtor. Returns their sum.
	fn check_closed_debts() -> Result<BalanceOf<T>, TryRuntimeError> {
		let mut debts = BalanceOf::<T>::zero();
		for (who, debt) in Debts::<T>::iter() {
			ensure!(!debt.amount.is_zero(), "an empty debt is kept");
			ensure!(!Stakers::<T>::contains_key(&who), "a debtor of a closed position delegates");
			ensure!(
				T::Currency::balance_frozen(&FreezeReason::Restaked.into(), &who) == debt.amount,
				"a closed position's debt is not frozen"
			);
			debts = debts.saturating_add(debt.amount);
		}
		Ok(debts)
	}

	/// Level 2: every staker's record against its operator's pool, the outflow queue and the
	/// fresh-reward marks.
	fn check_stakers(queue: &[T::AccountId]) -> Result<StakerTotals<T>, TryRuntimeError> {
		let now = Self::now();
		let mut shares: BTreeMap<T::AccountId, PoolTally<T>> = BTreeMap::new();
		let mut owed = BalanceOf::<T>::zero();
		let mut debts = BalanceOf::<T>::zero();
		let mut pending: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
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
			entry.delegators += 1;
			entry.shares = entry.shares.saturating_add(ledger.shares).saturating_add(withdrawing);
			entry.active_shares = entry.active_shares.saturating_add(ledger.shares);
			entry.records += 1 + ledger.withdrawals.len() as u32;
			entry.values = entry.values.saturating_add(pool.value_of(ledger.shares));
			let owes = pending.entry(ledger.operator.clone()).or_default();
			*owes = owes.saturating_add(ledger.pending_loss(&pool));
			for w in ledger.withdrawals.iter() {
				entry.values = entry.values.saturating_add(pool.value_of(w.shares));
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
		for (operator, block, mark) in FreshRewardMarks::<T>::iter() {
			let holders = marked.get(&(operator, block)).copied().unwrap_or_default();
			ensure!(
				mark.stakers != 0 && mark.stakers == holders,
				"a fresh-reward mark counts other stakers than hold fresh shares of its block"
			);
		}
		for (who, pool) in Operators::<T>::iter() {
			let PoolTally { delegators, shares: all, active_shares: active, records, values } =
				shares.remove(&who).unwrap_or_default();
			ensure!(pool.total_shares == all, "pool shares differ from the stakers' shares");
			ensure!(pool.active_shares == active, "active shares differ from the stakers'");
			ensure!(pool.delegator_count == delegators, "delegator count is off");
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
			let unrealized = imposed.saturating_sub(losses.realized);
			ensure!(
				unrealized <= pending.saturating_add(tolerance)
					&& pending <= unrealized.saturating_add(tolerance),
				"pending losses differ from the losses imposed and not realized"
			);
		}
		Ok(StakerTotals { owed, debts })
	}
}
