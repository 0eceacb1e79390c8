//! The traits the pallet implements for the restaking pallet: [`ExitGuard`] (no stake leaves
//! while a slash of it waits), [`OnSecurityReduced`] (contagion history) and [`SlashCeiling`]
//! (the most one slash of a service takes, for the risk figures).

use restaking_primitives::{
	restaking::{ExitGuard, OnSecurityReduced, ServiceId},
	risk::SlashCeiling,
	slashing::SecurityDrop,
};
use sp_runtime::Perbill;

use crate::{pallet::*, BalanceOf, BlockNumberFor};

impl<T: Config> ExitGuard<T::AccountId, BlockNumberFor<T>> for Pallet<T> {
	fn exits_frozen(operator: &T::AccountId) -> bool {
		PendingOf::<T>::contains_key(operator)
	}

	fn allocation_frozen_since(
		operator: &T::AccountId,
		service: ServiceId,
	) -> Option<BlockNumberFor<T>> {
		PendingPerPair::<T>::get(operator, service).map(|pending| pending.since)
	}

	fn waiting_requests(
		operator: &T::AccountId,
		service: ServiceId,
	) -> Option<(BlockNumberFor<T>, BlockNumberFor<T>)> {
		PendingPerPair::<T>::get(operator, service).map(|pending| (pending.since, pending.latest))
	}
}

impl<T: Config> OnSecurityReduced<T::AccountId, BalanceOf<T>> for Pallet<T> {
	fn on_security_reduced(
		operator: &T::AccountId,
		service: ServiceId,
		before: BalanceOf<T>,
		after: BalanceOf<T>,
	) {
		let drop = SecurityDrop { service, before, after, at: Self::now() };
		SecurityDrops::<T>::mutate(operator, |drops| {
			if drops.is_full() {
				drops.remove(0);
			}
			// Room was just made.
			let _ = drops.try_push(drop);
		});
	}
}

impl<T: Config> SlashCeiling for Pallet<T> {
	fn max_slash(service: ServiceId) -> Perbill {
		Self::max_slash(service)
	}
}
