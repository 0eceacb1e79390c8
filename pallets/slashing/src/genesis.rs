//! Genesis: the configured policies built through the calls' own code paths, and the checks of the
//! pallet's constants.

use frame_support::{ensure, pallet_prelude::*};
use restaking_primitives::restaking::RestakingInterface;
use sp_runtime::traits::{Saturating, Zero};

use crate::{pallet::*, types::*, BlockNumberFor};

impl<T: Config> Pallet<T> {
	pub(crate) fn build_genesis(config: &GenesisConfig<T>) -> DispatchResult {
		for (service, slasher, minor, major, critical, max_per_incident, veto_window) in
			config.policies.iter().cloned()
		{
			ensure!(T::Restaking::service_is_live(service), Error::<T>::ServiceNotLive);
			let policy = SlashPolicy {
				slasher: slasher.map_or(Slasher::Committee, Slasher::Account),
				minor,
				major,
				critical,
				max_per_incident,
				veto_window,
			};
			Self::check_policy(&policy)?;
			Policies::<T>::insert(service, policy);
		}
		Ok(())
	}

	pub(crate) fn check_constants() {
		let defer = T::SlashDeferDuration::get();
		assert!(!defer.is_zero(), "SlashDeferDuration must be positive");
		assert!(defer <= T::MaxVetoWindow::get(), "SlashDeferDuration above MaxVetoWindow");
		assert!(
			T::MaxVetoWindow::get() < T::DeallocationDelay::get(),
			"every veto window must end before a deallocation completes"
		);
		assert!(
			T::DeallocationDelay::get() <= T::UndelegationDelay::get(),
			"DeallocationDelay must not exceed UndelegationDelay"
		);
		assert!(!T::SlashWindow::get().is_zero(), "SlashWindow must be positive");
		assert!(!T::MaxSlashPerWindow::get().is_zero(), "MaxSlashPerWindow must be positive");
		assert!(T::MaxSlashesPerWindow::get() > 0, "MaxSlashesPerWindow must be positive");
		assert!(T::MaxPendingSlashes::get() > 0, "MaxPendingSlashes must be positive");
		assert!(T::MaxPendingPerService::get() > 0, "MaxPendingPerService must be positive");
		// One window's requests of every service the operator may be in, each waiting the
		// longest veto window, must leave blocks in which the operator's exits are open: no
		// slasher, nor all of them together, can freeze them for good.
		let requests =
			T::MaxSlashesPerWindow::get().saturating_mul(T::MaxServicesPerOperator::get());
		let frozen = T::MaxVetoWindow::get().saturating_mul(BlockNumberFor::<T>::from(requests));
		assert!(
			frozen < T::SlashWindow::get(),
			"MaxServicesPerOperator × MaxSlashesPerWindow × MaxVetoWindow must be below SlashWindow"
		);
		assert!(T::MaxSlashHistory::get() > 0, "MaxSlashHistory must be positive");
		assert!(T::MaxContagionHistory::get() > 0, "MaxContagionHistory must be positive");
	}
}
