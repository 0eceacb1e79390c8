//! The slashing pallet's logic, its trait implementations for the restaking pallet, its
//! views for the runtime API, and its invariants.

use alloc::vec::Vec;
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
use frame_system::pallet_prelude::OriginFor;
use restaking_primitives::{
	api::{ContagionReport, PendingSlash},
	restaking::{ExitGuard, OnSecurityReduced, RestakingInterface, ServiceId, SlashTier},
	slashing::{OnSlashExecuted, SecurityDrop, SlashId, SlashRecord, SlashRequest},
};
use sp_core::H256;
use sp_runtime::{
	traits::{Saturating, Zero},
	DispatchError, Perbill,
};

use crate::{pallet::*, types::*, weights::WeightInfo, BalanceOf, BlockNumberFor};

impl<T: Config> Pallet<T> {
	fn now() -> BlockNumberFor<T> {
		frame_system::Pallet::<T>::block_number()
	}

	fn check_policy(policy: &PolicyOf<T>) -> DispatchResult {
		ensure!(
			policy.tiers_within_maximum()
				&& policy.max_per_incident <= T::MaxSlashPerWindow::get()
				&& policy.veto_window >= T::SlashDeferDuration::get()
				&& policy.veto_window <= T::MaxVetoWindow::get(),
			Error::<T>::InvalidPolicy
		);
		Ok(())
	}

	pub(crate) fn do_set_policy(
		who: T::AccountId,
		service: ServiceId,
		policy: PolicyOf<T>,
	) -> DispatchResult {
		ensure!(T::Restaking::service_is_live(service), Error::<T>::ServiceNotLive);
		ensure!(T::Restaking::service_owner(service) == Some(who), Error::<T>::NotServiceOwner);
		Self::check_policy(&policy)?;
		match Policies::<T>::get(service) {
			Some(old) => ensure!(policy.no_harsher_than(&old), Error::<T>::PolicyHarsher),
			None => ensure!(
				!T::Restaking::service_has_allocations(service),
				Error::<T>::OperatorsAlreadyAllocated
			),
		}
		Policies::<T>::insert(service, policy.clone());
		Self::deposit_event(Event::PolicySet { service, policy });
		Ok(())
	}

	/// Check that `origin` is `policy`'s slasher; returns the account that pays the request
	/// deposit (none for the committee).
	fn ensure_slasher(
		origin: OriginFor<T>,
		policy: &PolicyOf<T>,
	) -> Result<Option<T::AccountId>, DispatchError> {
		match &policy.slasher {
			Slasher::Account(account) => {
				let who =
					frame_system::ensure_signed(origin).map_err(|_| Error::<T>::NotSlasher)?;
				ensure!(&who == account, Error::<T>::NotSlasher);
				Ok(Some(who))
			},
			Slasher::Committee => {
				T::CommitteeOrigin::ensure_origin(origin).map_err(|_| Error::<T>::NotSlasher)?;
				Ok(None)
			},
		}
	}

	/// The window entries of `service` against `operator` still inside `SlashWindow` at `now`.
	fn live_window(
		operator: &T::AccountId,
		service: ServiceId,
		now: BlockNumberFor<T>,
	) -> BoundedVec<WindowEntry<BlockNumberFor<T>>, T::MaxSlashesPerWindow> {
		let mut entries = Windows::<T>::get(operator, service);
		entries.retain(|e| e.at.saturating_add(T::SlashWindow::get()) > now);
		entries
	}

	pub(crate) fn do_request_slash(
		origin: OriginFor<T>,
		service: ServiceId,
		operator: T::AccountId,
		tier: SlashTier,
		evidence: H256,
	) -> DispatchResult {
		ensure!(!Paused::<T>::get(), Error::<T>::IsPaused);
		ensure!(T::Restaking::service_is_live(service), Error::<T>::ServiceNotLive);
		let policy = Policies::<T>::get(service).ok_or(Error::<T>::NoPolicy)?;
		let depositor = Self::ensure_slasher(origin, &policy)?;
		let (slashable_self_bond, pool) =
			T::Restaking::slashable_stake(&operator, service).ok_or(Error::<T>::NotAllocated)?;
		let slashable = slashable_self_bond.saturating_add(pool);
		ensure!(!slashable.is_zero(), Error::<T>::NotAllocated);
		let key = (service, operator.clone(), evidence);
		ensure!(!UsedEvidence::<T>::contains_key(&key), Error::<T>::DuplicateEvidence);
		let requested = policy.fraction(tier);
		ensure!(!requested.is_zero(), Error::<T>::TierDisabled);

		let now = Self::now();
		let mut window = Self::live_window(&operator, service, now);
		let used = window.iter().fold(Perbill::zero(), |acc, e| acc.saturating_add(e.fraction));
		let left = T::MaxSlashPerWindow::get().saturating_sub(used);
		ensure!(!left.is_zero(), Error::<T>::WindowCapReached);
		let fraction = requested.min(left);

		let id = NextSlashId::<T>::get();
		window
			.try_push(WindowEntry { id, at: now, fraction })
			.map_err(|_| Error::<T>::TooManySlashesInWindow)?;
		let due = now.saturating_add(policy.veto_window);
		// `on_idle` executes what fits in its queue; a request beyond it is accepted all the
		// same and executes through `execute_slash`, so no service's requests crowd out
		// another's.
		let mut queue = Queue::<T>::get();
		let at = queue.partition_point(|entry| *entry <= (due, id));
		let scheduled = queue.try_insert(at, (due, id)).is_ok();
		let of_service = PendingPerService::<T>::get(service);
		ensure!(of_service < T::MaxPendingPerService::get(), Error::<T>::ServiceQueueFull);
		let deposit = match depositor {
			Some(who) => {
				let amount = T::RequestDeposit::get();
				T::Currency::hold(&HoldReason::RequestDeposit.into(), &who, amount)?;
				Some((who, amount))
			},
			None => None,
		};

		if scheduled {
			Queue::<T>::put(queue);
		}
		PendingPerService::<T>::insert(service, of_service.saturating_add(1));
		Windows::<T>::insert(&operator, service, window);
		UsedEvidence::<T>::insert(&key, id);
		PendingOf::<T>::mutate(&operator, |n| *n = n.saturating_add(1));
		PendingPerPair::<T>::mutate(&operator, service, |pending| {
			let pending = pending.get_or_insert(PairPending { count: 0, since: now, latest: now });
			pending.count = pending.count.saturating_add(1);
			pending.latest = now;
		});
		NextSlashId::<T>::put(id.saturating_add(1));
		Requests::<T>::insert(
			id,
			SlashRequest {
				service,
				operator: operator.clone(),
				tier,
				fraction,
				slashable,
				slashable_self_bond,
				deposit,
				evidence,
				requested_at: now,
				due,
				dispute_bond: None,
			},
		);
		Self::deposit_event(Event::SlashRequested {
			id,
			service,
			operator,
			tier,
			fraction,
			evidence,
			due,
			scheduled,
		});
		if fraction < requested {
			Self::deposit_event(Event::SlashClipped { id, requested, allowed: fraction });
		}
		Ok(())
	}

	/// The waiting request `id`, or why there is none.
	fn request(id: SlashId) -> Result<RequestOf<T>, DispatchError> {
		Requests::<T>::get(id).ok_or_else(|| {
			if Records::<T>::contains_key(id) {
				Error::<T>::AlreadyExecuted.into()
			} else if id < NextSlashId::<T>::get() {
				Error::<T>::NotWaiting.into()
			} else {
				Error::<T>::UnknownSlash.into()
			}
		})
	}

	pub(crate) fn do_dispute(who: T::AccountId, id: SlashId) -> DispatchResult {
		let mut request = Self::request(id)?;
		ensure!(request.operator == who, Error::<T>::NotSlashedOperator);
		ensure!(request.dispute_bond.is_none(), Error::<T>::AlreadyDisputed);
		ensure!(Self::now() < request.due, Error::<T>::DisputeWindowClosed);
		let bond = T::DisputeBond::get();
		T::Currency::hold(&HoldReason::DisputeBond.into(), &who, bond)?;
		request.dispute_bond = Some(bond);
		Requests::<T>::insert(id, request);
		Self::deposit_event(Event::SlashDisputed { id, operator: who, bond });
		Ok(())
	}

	/// Take request `id` out of the queue and the pending counts.
	fn remove_request(id: SlashId, request: &RequestOf<T>) {
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
	fn count_down(count: &mut Option<u32>) {
		let left = count.unwrap_or_default().saturating_sub(1);
		*count = (left > 0).then_some(left);
	}

	/// Count `request` (`id`) in its window with at most `fraction` from now on (zero when it
	/// was vetoed or lapsed: it still counts against `MaxSlashesPerWindow`).
	fn lower_window_fraction(request: &RequestOf<T>, id: SlashId, fraction: Perbill) {
		Windows::<T>::mutate(&request.operator, request.service, |entries| {
			for entry in entries.iter_mut().filter(|e| e.id == id) {
				entry.fraction = entry.fraction.min(fraction);
			}
		});
	}

	/// Release `amount` held for `reason` from `who`.
	fn release(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) -> BalanceOf<T> {
		T::Currency::release(&reason.into(), who, amount, Precision::BestEffort).unwrap_or_else(
			|_| {
				defensive!("bonds and deposits are held while their request waits");
				Zero::zero()
			},
		)
	}

	/// Slash up to `amount` held for `reason` from `who` into `OnForfeit`.
	fn forfeit(reason: HoldReason, who: &T::AccountId, amount: BalanceOf<T>) -> BalanceOf<T> {
		let (credit, _) = T::Currency::slash(&reason.into(), who, amount);
		let taken = credit.peek();
		T::OnForfeit::on_unbalanced(credit);
		taken
	}

	/// Return a request's dispute bond to its operator.
	fn return_bond(request: &RequestOf<T>) -> BalanceOf<T> {
		request.dispute_bond.map_or(Zero::zero(), |bond| {
			Self::release(HoldReason::DisputeBond, &request.operator, bond)
		})
	}

	/// Return a request's deposit to its slasher.
	fn return_deposit(request: &RequestOf<T>) {
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

	// ---- views for the runtime API ----

	/// Every waiting request, scheduled or not (one made while the queue was full waits for
	/// `execute_slash`), soonest due first, then in the order they were made.
	pub fn pending_slashes() -> Vec<PendingSlash<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		let mut pending: Vec<_> = Requests::<T>::iter()
			.map(|(id, request)| PendingSlash { id, request })
			.collect();
		pending.sort_by_key(|p| (p.request.due, p.id));
		pending
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

	/// Every invariant of the pallet's storage (native builds and `try-runtime`).
	#[cfg(any(feature = "try-runtime", feature = "std"))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		use frame_support::traits::fungible::InspectHold;

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
		let mut bonds: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		let mut deposits: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
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
				let held = bonds.entry(request.operator.clone()).or_default();
				*held = held.saturating_add(bond);
			}
			if let Some((who, amount)) = request.deposit {
				let held = deposits.entry(who).or_default();
				*held = held.saturating_add(amount);
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
		// Every account that can hold a bond or deposit here: operators that were ever
		// requested against, and account slashers.
		let mut holders: alloc::collections::BTreeSet<T::AccountId> = Windows::<T>::iter_keys()
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
		for (_, _, entries) in Windows::<T>::iter() {
			let sum = entries
				.iter()
				.fold(0u64, |acc, e| acc.saturating_add(e.fraction.deconstruct().into()));
			ensure!(
				sum <= u64::from(T::MaxSlashPerWindow::get().deconstruct()),
				"a service's window on an operator holds more than MaxSlashPerWindow"
			);
		}
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
