//! The traits the pallet implements for the other pallets and the base layer:
//! [`RestakingInterface`], [`DelegationInterface`] and [`sp_staking::OnStakingUpdate`].

use alloc::vec::Vec;
use frame_support::{dispatch::DispatchResult, traits::Get, weights::Weight};
use restaking_primitives::restaking::{
	DelegationInterface, ExitGuard, LossLedger, RestakingInterface, ServiceId, SlashOutcome,
	SlashTier, StakerPosition,
};
use sp_arithmetic::{
	traits::{Saturating, Zero},
	Perbill,
};
use sp_runtime::DispatchError;
use sp_staking::StakingInterface;

use crate::delegation::Exit;
use crate::{pallet::*, types::*, BalanceOf};

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

	fn check_milder_slashes(service: ServiceId, before: Perbill, after: Perbill) -> DispatchResult {
		Self::check_floor_on_ceiling_change(service, before, after)
	}

	fn milder_slashes_weight() -> Weight {
		Self::floor_weight(1)
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

impl<T: Config> DelegationInterface<T::AccountId, BalanceOf<T>> for Pallet<T> {
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
		Self::do_undelegate(staker.clone(), amount, Exit::Integration).map(|_| ())
	}

	fn undelegation_checks_weight() -> Weight {
		Self::floor_weight(T::MaxServicesPerOperator::get())
	}

	fn withdraw(staker: &T::AccountId) -> Result<BalanceOf<T>, DispatchError> {
		Self::do_withdraw_unbonded(staker.clone(), Exit::Integration)
	}

	fn claim(staker: &T::AccountId) -> Result<BalanceOf<T>, DispatchError> {
		Self::do_claim(staker.clone())
	}

	fn restakeable(staker: &T::AccountId) -> BalanceOf<T> {
		let Ok(active) = T::Staking::active_stake(staker) else { return Zero::zero() };
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
