//! Vetoes and execution: a waiting request is vetoed, or executed when due (by the block hook or
//! by anyone once it is late), with its bond and deposit returned or forfeited.

use frame_support::{
	defensive, ensure,
	pallet_prelude::*,
	storage::with_storage_layer,
	traits::{
		fungible::{BalancedHold, MutateHold},
		tokens::Precision,
		Imbalance, OnUnbalanced,
	},
};
use restaking_primitives::{
	restaking::RestakingInterface,
	slashing::{OnSlashExecuted, SlashId, SlashRecord},
};
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill,
};

use crate::{pallet::*, types::*, weights::WeightInfo, BalanceOf, BlockNumberFor};

impl<T: Config> Pallet<T> {
	/// Take request `id` out of the queue and the pending counts.
	pub(crate) fn remove_request(id: SlashId, request: &RequestOf<T>) {
		Requests::<T>::remove(id);
		Queue::<T>::mutate(|queue| queue.retain(|(_, queued)| *queued != id));
		PendingOf::<T>::mutate_exists(&request.operator, Self::count_down);
		PendingPerService::<T>::mutate_exists(request.service, Self::count_down);
		PendingPerPair::<T>::mutate_exists(&request.operator, request.service, |pending| {
			if let Some(p) = pending {
				p.count = p.count.saturating_sub(1);
				if p.count == 0 {
					*pending = None;
				}
			}
		});
	}

	/// Lower a count kept only while positive.
	pub(crate) fn count_down(count: &mut Option<u32>) {
		let left = count.unwrap_or_default().saturating_sub(1);
		*count = (left > 0).then_some(left);
	}

	/// Count `request` (`id`) in its window with at most `fraction` from now on (zero when it
	/// was vetoed or lapsed: it still counts against `MaxSlashesPerWindow`).
	pub(crate) fn lower_window_fraction(request: &RequestOf<T>, id: SlashId, fraction: Perbill) {
		Windows::<T>::mutate(&request.operator, request.service, |entries| {
			for entry in entries.iter_mut().filter(|e| e.id == id) {
				entry.fraction = entry.fraction.min(fraction);
			}
		});
	}

	/// Release `amount` held for `reason` from `who`.
	pub(crate) fn release(
		reason: HoldReason,
		who: &T::AccountId,
		amount: BalanceOf<T>,
	) -> BalanceOf<T> {
		T::Currency::release(&reason.into(), who, amount, Precision::BestEffort).unwrap_or_else(
			|_| {
				defensive!("bonds and deposits are held while their request waits");
				Zero::zero()
			},
		)
	}

	/// Slash up to `amount` held for `reason` from `who` into `OnForfeit`.
	pub(crate) fn forfeit(
		reason: HoldReason,
		who: &T::AccountId,
		amount: BalanceOf<T>,
	) -> BalanceOf<T> {
		let (credit, _) = T::Currency::slash(&reason.into(), who, amount);
		let taken = credit.peek();
		T::OnForfeit::on_unbalanced(credit);
		taken
	}

	/// Return a request's dispute bond to its operator.
	pub(crate) fn return_bond(request: &RequestOf<T>) -> BalanceOf<T> {
		request.dispute_bond.map_or(Zero::zero(), |bond| {
			Self::release(HoldReason::DisputeBond, &request.operator, bond)
		})
	}

	/// Return a request's deposit to its slasher.
	pub(crate) fn return_deposit(request: &RequestOf<T>) {
		if let Some((who, amount)) = &request.deposit {
			Self::release(HoldReason::RequestDeposit, who, *amount);
		}
	}

	pub(crate) fn do_veto(id: SlashId) -> DispatchResult {
		let request = Self::request(id)?;
		Self::remove_request(id, &request);
		Self::lower_window_fraction(&request, id, Perbill::zero());
		let bond_returned = Self::return_bond(&request);
		let deposit_forfeited = request.deposit.as_ref().map_or(Zero::zero(), |(who, amount)| {
			Self::forfeit(HoldReason::RequestDeposit, who, *amount)
		});
		Self::deposit_event(Event::SlashVetoed { id, bond_returned, deposit_forfeited });
		Ok(())
	}

	/// Execute request `id` at `now`. A request with nothing left to slash lapses (evented);
	/// both outcomes remove it.
	pub(crate) fn do_execute(id: SlashId, now: BlockNumberFor<T>) -> DispatchResult {
		ensure!(!Paused::<T>::get(), Error::<T>::IsPaused);
		let request = Self::request(id)?;
		ensure!(now >= request.due, Error::<T>::NotDue);
		// A policy made milder since the request applies to it.
		let requested = Policies::<T>::get(request.service)
			.map_or(request.fraction, |p| p.fraction(request.tier).min(request.fraction));
		Self::lower_window_fraction(&request, id, requested);
		Self::return_deposit(&request);
		// The penalty is `requested` of the self-bond and of the pool slashable at the request,
		// each taken from what is slashable now (at most all of it). The request is removed
		// only after the slash, so that a deallocation it holds back cannot apply before.
		let fraction = requested;
		let at_request = (
			request.slashable_self_bond,
			request.slashable.saturating_sub(request.slashable_self_bond),
		);
		let slashed = with_storage_layer(|| {
			T::Restaking::slash(
				&request.operator,
				request.service,
				fraction,
				request.tier,
				at_request,
			)
		});
		Self::remove_request(id, &request);
		let outcome = match slashed {
			Ok(outcome) => outcome,
			Err(reason) => {
				Self::lower_window_fraction(&request, id, Perbill::zero());
				Self::return_bond(&request);
				Self::deposit_event(Event::SlashLapsed { id, reason });
				return Ok(());
			},
		};

		let bond_slashed = request.dispute_bond.map_or(Zero::zero(), |bond| {
			Self::forfeit(HoldReason::DisputeBond, &request.operator, bond)
		});
		let record = SlashRecord {
			id,
			service: request.service,
			operator: request.operator.clone(),
			tier: request.tier,
			fraction,
			amount: outcome.total(),
			from_self_bond: outcome.from_self_bond,
			from_pool: outcome.from_pool,
			factor_before: outcome.factor_before,
			factor_after: outcome.factor_after,
			requested_at: request.requested_at,
			at: now,
		};
		History::<T>::mutate(&request.operator, |history| {
			if history.is_full() {
				let oldest = history.remove(0);
				Records::<T>::remove(oldest);
			}
			// Room was just made.
			let _ = history.try_push(id);
		});
		Totals::<T>::mutate(&request.operator, |t| {
			t.count = t.count.saturating_add(1);
			t.from_self_bond = t.from_self_bond.saturating_add(outcome.from_self_bond);
			t.from_pool = t.from_pool.saturating_add(outcome.from_pool);
		});
		Records::<T>::insert(id, &record);
		Self::deposit_event(Event::SlashExecuted {
			id,
			service: request.service,
			operator: request.operator,
			fraction,
			from_self_bond: outcome.from_self_bond,
			from_pool: outcome.from_pool,
			bond_slashed,
		});
		T::OnSlashExecuted::on_slash_executed(&record);
		Ok(())
	}

	/// Execute due requests, soonest first, while `remaining` allows.
	pub(crate) fn execute_due(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
		// Each execution may also run `OnSlashExecuted`.
		let cost = |n: u32| {
			T::WeightInfo::on_idle(n)
				.saturating_add(T::OnSlashExecuted::max_weight().saturating_mul(n.into()))
		};
		let base = cost(0);
		if !remaining.all_gte(base) {
			return Weight::zero();
		}
		if Paused::<T>::get() {
			return T::DbWeight::get().reads(1);
		}
		let mut done = 0u32;
		loop {
			let next = cost(done.saturating_add(1));
			if !remaining.all_gte(next) {
				break;
			}
			let Some(&(due, id)) = Queue::<T>::get().first() else { break };
			if due > now {
				break;
			}
			if Self::do_execute(id, now).is_err() {
				defensive!("a due request at the head of the queue executes or lapses");
				Queue::<T>::mutate(|queue| queue.retain(|(_, queued)| *queued != id));
			}
			done = done.saturating_add(1);
		}
		cost(done)
	}
}
