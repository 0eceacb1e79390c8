//! Views for the runtime API.

use alloc::vec::Vec;
use restaking_primitives::{
	api::{ContagionReport, PendingSlash},
	restaking::{RestakingInterface, ServiceId},
	slashing::SlashId,
};
use sp_runtime::{traits::Saturating, Perbill};

use crate::{pallet::*, types::*, BalanceOf, BlockNumberFor};

impl<T: Config> Pallet<T> {
	/// Every waiting request, scheduled or not (one made while the queue was full waits for
	/// `execute_slash`), soonest due first, then in the order they were made.
	pub fn pending_slashes() -> Vec<PendingSlash<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		let mut pending: Vec<_> = Requests::<T>::iter()
			.map(|(id, request)| PendingSlash { id, request })
			.collect();
		pending.sort_by_key(|p| (p.request.due, p.id));
		pending
	}

	/// The share of an operator's whole slashable stake (self-bond and pool alike) one slash
	/// of `service` is sure to take: its `Critical` tier, the one that takes self-bond and pool
	/// pro rata, at most the per-incident cap. `Minor` and `Major` take the self-bond first, so
	/// their fraction can burn less of an operator backed mostly by its pool. Zero for a service
	/// without a policy.
	pub fn max_slash(service: ServiceId) -> Perbill {
		Policies::<T>::get(service).map_or(Perbill::zero(), |policy| policy.max_slash())
	}

	/// The record of executed slash `id`, while in its operator's history.
	pub fn slash_record(id: SlashId) -> Option<RecordOf<T>> {
		Records::<T>::get(id)
	}

	/// `operator`'s executed slashes still in its history, oldest first.
	pub fn operator_slash_history(operator: &T::AccountId) -> Vec<RecordOf<T>> {
		History::<T>::get(operator).into_iter().filter_map(Records::<T>::get).collect()
	}

	/// How slashes spread from and to `operator`.
	pub fn contagion_report(
		operator: &T::AccountId,
	) -> ContagionReport<BalanceOf<T>, BlockNumberFor<T>> {
		let losses = T::Restaking::pool_losses(operator);
		let pending = losses
			.from_service_slashes
			.saturating_add(losses.from_base_slashes)
			.saturating_sub(losses.realized);
		ContagionReport {
			security_drops: SecurityDrops::<T>::get(operator).into_inner(),
			losses,
			pending,
			service_slashes: Totals::<T>::get(operator).count,
		}
	}
}
