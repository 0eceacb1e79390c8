//! The pallet's dispatchable calls: a [`pallet_section`] imported into the pallet module.

use frame_support::pallet_macros::pallet_section;

#[pallet_section]
mod calls {
	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Register a service.
		///
		/// - Origin: signed; the signer becomes the owner and `ServiceDeposit` is held from it.
		/// - `min_operator_stake`: least self-bond an operator needs to opt in.
		/// - `max_operators`: in `1..=MaxOperatorsPerService`.
		/// - `requires_approval`: whether the owner approves each operator before it allocates.
		/// - `risk_profile`: the service's declared profit from corruption and corruption
		///   threshold (see [`RiskProfile`]); without one the security report counts its profit
		///   as zero and shows it as undeclared.
		///
		/// Emits [`Event::ServiceRegistered`], then [`Event::RiskProfileSet`] with a profile,
		/// and [`Event::OvercollateralizationBreached`] if the runtime has a
		/// `MinOvercollateralization` and the profile declares a profit (no stake is behind a
		/// new service). Errors: [`Error::MetadataTooLong`], [`Error::InvalidMaxOperators`],
		/// [`Error::InvalidCorruptionThreshold`], [`Error::BelowMinOvercollateralization`]
		/// (a profit declared where the runtime refuses declarations below its floor), or the
		/// hold's error if the deposit is not free.
		#[pallet::call_index(0)]
		#[pallet::weight(
			T::WeightInfo::register_service().saturating_add(Pallet::<T>::floor_weight(1))
		)]
		pub fn register_service(
			origin: OriginFor<T>,
			metadata: Vec<u8>,
			min_operator_stake: BalanceOf<T>,
			max_operators: u32,
			requires_approval: bool,
			risk_profile: Option<RiskProfile<BalanceOf<T>>>,
		) -> DispatchResult {
			let owner = ensure_signed(origin)?;
			Self::do_register_service(
				owner,
				metadata,
				min_operator_stake,
				max_operators,
				requires_approval,
				risk_profile,
			)
			.map(|_| ())
		}

		/// Change a service's metadata, minimum operator stake (for future opt-ins), maximum
		/// operators (not below the current count), approval policy (for future opt-ins) or
		/// risk profile.
		///
		/// - Origin: the service's owner.
		///
		/// Emits [`Event::ServiceUpdated`], and [`Event::RiskProfileSet`] when the risk profile
		/// is given, then [`Event::OvercollateralizationBreached`] if the profile takes the
		/// service below the runtime's `MinOvercollateralization`. Errors:
		/// [`Error::UnknownService`], [`Error::NotServiceOwner`], [`Error::ServiceRetired`],
		/// [`Error::MetadataTooLong`], [`Error::InvalidMaxOperators`],
		/// [`Error::InvalidCorruptionThreshold`], [`Error::BelowMinOvercollateralization`]
		/// (where the runtime refuses a profile that leaves the service below its floor with
		/// less margin than before).
		#[pallet::call_index(1)]
		#[pallet::weight(
			T::WeightInfo::update_service().saturating_add(Pallet::<T>::floor_weight(1))
		)]
		pub fn update_service(
			origin: OriginFor<T>,
			service: ServiceId,
			metadata: Option<Vec<u8>>,
			min_operator_stake: Option<BalanceOf<T>>,
			max_operators: Option<u32>,
			requires_approval: Option<bool>,
			risk_profile: Option<RiskProfile<BalanceOf<T>>>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_update_service(
				who,
				service,
				metadata,
				min_operator_stake,
				max_operators,
				requires_approval,
				risk_profile,
			)
		}

		/// Pause (`paused = true`) or resume a service. A paused service takes no new opt-ins or
		/// allocations; what is allocated stays slashable.
		///
		/// - Origin: the service's owner.
		///
		/// Emits [`Event::ServicePaused`] or [`Event::ServiceResumed`]. Errors:
		/// [`Error::UnknownService`], [`Error::NotServiceOwner`], [`Error::ServiceRetired`],
		/// [`Error::ServiceStatusUnchanged`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::set_service_paused())]
		pub fn set_service_paused(
			origin: OriginFor<T>,
			service: ServiceId,
			paused: bool,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_service_paused(who, service, paused)
		}

		/// Retire a service for good: needs no operator opted in. The deposit is released and
		/// the unspent reward budget returned to the owner.
		///
		/// - Origin: the service's owner.
		///
		/// Emits [`Event::ServiceRetired`]. Errors: [`Error::UnknownService`],
		/// [`Error::NotServiceOwner`], [`Error::ServiceRetired`], [`Error::ServiceInUse`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::retire_service())]
		pub fn retire_service(origin: OriginFor<T>, service: ServiceId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_retire_service(who, service)
		}

		/// Add `amount` of the signer's free balance to a service's reward budget.
		///
		/// - Origin: signed (anyone may fund a service).
		///
		/// Emits [`Event::ServiceFunded`]. Errors: [`Error::UnknownService`],
		/// [`Error::ServiceRetired`], [`Error::AmountTooLow`], or the transfer's error.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::fund_service())]
		pub fn fund_service(
			origin: OriginFor<T>,
			service: ServiceId,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_fund_service(who, service, amount)
		}

		/// Register the signer as an operator with `self_bond` (held) and `commission`.
		///
		/// - Origin: signed. `OperatorDeposit` is held besides the self-bond.
		///
		/// Emits [`Event::OperatorRegistered`]. Errors: [`Error::AlreadyOperator`],
		/// [`Error::SelfBondTooLow`], [`Error::CommissionTooHigh`], [`Error::MetadataTooLong`],
		/// [`Error::DelegatedElsewhere`] (a delegator cannot be an operator), or the hold's
		/// error.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::register_operator())]
		pub fn register_operator(
			origin: OriginFor<T>,
			self_bond: BalanceOf<T>,
			commission: Perbill,
			metadata: Vec<u8>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_register_operator(who, self_bond, commission, metadata)
		}

		/// Schedule a commission change; it applies after `CommissionChangeDelay` blocks, so
		/// delegators can leave first.
		///
		/// - Origin: an operator.
		///
		/// Emits [`Event::CommissionChangeScheduled`]. Errors: [`Error::NotOperator`],
		/// [`Error::CommissionTooHigh`].
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::set_commission())]
		pub fn set_commission(origin: OriginFor<T>, commission: Perbill) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_commission(who, commission)
		}

		/// Add `amount` of free balance to the signer's self-bond.
		///
		/// - Origin: an operator.
		///
		/// Emits [`Event::SelfBondIncreased`]. Errors: [`Error::NotOperator`],
		/// [`Error::AmountTooLow`], [`Error::OperatorConcentrationExceeded`], or the hold's
		/// error.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::bond_more())]
		pub fn bond_more(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_bond_more(who, amount)
		}

		/// Deregister: needs no delegators (active or withdrawing) and no memberships. Releases
		/// the self-bond and the deposit.
		///
		/// - Origin: an operator.
		///
		/// Emits [`Event::OperatorDeregistered`]. Errors: [`Error::NotOperator`],
		/// [`Error::OperatorInUse`], [`Error::SlashPending`].
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::deregister_operator())]
		pub fn deregister_operator(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_deregister_operator(who)
		}

		/// Opt in to a service. When the service requires approval the operator becomes a
		/// candidate: it takes no place among the service's `max_operators` and cannot allocate
		/// until the owner approves it.
		///
		/// - Origin: an operator whose self-bond meets the service's minimum.
		///
		/// Emits [`Event::OptedIn`]. Errors: [`Error::NotOperator`], [`Error::UnknownService`],
		/// [`Error::ServiceRetired`], [`Error::ServicePaused`], [`Error::AlreadyOptedIn`],
		/// [`Error::SelfBondTooLow`], [`Error::TooManyOperators`], [`Error::TooManyServices`],
		/// [`Error::SlashPending`] (a slash of the operator waits).
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::opt_in())]
		pub fn opt_in(origin: OriginFor<T>, service: ServiceId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_opt_in(who, service)
		}

		/// Leave a service: needs a zero magnitude and no pending change (deallocate first and
		/// wait `DeallocationDelay`).
		///
		/// - Origin: an operator.
		///
		/// Emits [`Event::OptedOut`]. Errors: [`Error::NotOptedIn`], [`Error::StillAllocated`],
		/// [`Error::SlashPending`].
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::opt_out())]
		pub fn opt_out(origin: OriginFor<T>, service: ServiceId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_opt_out(who, service)
		}

		/// Approve an operator's opt-in: it takes a place among the service's operators.
		///
		/// - Origin: the service's owner.
		///
		/// Emits [`Event::OperatorApproved`]. Errors: [`Error::UnknownService`],
		/// [`Error::NotServiceOwner`], [`Error::ServiceRetired`], [`Error::NotOptedIn`],
		/// [`Error::AlreadyApproved`], [`Error::TooManyOperators`].
		#[pallet::call_index(11)]
		#[pallet::weight(T::WeightInfo::approve_operator())]
		pub fn approve_operator(
			origin: OriginFor<T>,
			service: ServiceId,
			operator: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_approve_operator(who, service, operator)
		}

		/// Set the magnitude allocated to a service. Increases apply after `AllocationDelay`,
		/// decreases after `DeallocationDelay` (the old magnitude stays slashable until then).
		/// A new request replaces a pending one.
		///
		/// - Origin: an operator, member of the service and approved.
		///
		/// Emits [`Event::AllocationScheduled`], and [`Event::OvercollateralizationBreached`]
		/// when a decrease takes the service below the runtime's `MinOvercollateralization`
		/// (judged at the new magnitude at once; never refused). Errors: [`Error::NotOptedIn`],
		/// [`Error::NotApproved`], [`Error::ServicePaused`] (increases only),
		/// [`Error::ServiceRetired`], [`Error::LeverageExceeded`],
		/// [`Error::AllocationUnchanged`], [`Error::ServiceConcentrationExceeded`],
		/// [`Error::SlashPending`] (decreases only, while a slash of the operator waits).
		#[pallet::call_index(12)]
		#[pallet::weight(
			T::WeightInfo::allocate().saturating_add(Pallet::<T>::floor_weight(1))
		)]
		pub fn allocate(
			origin: OriginFor<T>,
			service: ServiceId,
			magnitude: Perquintill,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_allocate(who, service, magnitude)
		}

		/// Restake `amount` of the signer's active base-layer bond through `operator`. Also adds
		/// to an existing position with the same operator.
		///
		/// - Origin: a base-layer staker.
		///
		/// Emits [`Event::Delegated`] (after realizing any pending loss). Errors:
		/// [`Error::AmountTooLow`], [`Error::NotOperator`], [`Error::NotStaker`],
		/// [`Error::ExceedsRestakeable`], [`Error::DelegatedElsewhere`],
		/// [`Error::PoolDepleted`], [`Error::OperatorConcentrationExceeded`],
		/// [`Error::SlashPending`] (a slash of the operator waits), [`Error::PoolClosing`],
		/// [`Error::LossOutstanding`].
		#[pallet::call_index(13)]
		#[pallet::weight(T::WeightInfo::delegate())]
		pub fn delegate(
			origin: OriginFor<T>,
			operator: T::AccountId,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_delegate(who, operator, amount)
		}

		/// Restake `amount` more through the operator the signer already delegates to.
		///
		/// - Origin: a staker with a position.
		///
		/// Emits [`Event::Delegated`]. Errors: as [`Pallet::delegate`], and
		/// [`Error::NotDelegator`].
		#[pallet::call_index(14)]
		#[pallet::weight(T::WeightInfo::delegate())]
		pub fn delegate_more(origin: OriginFor<T>, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let operator = Stakers::<T>::get(&who).ok_or(Error::<T>::NotDelegator)?.operator;
			Self::do_delegate(who, operator, amount)
		}

		/// Start undelegating `amount` of the signer's active restaked value. It stays frozen
		/// and slashable for `UndelegationDelay` blocks. If the era's outflow cap is reached,
		/// the excess waits (still delegated) in the outflow queue and starts in a later era.
		///
		/// - Origin: a staker with a position.
		///
		/// Emits [`Event::UndelegationQueued`] and/or [`Event::OutflowDeferred`], and
		/// [`Event::OvercollateralizationBreached`] for each of the operator's services the
		/// undelegation takes below the runtime's `MinOvercollateralization` (never refused).
		/// Errors: [`Error::NotDelegator`], [`Error::AmountTooLow`],
		/// [`Error::ExceedsDelegation`], [`Error::TooManyWithdrawals`],
		/// [`Error::AlreadyInOutflowQueue`], [`Error::OutflowQueueFull`],
		/// [`Error::LossOutstanding`].
		///
		/// Weight: with a floor, charged for every operator of every service of the operator,
		/// refunded to those read.
		#[pallet::call_index(15)]
		#[pallet::weight(T::WeightInfo::undelegate().saturating_add(
			Pallet::<T>::floor_weight(T::MaxServicesPerOperator::get())
		))]
		pub fn undelegate(
			origin: OriginFor<T>,
			amount: BalanceOf<T>,
		) -> DispatchResultWithPostInfo {
			let who = ensure_signed(origin)?;
			let floor = Self::do_undelegate(who, amount, delegation::Exit::Staker)?;
			Ok(Some(T::WeightInfo::undelegate().saturating_add(floor)).into())
		}

		/// Complete every withdrawal past its undelegation delay: the value (after any slash)
		/// is unfrozen.
		///
		/// - Origin: a staker with a position.
		///
		/// Emits [`Event::Withdrawn`]. Errors: [`Error::NotDelegator`],
		/// [`Error::NothingToWithdraw`], [`Error::SlashPending`] (while a slash of the operator
		/// waits), [`Error::LossOutstanding`].
		#[pallet::call_index(16)]
		#[pallet::weight(T::WeightInfo::withdraw_unbonded())]
		pub fn withdraw_unbonded(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw_unbonded(who, delegation::Exit::Staker).map(|_| ())
		}

		/// Realize `staker`'s pending loss and collect it, with any debt left from earlier: take
		/// it from the staker's bond (then from its frozen free balance) and send it to
		/// `OnSlashedFunds`. What sits in another hold stays owed and frozen. Free of charge
		/// when it realizes or collects something.
		///
		/// - Origin: signed (anyone).
		///
		/// Emits [`Event::LossRealized`]. Errors: [`Error::NotDelegator`],
		/// [`Error::NothingToSettle`].
		#[pallet::call_index(17)]
		#[pallet::weight(T::WeightInfo::settle())]
		pub fn settle(origin: OriginFor<T>, staker: T::AccountId) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			Self::do_settle(&staker)?;
			Ok(Pays::No.into())
		}

		/// Claim the signer's rewards and compensation.
		///
		/// - Origin: a staker with a position.
		///
		/// Emits [`Event::Claimed`]. Errors: [`Error::NotDelegator`], [`Error::NothingToClaim`],
		/// [`Error::LossOutstanding`].
		#[pallet::call_index(18)]
		#[pallet::weight(T::WeightInfo::claim())]
		pub fn claim(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim(who).map(|_| ())
		}

		/// Pay `amount` from a service's budget to an operator's pool: the operator's commission
		/// first, the rest split between its self-bond and its delegators by value, per share.
		/// Pools above `concentration_threshold` of all restake get less; the withheld part
		/// stays in the budget.
		///
		/// - Origin: the service's owner.
		///
		/// Emits [`Event::RewardsPaid`]. Errors: [`Error::UnknownService`],
		/// [`Error::NotServiceOwner`], [`Error::ServiceRetired`], [`Error::NotOptedIn`],
		/// [`Error::AmountTooLow`], [`Error::InsufficientBudget`], [`Error::EmptyPool`].
		#[pallet::call_index(19)]
		#[pallet::weight(T::WeightInfo::pay_rewards())]
		pub fn pay_rewards(
			origin: OriginFor<T>,
			service: ServiceId,
			operator: T::AccountId,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_pay_rewards(who, service, operator, amount)
		}

		/// Set the caps and the diversification curve. Every cap must be in (0, 1] and the
		/// threshold at most the operator cap.
		///
		/// - Origin: `ParametersOrigin` (root in the demo runtime).
		///
		/// Emits [`Event::ParametersSet`]. Errors: [`Error::InvalidParameters`].
		#[pallet::call_index(20)]
		#[pallet::weight(T::WeightInfo::set_parameters())]
		pub fn set_parameters(origin: OriginFor<T>, parameters: Parameters) -> DispatchResult {
			T::ParametersOrigin::ensure_origin(origin)?;
			ensure!(parameters.is_valid(), Error::<T>::InvalidParameters);
			ActiveParameters::<T>::put(parameters);
			Self::deposit_event(Event::ParametersSet { parameters });
			Ok(())
		}

		/// Close the signer's pool so that it can deregister: no new delegations, and anyone
		/// may release its delegators ([`Pallet::release_delegator`]). Their stake leaves
		/// through the normal undelegation path, slashable for the whole delay.
		///
		/// - Origin: an operator.
		///
		/// Emits [`Event::PoolClosing`]. Errors: [`Error::NotOperator`],
		/// [`Error::PoolClosing`] (already closing).
		#[pallet::call_index(21)]
		#[pallet::weight(T::WeightInfo::close_pool())]
		pub fn close_pool(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_close_pool(who)
		}

		/// Release a delegator of a closing pool: start undelegating all of its active value
		/// (deferred through the outflow queue beyond the era's cap, still slashable for
		/// `UndelegationDelay`), complete its due withdrawals, or close its position when it
		/// is worth nothing.
		///
		/// - Origin: signed (anyone).
		///
		/// Emits [`Event::UndelegationQueued`], [`Event::OutflowDeferred`] and/or
		/// [`Event::Withdrawn`]. Errors: [`Error::NotDelegator`], [`Error::PoolNotClosing`],
		/// [`Error::NothingToRelease`].
		#[pallet::call_index(22)]
		#[pallet::weight(T::WeightInfo::release_delegator().saturating_add(
			Pallet::<T>::floor_weight(T::MaxServicesPerOperator::get())
		))]
		pub fn release_delegator(origin: OriginFor<T>, staker: T::AccountId) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_release_delegator(staker)
		}

		/// Remove an operator from a service. One with nothing in force allocated leaves at
		/// once (a pending increase is dropped); one still allocated can no longer allocate,
		/// and its magnitude is deallocated after `DeallocationDelay` (slashable until then,
		/// and for as long as a slash of it by the service waits): call again afterwards to
		/// complete the removal. Candidates waiting for approval can be removed too.
		///
		/// - Origin: the service's owner.
		///
		/// Emits [`Event::OperatorRemoved`] or [`Event::OperatorRemovalScheduled`] (with
		/// [`Event::OvercollateralizationBreached`] if the scheduled removal takes the service
		/// below the runtime's `MinOvercollateralization`). Errors:
		/// [`Error::UnknownService`], [`Error::NotServiceOwner`], [`Error::ServiceRetired`],
		/// [`Error::NotOptedIn`], [`Error::SlashPending`] (an operator with nothing allocated
		/// while a slash of it waits).
		#[pallet::call_index(23)]
		#[pallet::weight(
			T::WeightInfo::remove_operator().saturating_add(Pallet::<T>::floor_weight(1))
		)]
		pub fn remove_operator(
			origin: OriginFor<T>,
			service: ServiceId,
			operator: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_remove_operator(who, service, operator)
		}
	}
}
