//! The pallet's events and errors: a [`pallet_section`] imported into the pallet module.

use frame_support::pallet_macros::pallet_section;

#[pallet_section]
mod events {
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A service's slashing policy was set or made milder.
		PolicySet { service: ServiceId, policy: PolicyOf<T> },
		/// A slash was requested; it may execute from block `due`. `scheduled` is false when
		/// `on_idle`'s queue was full: the request then executes through `execute_slash`.
		SlashRequested {
			id: SlashId,
			service: ServiceId,
			operator: T::AccountId,
			tier: SlashTier,
			fraction: Perbill,
			evidence: H256,
			due: BlockNumberFor<T>,
			scheduled: bool,
		},
		/// The operator's window cap cut a request from `requested` to `allowed`.
		SlashClipped { id: SlashId, requested: Perbill, allowed: Perbill },
		/// The operator disputed a request and posted `bond`.
		SlashDisputed { id: SlashId, operator: T::AccountId, bond: BalanceOf<T> },
		/// A request was vetoed; `bond_returned` went back to the disputing operator and
		/// `deposit_forfeited` was taken from the slasher.
		SlashVetoed { id: SlashId, bond_returned: BalanceOf<T>, deposit_forfeited: BalanceOf<T> },
		/// A slash executed.
		SlashExecuted {
			id: SlashId,
			service: ServiceId,
			operator: T::AccountId,
			fraction: Perbill,
			from_self_bond: BalanceOf<T>,
			from_pool: BalanceOf<T>,
			bond_slashed: BalanceOf<T>,
		},
		/// A due request found nothing to slash (the operator's allocation to the service ended,
		/// or a milder policy set the tier's fraction to zero); it was dropped and any dispute
		/// bond and request deposit returned.
		SlashLapsed { id: SlashId, reason: DispatchError },
		/// Requests and executions stopped.
		Paused,
		/// Requests and executions resumed.
		Resumed,
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The service does not exist or is retired.
		ServiceNotLive,
		/// Only the service's owner may set its policy.
		NotServiceOwner,
		/// A tier above the per-incident maximum, a maximum above `MaxSlashPerWindow`, or a veto
		/// window outside `[SlashDeferDuration, MaxVetoWindow]`.
		InvalidPolicy,
		/// A first policy can only be set while no operator has allocated to the service.
		OperatorsAlreadyAllocated,
		/// A policy may only become milder: same slasher, no larger fraction, no shorter window.
		PolicyHarsher,
		/// The service has no slashing policy.
		NoPolicy,
		/// The origin is not the service's slasher.
		NotSlasher,
		/// The operator has no stake allocated to the service.
		NotAllocated,
		/// This evidence was already used against the operator for the service.
		DuplicateEvidence,
		/// The policy's fraction for this tier is zero.
		TierDisabled,
		/// The service slashed the operator up to `MaxSlashPerWindow` within `SlashWindow`.
		WindowCapReached,
		/// `MaxSlashesPerWindow` requests of the service against the operator within
		/// `SlashWindow`.
		TooManySlashesInWindow,
		/// `MaxPendingPerService` requests of this service are waiting.
		ServiceQueueFull,
		/// No request with this id was ever made.
		UnknownSlash,
		/// The request no longer waits: it was vetoed or lapsed (or executed and its record
		/// pruned from the history).
		NotWaiting,
		/// The slash already executed.
		AlreadyExecuted,
		/// The veto window has not passed yet.
		NotDue,
		/// The request is already disputed.
		AlreadyDisputed,
		/// Only the slashed operator may dispute.
		NotSlashedOperator,
		/// The veto window is over; disputes are closed.
		DisputeWindowClosed,
		/// The pallet is paused.
		IsPaused,
		/// The pallet is not paused.
		NotPaused,
	}
}
