//! The pallet's events and errors: a [`pallet_section`] imported into the pallet module.

use frame_support::pallet_macros::pallet_section;

#[pallet_section]
mod events {
	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// A service was registered.
		ServiceRegistered { service: ServiceId, owner: T::AccountId, deposit: BalanceOf<T> },
		/// A service's settings changed.
		ServiceUpdated { service: ServiceId },
		/// A service was paused: no new opt-ins or allocations.
		ServicePaused { service: ServiceId },
		/// A paused service was resumed.
		ServiceResumed { service: ServiceId },
		/// A service was retired and its deposit and unspent budget returned.
		ServiceRetired { service: ServiceId, refunded: BalanceOf<T> },
		/// A service declared (or changed) what corrupting it pays and how much of the stake
		/// behind it corruption takes.
		RiskProfileSet {
			service: ServiceId,
			profit_from_corruption: BalanceOf<T>,
			corruption_threshold: Perbill,
		},
		/// An action took a service below the runtime's `MinOvercollateralization`: corrupting
		/// it alone now costs `cost_of_corruption` (over the stake committed behind it), less
		/// than the `required` `(1 + γ)·π_s`.
		OvercollateralizationBreached {
			service: ServiceId,
			cost_of_corruption: BalanceOf<T>,
			required: BalanceOf<T>,
		},
		/// A service's reward budget was funded.
		ServiceFunded { service: ServiceId, from: T::AccountId, amount: BalanceOf<T> },
		/// An operator registered.
		OperatorRegistered { operator: T::AccountId, self_bond: BalanceOf<T>, commission: Perbill },
		/// An operator's commission changes at block `effective_at`.
		CommissionChangeScheduled {
			operator: T::AccountId,
			commission: Perbill,
			effective_at: BlockNumberFor<T>,
		},
		/// An operator's self-bond grew.
		SelfBondIncreased { operator: T::AccountId, amount: BalanceOf<T> },
		/// An operator deregistered; its self-bond and deposit were released.
		OperatorDeregistered { operator: T::AccountId },
		/// An operator opted in to a service.
		OptedIn { operator: T::AccountId, service: ServiceId, approved: bool },
		/// An operator left a service.
		OptedOut { operator: T::AccountId, service: ServiceId },
		/// A service's owner approved an operator.
		OperatorApproved { operator: T::AccountId, service: ServiceId },
		/// An operator's allocation to a service changes to `magnitude` at block `effective_at`.
		AllocationScheduled {
			operator: T::AccountId,
			service: ServiceId,
			magnitude: Perquintill,
			effective_at: BlockNumberFor<T>,
		},
		/// A staker restaked `amount` through an operator, for `shares` pool shares.
		Delegated {
			staker: T::AccountId,
			operator: T::AccountId,
			amount: BalanceOf<T>,
			shares: BalanceOf<T>,
		},
		/// A staker's stake entered its undelegation delay.
		UndelegationQueued {
			staker: T::AccountId,
			operator: T::AccountId,
			amount: BalanceOf<T>,
			unlock_at: BlockNumberFor<T>,
		},
		/// A staker's undelegation exceeded the era's outflow cap; `amount` waits in the queue.
		OutflowDeferred { staker: T::AccountId, amount: BalanceOf<T> },
		/// Withdrawals completed; `amount` is no longer frozen.
		Withdrawn { staker: T::AccountId, operator: T::AccountId, amount: BalanceOf<T> },
		/// A staker's pending loss (`loss`, possibly zero) was realized, and with any earlier
		/// debt collected: `from_bond` from its bond and `from_free` from its frozen free
		/// balance. `owed` is what the staker still owes (funds in another hold): it stays
		/// frozen and is collected at the next touch.
		LossRealized {
			staker: T::AccountId,
			operator: T::AccountId,
			loss: BalanceOf<T>,
			from_bond: BalanceOf<T>,
			from_free: BalanceOf<T>,
			owed: BalanceOf<T>,
		},
		/// A debtor's unclaimed rewards and compensation paid (part of) its debt when its
		/// position closed; `owed` is what is left, moved to [`Debts`].
		DebtPaidFromRewards {
			staker: T::AccountId,
			operator: T::AccountId,
			amount: BalanceOf<T>,
			owed: BalanceOf<T>,
		},
		/// A service paid rewards to an operator's pool.
		RewardsPaid {
			service: ServiceId,
			operator: T::AccountId,
			to_operator: BalanceOf<T>,
			to_pool: BalanceOf<T>,
			withheld: BalanceOf<T>,
		},
		/// Compensation (an insurance payout) reached an operator's pool.
		CompensationPaid { operator: T::AccountId, amount: BalanceOf<T> },
		/// A staker claimed rewards and compensation.
		Claimed { staker: T::AccountId, rewards: BalanceOf<T>, compensation: BalanceOf<T> },
		/// A service slashed an operator.
		OperatorSlashed {
			operator: T::AccountId,
			service: ServiceId,
			from_self_bond: BalanceOf<T>,
			from_pool: BalanceOf<T>,
			factor_before: FixedU128,
			factor_after: FixedU128,
		},
		/// A base-layer slash of a staker shrank its restaked value.
		StakerBaseSlashed {
			staker: T::AccountId,
			operator: T::AccountId,
			value_before: BalanceOf<T>,
			value_after: BalanceOf<T>,
		},
		/// A base-layer slash of an operator lowered its pool and self-bond by `fraction`.
		OperatorBaseSlashed {
			operator: T::AccountId,
			fraction: Perquintill,
			from_self_bond: BalanceOf<T>,
		},
		/// A service's slashable stake through an operator dropped outside a service slash.
		SecurityReduced {
			service: ServiceId,
			operator: T::AccountId,
			before: BalanceOf<T>,
			after: BalanceOf<T>,
		},
		/// Root changed the caps.
		ParametersSet { parameters: Parameters },
		/// An operator closed its pool: no new delegations; its delegators' stake can be
		/// released by anyone.
		PoolClosing { operator: T::AccountId },
		/// A service's owner removed an operator, which had nothing allocated to it.
		OperatorRemoved { operator: T::AccountId, service: ServiceId },
		/// A service's owner removed an operator that is still allocated: it can no longer
		/// allocate, its magnitude leaves (slashable until then) from block `effective_at`, and a
		/// second `remove_operator` afterwards completes the removal.
		OperatorRemovalScheduled {
			operator: T::AccountId,
			service: ServiceId,
			effective_at: BlockNumberFor<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// No service with this id.
		UnknownService,
		/// The service is retired.
		ServiceRetired,
		/// The service is paused.
		ServicePaused,
		/// The service is already in the requested state.
		ServiceStatusUnchanged,
		/// Only the service's owner may do this.
		NotServiceOwner,
		/// The service still has operators, allocations or budget commitments.
		ServiceInUse,
		/// `max_operators` is zero, above `MaxOperatorsPerService`, or below the current count.
		InvalidMaxOperators,
		/// A risk profile's corruption threshold is zero: corruption would take no stake.
		InvalidCorruptionThreshold,
		/// The service has its maximum number of operators.
		TooManyOperators,
		/// Metadata is longer than `MaxMetadataLen`.
		MetadataTooLong,
		/// The account is not a registered operator.
		NotOperator,
		/// The account is already a registered operator.
		AlreadyOperator,
		/// The self-bond is below `MinSelfBond` or the service's minimum operator stake.
		SelfBondTooLow,
		/// Commission above `MaxCommission`.
		CommissionTooHigh,
		/// The operator still has delegators, memberships or allocations.
		OperatorInUse,
		/// The operator is already a member of the service.
		AlreadyOptedIn,
		/// The operator is not a member of the service.
		NotOptedIn,
		/// The operator is already approved.
		AlreadyApproved,
		/// The service's owner has not approved this operator.
		NotApproved,
		/// The operator is in `MaxServicesPerOperator` services.
		TooManyServices,
		/// The operator still has a magnitude or a pending change with this service.
		StillAllocated,
		/// The new allocation would exceed `max_magnitude × MaxLeverage`.
		LeverageExceeded,
		/// The magnitude is already the requested one.
		AllocationUnchanged,
		/// The operator would hold more than `max_service_operator_share` of the service.
		ServiceConcentrationExceeded,
		/// The operator would hold more than `max_operator_share` of all restaked stake.
		OperatorConcentrationExceeded,
		/// Amount is zero or below the minimum.
		AmountTooLow,
		/// The account is not bonded in the base staking layer.
		NotStaker,
		/// The amount exceeds what the staker may still restake (`max_restake_ratio` of its
		/// active bond, less what is restaked already).
		ExceedsRestakeable,
		/// The staker already delegates to (or is withdrawing from) another operator.
		DelegatedElsewhere,
		/// The staker has no restaking position.
		NotDelegator,
		/// The amount exceeds the staker's active restaked value.
		ExceedsDelegation,
		/// The staker has `MaxWithdrawals` withdrawals queued.
		TooManyWithdrawals,
		/// The staker already waits in the outflow queue.
		AlreadyInOutflowQueue,
		/// The outflow queue is full.
		OutflowQueueFull,
		/// No withdrawal has passed its undelegation delay.
		NothingToWithdraw,
		/// The staker has no pending loss.
		NothingToSettle,
		/// Nothing to claim.
		NothingToClaim,
		/// The operator's pool has lost (almost) all value and takes no new stake.
		PoolDepleted,
		/// The service's budget is smaller than the payment.
		InsufficientBudget,
		/// The pool has no stake to pay rewards to.
		EmptyPool,
		/// Parameters outside their bounds.
		InvalidParameters,
		/// A slash fraction of zero, or an operator with nothing slashable for the service.
		NothingToSlash,
		/// A slash of the operator waits to execute; no stake may enter or leave its pool (or
		/// start leaving a service) until then.
		SlashPending,
		/// The staker owes a realized loss that could not be collected (its funds sit in
		/// another hold). Free them; `settle` (or any later touch) collects the debt. Until
		/// then the staker cannot delegate, undelegate, withdraw or claim.
		LossOutstanding,
		/// The operator is closing its pool and takes no new delegations.
		PoolClosing,
		/// The operator's pool is not closing: only the staker can undelegate.
		PoolNotClosing,
		/// The delegator has nothing that can be released now.
		NothingToRelease,
		/// The runtime refuses risk declarations that leave a service below its
		/// `MinOvercollateralization`: with this profile, corrupting the service alone would
		/// cost less than `(1 + γ)·π_s` of the stake committed behind it. Lower the profit, or
		/// gather more stake first.
		BelowMinOvercollateralization,
	}
}
