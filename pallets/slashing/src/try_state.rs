//! `try_state`: every invariant of the pallet's storage, at two depths (see
//! [`Pallet::do_try_state`]).

use alloc::collections::{btree_map::BTreeMap, btree_set::BTreeSet};
use frame_support::{ensure, pallet_prelude::*, traits::fungible::InspectHold};
use restaking_primitives::restaking::{RestakingInterface, ServiceId};
use sp_runtime::{traits::Saturating, TryRuntimeError};

use crate::{pallet::*, types::*, BalanceOf, BlockNumberFor};

/// What the waiting requests hold, per account.
#[derive(frame_support::DefaultNoBound)]
struct Held<T: Config> {
	/// Dispute bonds, on the disputing operators.
	bonds: BTreeMap<T::AccountId, BalanceOf<T>>,
	/// Request deposits, on the requesting slashers.
	deposits: BTreeMap<T::AccountId, BalanceOf<T>>,
}

impl<T: Config> Pallet<T> {
	/// Check the pallet's invariants as deep as `level` asks; the `try_state` hook asks for all.
	/// - `0`: none.
	/// - `1`: the waiting requests against the queue and their counters, and the slash
	///   windows; O(waiting requests + windows).
	/// - `2` and above: also the dispute bonds and request deposits every account holds, and
	///   every operator's slash totals against its history and records; O(operators ever
	///   requested against + records).
	pub fn do_try_state(level: u8) -> Result<(), TryRuntimeError> {
		if level == 0 {
			return Ok(());
		}
		let held = Self::check_requests()?;
		Self::check_windows()?;
		if level >= 2 {
			Self::check_holds(held)?;
			Self::check_records()?;
		}
		Ok(())
	}

	/// Level 1: the waiting requests, the queue and the pending counters. Returns what the
	/// requests hold per account.
	fn check_requests() -> Result<Held<T>, TryRuntimeError> {
		let queue = Queue::<T>::get();
		ensure!(queue.windows(2).all(|w| w[0] < w[1]), "queue not sorted by (due, id)");
		for (due, id) in queue.iter() {
			let request = Requests::<T>::get(id).ok_or("queued id without a request")?;
			ensure!(request.due == *due, "queued due differs from the request's");
		}
		let next = NextSlashId::<T>::get();
		let mut pending: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		let mut per_service: BTreeMap<ServiceId, u32> = BTreeMap::new();
		let mut per_pair: BTreeMap<(T::AccountId, ServiceId), (u32, BlockNumberFor<T>)> =
			BTreeMap::new();
		let mut held = Held::<T>::default();
		for (id, request) in Requests::<T>::iter() {
			ensure!(id < next, "request id not yet issued");
			ensure!(
				request.slashable_self_bond <= request.slashable,
				"a request's self-bond part exceeds its slashable stake"
			);
			ensure!(!Records::<T>::contains_key(id), "a waiting request has a record");
			ensure!(
				UsedEvidence::<T>::get((
					request.service,
					request.operator.clone(),
					request.evidence
				)) == Some(id),
				"a waiting request's evidence is not indexed"
			);
			*pending.entry(request.operator.clone()).or_default() += 1;
			*per_service.entry(request.service).or_default() += 1;
			let pair = per_pair
				.entry((request.operator.clone(), request.service))
				.or_insert((0, request.requested_at));
			pair.0 += 1;
			pair.1 = pair.1.min(request.requested_at);
			if let Some(bond) = request.dispute_bond {
				let of = held.bonds.entry(request.operator.clone()).or_default();
				*of = of.saturating_add(bond);
			}
			if let Some((who, amount)) = request.deposit {
				let of = held.deposits.entry(who).or_default();
				*of = of.saturating_add(amount);
			}
		}
		ensure!(
			PendingPerService::<T>::iter().collect::<BTreeMap<_, _>>() == per_service,
			"pending count per service is off"
		);
		for (operator, count) in PendingOf::<T>::iter() {
			ensure!(pending.get(&operator) == Some(&count), "pending count per operator is off");
		}
		ensure!(
			PendingOf::<T>::iter().count() == pending.len(),
			"an operator with waiting requests has no pending count"
		);
		ensure!(
			PendingPerPair::<T>::iter().count() == per_pair.len(),
			"pending requests per operator and service are off"
		);
		for ((operator, service), (count, first)) in per_pair {
			let pending = PendingPerPair::<T>::get(&operator, service)
				.ok_or("an operator and service with waiting requests have no pending entry")?;
			ensure!(pending.count == count, "pending count per operator and service is off");
			// The hold may start earlier than the oldest request still waiting (it lasts
			// until none waits), never later.
			ensure!(pending.since <= first, "an allocation hold starts after its request");
			ensure!(pending.since <= pending.latest, "the latest request precedes the first");
		}
		Ok(held)
	}

	/// Level 1: no service's window on an operator holds more than `MaxSlashPerWindow`.
	fn check_windows() -> Result<(), TryRuntimeError> {
		for (_, _, entries) in Windows::<T>::iter() {
			let sum = entries
				.iter()
				.fold(0u64, |acc, e| acc.saturating_add(e.fraction.deconstruct().into()));
			ensure!(
				sum <= u64::from(T::MaxSlashPerWindow::get().deconstruct()),
				"a service's window on an operator holds more than MaxSlashPerWindow"
			);
		}
		Ok(())
	}

	/// Level 2: every account that can hold a bond or deposit here holds what the waiting
	/// requests say.
	fn check_holds(Held { bonds, deposits }: Held<T>) -> Result<(), TryRuntimeError> {
		// Every account that can hold a bond or deposit here: operators that were ever
		// requested against, and account slashers.
		let mut holders: BTreeSet<T::AccountId> = Windows::<T>::iter_keys()
			.map(|(o, _)| o)
			.chain(Totals::<T>::iter_keys())
			.collect();
		holders.extend(bonds.keys().cloned().chain(deposits.keys().cloned()));
		holders.extend(Policies::<T>::iter_values().filter_map(|p| match p.slasher {
			Slasher::Account(who) => Some(who),
			Slasher::Committee => None,
		}));
		for who in holders.iter() {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::DisputeBond.into(), who)
					== bonds.get(who).copied().unwrap_or_default(),
				"held dispute bonds differ from the disputed requests'"
			);
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::RequestDeposit.into(), who)
					== deposits.get(who).copied().unwrap_or_default(),
				"held request deposits differ from the waiting requests'"
			);
		}
		Ok(())
	}

	/// Level 2: every operator's slash totals against its history, its records and the losses
	/// the restaking pallet carries.
	fn check_records() -> Result<(), TryRuntimeError> {
		for (operator, totals) in Totals::<T>::iter() {
			let history = History::<T>::get(&operator);
			ensure!(history.len() as u32 <= totals.count, "history longer than the slash count");
			for id in history.iter() {
				let record = Records::<T>::get(id).ok_or("history lists a pruned record")?;
				ensure!(record.operator == operator, "record in another operator's history");
				ensure!(
					record.amount == record.from_self_bond.saturating_add(record.from_pool),
					"a record's amount is not its parts' sum"
				);
			}
			// Every executed slash's pool part is a loss the restaking pallet carries: realized
			// on delegators or still pending (its own `try_state` checks that split).
			ensure!(
				T::Restaking::pool_losses(&operator).from_service_slashes == totals.from_pool,
				"executed pool slashes differ from the losses imposed on the pool"
			);
		}
		ensure!(
			Records::<T>::iter_keys().count()
				== History::<T>::iter_values().map(|h| h.len()).sum::<usize>(),
			"a record outside every history"
		);
		Ok(())
	}
}
