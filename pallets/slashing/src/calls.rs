//! The pallet's dispatchable calls: a [`pallet_section`] imported into the pallet module.

use frame_support::pallet_macros::pallet_section;

#[pallet_section]
mod calls {
	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Set `service`'s slashing policy: the first time while no operator has opted in,
		/// afterwards only milder.
		///
		/// - Origin: the service's owner.
		///
		/// Emits [`Event::PolicySet`] (and the restaking pallet's `OvercollateralizationBreached`
		/// if a milder policy takes the service below the runtime's `MinOvercollateralization`).
		/// Errors: [`Error::ServiceNotLive`], [`Error::NotServiceOwner`],
		/// [`Error::InvalidPolicy`], [`Error::OperatorsAlreadyAllocated`],
		/// [`Error::PolicyHarsher`], or the restaking pallet's `BelowMinOvercollateralization`
		/// (where the runtime refuses such a policy).
		#[pallet::call_index(0)]
		#[pallet::weight(
			T::WeightInfo::set_policy().saturating_add(T::Restaking::milder_slashes_weight())
		)]
		pub fn set_policy(
			origin: OriginFor<T>,
			service: ServiceId,
			policy: PolicyOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_policy(who, service, policy)
		}

		/// Ask for a slash of `operator` for `service` at the policy's fraction for `tier` of the
		/// operator's slashable stake now, clipped to what the operator's window cap leaves. It
		/// executes after the policy's veto window unless vetoed; meanwhile no stake leaves the
		/// operator's pool. An account slasher deposits `RequestDeposit`, lost on a veto.
		///
		/// - Origin: the service's slasher (an account, or `CommitteeOrigin`).
		///
		/// Emits [`Event::SlashRequested`] (and [`Event::SlashClipped`] when clipped). Errors:
		/// [`Error::IsPaused`], [`Error::ServiceNotLive`], [`Error::NoPolicy`],
		/// [`Error::NotSlasher`], [`Error::NotAllocated`], [`Error::DuplicateEvidence`],
		/// [`Error::TierDisabled`], [`Error::WindowCapReached`],
		/// [`Error::TooManySlashesInWindow`], [`Error::ServiceQueueFull`],
		/// and the currency's error when an account slasher cannot pay `RequestDeposit`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::request_slash())]
		pub fn request_slash(
			origin: OriginFor<T>,
			service: ServiceId,
			operator: T::AccountId,
			tier: SlashTier,
			evidence: H256,
		) -> DispatchResult {
			Self::do_request_slash(origin, service, operator, tier, evidence)
		}

		/// Dispute a waiting slash: hold `DisputeBond` from the operator and flag the request
		/// for the committee. The bond comes back if the slash is vetoed and is slashed with
		/// it otherwise.
		///
		/// - Origin: the slashed operator.
		///
		/// Emits [`Event::SlashDisputed`]. Errors: [`Error::UnknownSlash`],
		/// [`Error::AlreadyExecuted`], [`Error::NotWaiting`], [`Error::NotSlashedOperator`],
		/// [`Error::AlreadyDisputed`], [`Error::DisputeWindowClosed`], and the currency's error
		/// when the bond cannot be held.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::dispute())]
		pub fn dispute(origin: OriginFor<T>, id: SlashId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_dispute(who, id)
		}

		/// Cancel a waiting slash: a dispute bond is returned, the slasher's deposit forfeited,
		/// the fraction given back to the operator's window. Allowed while paused.
		///
		/// - Origin: `VetoOrigin`.
		///
		/// Emits [`Event::SlashVetoed`]. Errors: [`Error::UnknownSlash`],
		/// [`Error::AlreadyExecuted`], [`Error::NotWaiting`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::veto())]
		pub fn veto(origin: OriginFor<T>, id: SlashId) -> DispatchResult {
			T::VetoOrigin::ensure_origin(origin)?;
			Self::do_veto(id)
		}

		/// Execute a slash whose veto window has passed. Free of charge.
		///
		/// - Origin: signed (anyone).
		///
		/// Emits [`Event::SlashExecuted`] or [`Event::SlashLapsed`]. Errors:
		/// [`Error::IsPaused`], [`Error::UnknownSlash`], [`Error::AlreadyExecuted`],
		/// [`Error::NotWaiting`], [`Error::NotDue`].
		#[pallet::call_index(4)]
		// The cost does not depend on the pool's delegator count (the benchmark's `d`
		// component shows it), so none is charged for; `OnSlashExecuted` adds its own.
		#[pallet::weight(
			T::WeightInfo::execute_slash(0).saturating_add(T::OnSlashExecuted::max_weight())
		)]
		pub fn execute_slash(origin: OriginFor<T>, id: SlashId) -> DispatchResultWithPostInfo {
			ensure_signed(origin)?;
			Self::do_execute(id, frame_system::Pallet::<T>::block_number())?;
			Ok(PostDispatchInfo { actual_weight: None, pays_fee: Pays::No })
		}

		/// Stop new requests and executions. Waiting requests keep their operators' exits
		/// frozen.
		///
		/// - Origin: `PauseOrigin`.
		///
		/// Emits [`Event::Paused`]. Errors: [`Error::IsPaused`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::pause())]
		pub fn pause(origin: OriginFor<T>) -> DispatchResult {
			T::PauseOrigin::ensure_origin(origin)?;
			ensure!(!Paused::<T>::get(), Error::<T>::IsPaused);
			Paused::<T>::put(true);
			Self::deposit_event(Event::Paused);
			Ok(())
		}

		/// Resume requests and executions.
		///
		/// - Origin: `PauseOrigin`.
		///
		/// Emits [`Event::Resumed`]. Errors: [`Error::NotPaused`].
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::resume())]
		pub fn resume(origin: OriginFor<T>) -> DispatchResult {
			T::PauseOrigin::ensure_origin(origin)?;
			ensure!(Paused::<T>::get(), Error::<T>::NotPaused);
			Paused::<T>::kill();
			Self::deposit_event(Event::Resumed);
			Ok(())
		}
	}
}
