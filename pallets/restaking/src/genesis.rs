//! Genesis: the configured state built through the calls' own code paths, and the checks of the
//! pallet's constants.

use frame_support::{
	dispatch::DispatchResult,
	ensure,
	traits::{
		fungible::{Inspect, Mutate},
		Get,
	},
};
use restaking_primitives::risk::RiskProfile;
use sp_arithmetic::{traits::Zero, Perbill};

use crate::{pallet::*, types::*};

impl<T: Config> Pallet<T> {
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

	pub(crate) fn build_genesis_state(config: &GenesisConfig<T>) -> DispatchResult {
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
				None,
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
		// Not judged by the overcollateralization floor: the slashing policies that give each
		// service its `f_s` are built after this pallet's genesis.
		for (service, profit_from_corruption, corruption_threshold) in &config.risk_profiles {
			ensure!(Services::<T>::contains_key(service), Error::<T>::UnknownService);
			ensure!(!corruption_threshold.is_zero(), Error::<T>::InvalidCorruptionThreshold);
			Self::put_risk_profile(
				*service,
				RiskProfile {
					profit_from_corruption: *profit_from_corruption,
					corruption_threshold: *corruption_threshold,
				},
			);
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
		assert!(T::ErasPerYear::get() > 0, "ErasPerYear must be positive");
	}
}
