//! Idle work: starting queued outflow and the sweep that realizes pending losses.

use alloc::vec::Vec;
use frame_support::{storage::with_storage_layer, traits::Get, weights::Weight, BoundedVec};
use sp_arithmetic::traits::{Saturating, Zero};
use sp_runtime::DispatchError;

use crate::ledger::Touched;
use crate::{pallet::*, types::*, weights::WeightInfo, BalanceOf};

impl<T: Config> Pallet<T> {
	/// Start queued outflow that fits this era's cap, then realize pending losses from where
	/// the last sweep stopped, within `limit`.
	pub(crate) fn sweep(limit: Weight) -> Weight {
		let per_item = T::WeightInfo::settle();
		let db = T::DbWeight::get();
		let mut used = db.reads(2);
		if used.any_gt(limit) {
			return Weight::zero();
		}

		// Outflow queue, first come first served.
		let mut queue = OutflowQueue::<T>::get();
		let mut changed = false;
		while let Some(who) = queue.first().cloned() {
			if used.saturating_add(per_item).any_gt(limit) {
				break;
			}
			let (outflow, capacity) = Self::outflow_capacity();
			if capacity.is_zero() {
				break;
			}
			used.saturating_accrue(per_item);
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
			used.saturating_accrue(db.writes(1));
		}

		// Pending losses: visit as many stakers as the weight allows, from the cursor on.
		let room = limit.saturating_sub(used.saturating_add(db.writes(1)));
		let budget =
			room.ref_time().checked_div(per_item.ref_time().max(1)).unwrap_or(0).min(
				room.proof_size().checked_div(per_item.proof_size().max(1)).unwrap_or(u64::MAX),
			) as usize;
		if budget == 0 {
			return used;
		}
		let visited: Vec<T::AccountId> = match SweepCursor::<T>::get() {
			Some(key) => Stakers::<T>::iter_keys_from(key.into_inner()).take(budget).collect(),
			None => Stakers::<T>::iter_keys().take(budget).collect(),
		};
		for who in &visited {
			used.saturating_accrue(per_item);
			// Refused with `NothingToSettle`, before any write, when there is no pending loss.
			let _ = with_storage_layer(|| Self::do_settle(who));
		}
		match visited.last() {
			Some(last) if visited.len() == budget => {
				match BoundedVec::try_from(Stakers::<T>::hashed_key_for(last)) {
					Ok(key) => SweepCursor::<T>::put(key),
					Err(_) => SweepCursor::<T>::kill(),
				}
			},
			_ => SweepCursor::<T>::kill(),
		}
		used.saturating_add(db.writes(1))
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
