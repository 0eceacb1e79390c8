//! The pallet's dispatchable calls: a [`pallet_section`] imported into the pallet module.

use frame_support::pallet_macros::pallet_section;

#[pallet_section]
mod calls {
	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Create a pool covering `services`, with a premium curve and a deductible. Holds
		/// `PoolDeposit`.
		///
		/// - Origin: signed.
		///
		/// Emits [`Event::PoolCreated`]. Errors: [`Error::InvalidServices`],
		/// [`Error::RateTooHigh`], and the currency's error when the deposit cannot be held.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::create_pool())]
		pub fn create_pool(
			origin: OriginFor<T>,
			services: Vec<ServiceId>,
			pricing: Pricing,
			deductible: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_create_pool(who, services, pricing, deductible).map(|_| ())
		}

		/// Deposit `amount` of free balance into `pool` for shares at the pool's current value.
		///
		/// - Origin: signed.
		///
		/// Emits [`Event::Deposited`]. Errors: [`Error::UnknownPool`], [`Error::AmountTooLow`],
		/// [`Error::ClaimPending`] (a slash a cover of the pool may have to pay waits),
		/// [`Error::PoolDepleted`], `ArithmeticError::Overflow`, and the currency's transfer error.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::deposit())]
		pub fn deposit(origin: OriginFor<T>, pool: PoolId, amount: BalanceOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_deposit(who, pool, amount)
		}

		/// Ask to withdraw `shares`; they stay at risk (and earn) until withdrawn after
		/// `UnderwriterCooldown`, but no longer price cover. The request can be executed from
		/// a cooldown after it until the end of the second epoch of `UnderwriterCooldown`
		/// blocks after its own (between one and two cooldowns), then expires: its shares
		/// price cover again and a new request replaces it. So no underwriter can stay ready
		/// to leave at once, waiting for a fault to flee from.
		///
		/// - Origin: an underwriter of `pool`.
		///
		/// Emits [`Event::WithdrawRequested`]. Errors: [`Error::NoPosition`],
		/// [`Error::AmountTooLow`], [`Error::InsufficientShares`],
		/// [`Error::WithdrawalPending`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::request_withdraw())]
		pub fn request_withdraw(
			origin: OriginFor<T>,
			pool: PoolId,
			shares: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_request_withdraw(who, pool, shares)
		}

		/// Withdraw the requested shares at the pool's current value, once the cooldown has
		/// passed and before the request expired, while no slash a cover of the pool may have
		/// to pay waits, and as far as capital is not locked behind covers (expired covers are
		/// released first).
		///
		/// - Origin: an underwriter of `pool`.
		///
		/// Emits [`Event::Withdrawn`] (and [`Event::CoverReleased`]). Errors:
		/// [`Error::UnknownPool`], [`Error::NoPosition`], [`Error::NoWithdrawal`],
		/// [`Error::CooldownNotOver`], [`Error::WithdrawalExpired`], [`Error::ClaimPending`],
		/// [`Error::CapitalLocked`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::withdraw(T::MaxCoversPerPool::get()))]
		pub fn withdraw(origin: OriginFor<T>, pool: PoolId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_withdraw(who, pool)
		}

		/// Buy cover of `amount` for `operator`'s delegators against slashes by `service`
		/// requested from this block on (from the next if one was requested in this block
		/// already), for `period` blocks. The premium (see the runtime API's `insurance_quote`,
		/// which gives what this call charges in the same block) goes to the pool's unearned
		/// premiums and is earned over the period. After the pool's deductible the cover must
		/// be able to pay `MinCover`.
		///
		/// When the target's list of covers is full, the cover takes the place of the
		/// lowest-ranked one there (by what it can still pay per slash, `remaining −
		/// deductible`, then by the blocks it still runs) if that ranks below the new cover
		/// and no waiting slash may claim it; the evicted cover's buyer gets back the premium
		/// its pool has not earned yet ([`Event::CoverEvicted`]). When the pool's list is full,
		/// the cover takes the place of an ended cover no waiting slash may claim. So no cheap
		/// cover can keep a real buyer out, and no eviction lowers what a slash of the target
		/// finds.
		///
		/// - Origin: signed (anyone).
		///
		/// Emits [`Event::CoverBought`] (and [`Event::CoverReleased`], [`Event::CoverEvicted`]).
		/// Errors: [`Error::UnknownPool`], [`Error::AmountTooLow`], [`Error::CoverWorthless`],
		/// [`Error::InvalidPeriod`], [`Error::ServiceNotCovered`], [`Error::NotAllocated`],
		/// [`Error::InsufficientCapacity`], [`Error::TooManyCovers`],
		/// `ArithmeticError::Overflow`, and the currency's error when the premium cannot be paid.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::buy_cover(T::MaxCoversPerPool::get()))]
		pub fn buy_cover(
			origin: OriginFor<T>,
			pool: PoolId,
			operator: T::AccountId,
			service: ServiceId,
			amount: BalanceOf<T>,
			period: BlockNumberFor<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_buy_cover(who, pool, operator, service, amount, period).map(|_| ())
		}

		/// Release a pool's covers that are past their end and grace, freeing their capital. A
		/// cover on whose target a slash it may have to pay waits is kept until that slash has
		/// executed or been vetoed.
		///
		/// - Origin: signed (anyone).
		///
		/// Emits [`Event::CoverReleased`] per cover. Errors: [`Error::UnknownPool`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::release_covers(T::MaxCoversPerPool::get()))]
		pub fn release_covers(origin: OriginFor<T>, pool: PoolId) -> DispatchResult {
			ensure_signed(origin)?;
			let mut record = Pools::<T>::get(pool).ok_or(Error::<T>::UnknownPool)?;
			Self::release_expired(pool, &mut record);
			Pools::<T>::insert(pool, record);
			Ok(())
		}
	}
}
