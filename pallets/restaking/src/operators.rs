//! Operators: registration, commission, self-bond, closing the pool, service membership and
//! allocations.

use alloc::vec::Vec;
use frame_support::{
	dispatch::DispatchResult,
	ensure,
	storage::with_storage_layer,
	traits::{fungible::MutateHold, tokens::Precision, Get},
};
use restaking_primitives::restaking::{ExitGuard, ServiceId};
use sp_arithmetic::{
	traits::{CheckedAdd, One, Saturating, Zero},
	FixedU128, Perbill, Perquintill,
};

use sp_runtime::ArithmeticError;

use crate::{
	delegation::Exit,
	ledger::{PoolEntry, Touched},
};
use crate::{pallet::*, types::*, BalanceOf};

impl<T: Config> Pallet<T> {
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
		let total = TotalRestaked::<T>::get()
			.checked_add(&self_bond)
			.ok_or(ArithmeticError::Overflow)?;
		// The newcomer counts towards the operators the cap needs.
		let cap = ActiveParameters::<T>::get().max_operator_share;
		if (Operators::<T>::count() as u64).saturating_add(1) >= Self::operators_for_cap(cap) {
			ensure!(self_bond <= cap.mul_floor(total), Error::<T>::OperatorConcentrationExceeded);
		}
		let deposit = T::OperatorDeposit::get();
		T::Currency::hold(&HoldReason::OperatorDeposit.into(), &who, deposit)?;
		T::Currency::hold(&HoldReason::SelfBond.into(), &who, self_bond)?;
		let pool = Operator::<T> {
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
		PoolEntry::new(who.clone(), pool).commit();
		// The yield history starts here: eras before the operator existed count for nothing.
		Self::note_pool_era(&who, initial_factor(), |_| ());
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
		Self::deposit_event(Event::CommissionChangeScheduled {
			operator: who,
			commission,
			effective_at: at,
		});
		Ok(())
	}

	pub(crate) fn do_bond_more(who: T::AccountId, amount: BalanceOf<T>) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::AmountTooLow);
		let mut pool = PoolEntry::<T>::load(&who).ok_or(Error::<T>::NotOperator)?;
		pool.self_bond = pool.self_bond.checked_add(&amount).ok_or(ArithmeticError::Overflow)?;
		Self::ensure_operator_share(&pool)?;
		T::Currency::hold(&HoldReason::SelfBond.into(), &who, amount)?;
		pool.commit();
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
	pub(crate) fn do_close_worthless(staker: &T::AccountId) -> DispatchResult {
		let Touched { ledger, mut pool, .. } = Self::touch(staker)?;
		let count = pool.delegator_count;
		Self::put_staker(staker, ledger, &mut pool)?;
		ensure!(pool.delegator_count < count, Error::<T>::NothingToRelease);
		pool.commit();
		Ok(())
	}

	pub(crate) fn do_deregister_operator(who: T::AccountId) -> DispatchResult {
		let pool = PoolEntry::<T>::load(&who).ok_or(Error::<T>::NotOperator)?;
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
		pool.remove();
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
	pub(crate) fn take_place(
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

	/// The operators listed for `service` other than `except`, each with its pool and its
	/// membership of the service (one missing either is skipped).
	pub(crate) fn members_of<'a>(
		service: ServiceId,
		except: Option<&'a T::AccountId>,
	) -> impl Iterator<Item = (T::AccountId, Operator<T>, Membership<T>)> + 'a {
		ServiceOperators::<T>::get(service)
			.into_iter()
			.filter(move |operator| Some(operator) != except)
			.filter_map(move |operator| {
				let pool = Operators::<T>::get(&operator)?;
				let membership = Memberships::<T>::get(&operator, service)?;
				Some((operator, pool, membership))
			})
	}

	/// Remove `who`'s membership of `service`, which has nothing allocated.
	pub(crate) fn leave_service(who: &T::AccountId, service: ServiceId) {
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
		membership.apply_due_change(Self::now(), Self::held(&who, service));
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
		membership.apply_due_change(now, Self::held(&operator, service));
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
		let previous = membership.clone();
		membership.approved = false;
		membership.pending = Some((Perquintill::zero(), at));
		Memberships::<T>::insert(&operator, service, &membership);
		Self::deposit_event(Event::OperatorRemovalScheduled {
			operator: operator.clone(),
			service,
			effective_at: at,
		});
		if let Some(pool) = Operators::<T>::get(&operator) {
			Self::check_floor_after_membership_change(
				&operator,
				&pool,
				service,
				&previous,
				&membership,
			);
		}
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
	pub(crate) fn encumbered_with(
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
		membership.apply_due_change(now, Self::held(&who, service));
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
		let previous = membership.clone();
		membership.pending = Some((magnitude, at));
		Memberships::<T>::insert(&who, service, &membership);
		Self::deposit_event(Event::AllocationScheduled {
			operator: who.clone(),
			service,
			magnitude,
			effective_at: at,
		});
		Self::check_floor_after_membership_change(&who, &pool, service, &previous, &membership);
		Ok(())
	}

	/// Enforce `max_service_operator_share` for `operator` allocating `magnitude` to
	/// `service`, once enough operators secure the service for the cap to be satisfiable.
	/// Only operators with slashable stake for the service count: members that never allocate
	/// cannot make the cap unmeetable for the others.
	pub(crate) fn ensure_service_share(
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
		for (other, p, m) in Self::members_of(service, Some(operator)) {
			let stake = Self::slashable_total(&p, Self::magnitude_now(&other, service, &m));
			total = total.saturating_add(stake);
			if stake >= least {
				securing = securing.saturating_add(1);
			}
		}
		if securing < Self::operators_for_cap(cap) {
			return Ok(());
		}
		ensure!(own <= cap.mul_floor(total), Error::<T>::ServiceConcentrationExceeded);
		Ok(())
	}
}
