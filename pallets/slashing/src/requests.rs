//! Policies and requests: a service's slashing policy, requests within the operator's window for
//! that service, and disputes.

use frame_support::{ensure, pallet_prelude::*, traits::fungible::MutateHold};
use frame_system::pallet_prelude::OriginFor;
use restaking_primitives::{
	restaking::{RestakingInterface, ServiceId, SlashTier},
	slashing::{SlashId, SlashRequest},
};
use sp_core::H256;
use sp_runtime::{
	traits::{Saturating, Zero},
	DispatchError, Perbill,
};

use crate::{pallet::*, types::*, BalanceOf, BlockNumberFor};

/// A request's deposit: who paid it, and how much.
type Deposit<T> = (<T as frame_system::Config>::AccountId, BalanceOf<T>);

impl<T: Config> Pallet<T> {
	pub(crate) fn now() -> BlockNumberFor<T> {
		frame_system::Pallet::<T>::block_number()
	}

	pub(crate) fn check_policy(policy: &PolicyOf<T>) -> DispatchResult {
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
			Some(old) => {
				ensure!(policy.no_harsher_than(&old), Error::<T>::PolicyHarsher);
				T::Restaking::check_milder_slashes(service, old.max_slash(), policy.max_slash())?;
			},
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
	pub(crate) fn ensure_slasher(
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
	pub(crate) fn live_window(
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
		let deposit = Self::hold_request_deposit(depositor)?;

		if scheduled {
			Queue::<T>::put(queue);
		}
		Self::count_pending(service, &operator, now);
		Windows::<T>::insert(&operator, service, window);
		UsedEvidence::<T>::insert(&key, id);
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

	/// Hold the request deposit from `depositor`, if the request has one (a committee's has
	/// none).
	fn hold_request_deposit(
		depositor: Option<T::AccountId>,
	) -> Result<Option<Deposit<T>>, DispatchError> {
		let Some(who) = depositor else { return Ok(None) };
		let amount = T::RequestDeposit::get();
		T::Currency::hold(&HoldReason::RequestDeposit.into(), &who, amount)?;
		Ok(Some((who, amount)))
	}

	/// Count a new waiting request of `service` on `operator`, made at `now`: per service, per
	/// operator and per pair.
	fn count_pending(service: ServiceId, operator: &T::AccountId, now: BlockNumberFor<T>) {
		PendingPerService::<T>::mutate(service, |n| *n = n.saturating_add(1));
		PendingOf::<T>::mutate(operator, |n| *n = n.saturating_add(1));
		PendingPerPair::<T>::mutate(operator, service, |pending| {
			let pending = pending.get_or_insert(PairPending { count: 0, since: now, latest: now });
			pending.count = pending.count.saturating_add(1);
			pending.latest = now;
		});
	}

	/// The waiting request `id`, or why there is none.
	pub(crate) fn request(id: SlashId) -> Result<RequestOf<T>, DispatchError> {
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
}
