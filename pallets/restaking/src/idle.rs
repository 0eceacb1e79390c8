//! Idle work: starting queued outflow and the sweep that realizes pending losses.

use alloc::vec::Vec;
use frame_support::{storage::with_storage_layer, weights::Weight, BoundedVec};
use sp_arithmetic::traits::{Saturating, Zero};
use sp_runtime::DispatchError;

use crate::ledger::Touched;
use crate::{pallet::*, types::*, weights::WeightInfo, BalanceOf};

impl<T: Config> Pallet<T> {
	/// Start queued outflow that fits this era's cap, then realize pending losses from where
	/// the last sweep stopped, within `limit`.
	pub(crate) fn sweep(limit: Weight) -> Weight {
		let used = Self::release_queued_outflow(limit);
		used.saturating_add(Self::sweep_losses(limit.saturating_sub(used)))
	}

	/// Start queued outflow, first come first served, while it fits this era's cap and
	/// `limit`. Charged [`WeightInfo::idle_release_outflow`]: its value at 0 for reading the
	/// queue and the cap, and its slope per staker released.
	pub(crate) fn release_queued_outflow(limit: Weight) -> Weight {
		let base = T::WeightInfo::idle_release_outflow(0);
		let per_staker = T::WeightInfo::idle_release_outflow(1).saturating_sub(base);
		if base.any_gt(limit) {
			return Weight::zero();
		}
		let mut used = base;
		let mut queue = OutflowQueue::<T>::get();
		let mut changed = false;
		while let Some(who) = queue.first().cloned() {
			if used.saturating_add(per_staker).any_gt(limit) {
				break;
			}
			let (outflow, capacity) = Self::outflow_capacity();
			if capacity.is_zero() {
				break;
			}
			used.saturating_accrue(per_staker);
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
		}
		used
	}

	/// Realize pending losses of as many stakers as `limit` allows, from where the last sweep
	/// stopped. Charged [`WeightInfo::idle_sweep`]: its value at 0 for the cursor, and its
	/// slope per staker visited.
	pub(crate) fn sweep_losses(limit: Weight) -> Weight {
		let base = T::WeightInfo::idle_sweep(0);
		let per_staker = T::WeightInfo::idle_sweep(1).saturating_sub(base);
		let Some(room) = limit.checked_sub(&base) else { return Weight::zero() };
		let budget = room
			.ref_time()
			.checked_div(per_staker.ref_time().max(1))
			.unwrap_or(0)
			.min(room.proof_size().checked_div(per_staker.proof_size().max(1)).unwrap_or(0));
		let budget = u32::try_from(budget).unwrap_or(u32::MAX);
		if budget == 0 {
			return Weight::zero();
		}
		let visited = Self::settle_from_cursor(budget);
		base.saturating_add(per_staker.saturating_mul(u64::from(visited)))
	}

	/// Settle up to `budget` stakers from the sweep cursor on, and move the cursor past them
	/// (or clear it at the end of the stakers). Returns how many were visited.
	pub(crate) fn settle_from_cursor(budget: u32) -> u32 {
		let take = usize::try_from(budget).unwrap_or(usize::MAX);
		let visited: Vec<T::AccountId> = match SweepCursor::<T>::get() {
			Some(key) => Stakers::<T>::iter_keys_from(key.into_inner()).take(take).collect(),
			None => Stakers::<T>::iter_keys().take(take).collect(),
		};
		for who in &visited {
			// Refused with `NothingToSettle`, before any write, when there is no pending loss.
			let _ = with_storage_layer(|| Self::do_settle(who));
		}
		match visited.last() {
			Some(last) if visited.len() == take => {
				match BoundedVec::try_from(Stakers::<T>::hashed_key_for(last)) {
					Ok(key) => SweepCursor::<T>::put(key),
					Err(_) => SweepCursor::<T>::kill(),
				}
			},
			_ => SweepCursor::<T>::kill(),
		}
		u32::try_from(visited.len()).unwrap_or(u32::MAX)
	}

	/// Start as much of `who`'s queued outflow as `capacity` allows. `Ok(true)` when nothing
	/// of it is left queued.
	pub(crate) fn release_outflow(
		who: &T::AccountId,
		mut outflow: EraOutflow<BalanceOf<T>>,
		capacity: BalanceOf<T>,
	) -> Result<bool, DispatchError> {
		// `touch` keeps the queued outflow within the value that is left.
		let Touched { mut ledger, mut pool, .. } = Self::touch(who)?;
		let queued = ledger.queued_outflow;
		let part = queued.min(capacity);
		if !part.is_zero() {
			Self::start_withdrawal(who, &mut ledger, &mut pool, part, &mut outflow, true)?;
		}
		// At most the value left (see `start_withdrawal`).
		ledger.queued_outflow = queued.saturating_sub(part).min(ledger.value);
		let done = ledger.queued_outflow.is_zero();
		pool.commit_with(who, ledger)?;
		Ok(done)
	}
}
