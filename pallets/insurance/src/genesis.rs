//! Genesis: the configured pools and covers built through the calls' own code paths, and the checks
//! of the pallet's constants.

use frame_support::{pallet_prelude::*, traits::fungible::Inspect};
use sp_runtime::traits::Zero;

use crate::{pallet::*, types::*};

impl<T: Config> Pallet<T> {
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
}
