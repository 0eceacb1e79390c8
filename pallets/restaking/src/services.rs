//! Services: registration, updates, pausing, retirement and reward budgets.

use alloc::vec::Vec;
use frame_support::{
	dispatch::DispatchResult,
	ensure,
	traits::{
		fungible::{Mutate, MutateHold},
		tokens::{Precision, Preservation},
		Get,
	},
};
use restaking_primitives::{restaking::ServiceId, risk::RiskProfile};
use sp_arithmetic::traits::{CheckedAdd, Zero};
use sp_runtime::DispatchError;

use sp_runtime::ArithmeticError;

use crate::{pallet::*, types::*, BalanceOf};

impl<T: Config> Pallet<T> {
	pub(crate) fn do_register_service(
		owner: T::AccountId,
		metadata: Vec<u8>,
		min_operator_stake: BalanceOf<T>,
		max_operators: u32,
		requires_approval: bool,
		risk_profile: Option<RiskProfile<BalanceOf<T>>>,
	) -> Result<ServiceId, DispatchError> {
		let metadata = Self::bounded_metadata(metadata)?;
		ensure!(
			max_operators > 0 && max_operators <= T::MaxOperatorsPerService::get(),
			Error::<T>::InvalidMaxOperators
		);
		let deposit = T::ServiceDeposit::get();
		T::Currency::hold(&HoldReason::ServiceDeposit.into(), &owner, deposit)?;
		let service = NextServiceId::<T>::get();
		NextServiceId::<T>::put(service.checked_add(1).ok_or(ArithmeticError::Overflow)?);
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
		if let Some(profile) = risk_profile {
			Self::do_set_risk_profile(service, profile)?;
		}
		Ok(service)
	}

	/// A live service owned by `who`.
	pub(crate) fn owned_service(
		who: &T::AccountId,
		service: ServiceId,
	) -> Result<Service<T>, DispatchError> {
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
		risk_profile: Option<RiskProfile<BalanceOf<T>>>,
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
		match risk_profile {
			Some(profile) => Self::do_set_risk_profile(service, profile),
			None => Ok(()),
		}
	}

	/// Record `profile` for `service` (a live service; the caller checked its owner), as the
	/// runtime's overcollateralization floor allows.
	pub(crate) fn do_set_risk_profile(
		service: ServiceId,
		profile: RiskProfile<BalanceOf<T>>,
	) -> DispatchResult {
		ensure!(!profile.corruption_threshold.is_zero(), Error::<T>::InvalidCorruptionThreshold);
		let breach =
			Self::check_floor_on_declaration(service, RiskProfiles::<T>::get(service), &profile)?;
		Self::put_risk_profile(service, profile);
		if let Some(breach) = breach {
			Self::report_breach(service, breach);
		}
		Ok(())
	}

	/// Store `profile` (its threshold checked) and announce it.
	pub(crate) fn put_risk_profile(service: ServiceId, profile: RiskProfile<BalanceOf<T>>) {
		RiskProfiles::<T>::insert(service, profile);
		Self::deposit_event(Event::RiskProfileSet {
			service,
			profit_from_corruption: profile.profit_from_corruption,
			corruption_threshold: profile.corruption_threshold,
		});
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
		RiskProfiles::<T>::remove(service);
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
			record.reward_budget.checked_add(&amount).ok_or(ArithmeticError::Overflow)?;
		Services::<T>::insert(service, record);
		Self::deposit_event(Event::ServiceFunded { service, from: who, amount });
		Ok(())
	}
}
