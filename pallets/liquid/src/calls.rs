//! The pallet's dispatchable calls: a [`pallet_section`] imported into the pallet module.

use frame_support::pallet_macros::pallet_section;

#[pallet_section]
mod calls {
	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Create `operator`'s vault and its token.
		///
		/// - Origin: `operator` itself, or `CreateOrigin`. The operator pays `VaultDeposit`
		///   into the vault's account either way.
		///
		/// Emits [`Event::VaultCreated`]. Errors: [`Error::NotVaultOperator`],
		/// [`Error::NotOperator`], [`Error::VaultExists`], or the transfer's or the assets
		/// pallet's error.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::create_vault())]
		pub fn create_vault(origin: OriginFor<T>, operator: T::AccountId) -> DispatchResult {
			if T::CreateOrigin::try_origin(origin.clone()).is_err() {
				let who = ensure_signed(origin)?;
				ensure!(who == operator, Error::<T>::NotVaultOperator);
			}
			Self::do_create_vault(operator).map(|_| ())
		}

		/// Deposit `amount` of free balance into `vault` for vault tokens at its current rate,
		/// at least `min_tokens` of them. The amount is bonded, and restaked as far as the
		/// restake ratio allows. Refused while a slash of the vault's operator waits (the rate
		/// does not show the loss yet).
		///
		/// - Origin: signed, not a vault's account.
		///
		/// Emits [`Event::Deposited`]. Errors: [`Error::UnknownVault`], [`Error::VaultPaused`],
		/// [`Error::SlashPending`], [`Error::DepositTooSmall`], [`Error::RecursiveDeposit`],
		/// [`Error::VaultDepleted`], [`Error::RateMoved`], `ArithmeticError::Overflow`, or the
		/// transfer's, the staking layer's, the restaking pallet's (an operator over its
		/// concentration cap takes no more stake) or the assets pallet's error.
		#[pallet::call_index(1)]
		#[pallet::weight(
			T::WeightInfo::deposit().saturating_add(T::Restaking::undelegation_checks_weight())
		)]
		pub fn deposit(
			origin: OriginFor<T>,
			vault: VaultId,
			amount: T::Balance,
			min_tokens: T::Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_deposit(who, vault, amount, min_tokens)
		}

		/// Burn `tokens` of `vault`'s token into a redemption worth at least `min_value` now.
		/// It waits in the vault's queue until the per-era cap releases it, then unlocks after
		/// the bonding duration and the undelegation delay; until it is paid it shares the
		/// vault's slashes.
		///
		/// - Origin: a holder of the vault's token.
		///
		/// Emits [`Event::RedemptionQueued`]. Errors: [`Error::UnknownVault`],
		/// [`Error::VaultPaused`], [`Error::ZeroTokens`], [`Error::InsufficientTokens`],
		/// [`Error::RedeemTooSmall`], [`Error::RateMoved`], [`Error::TooManyRedemptions`],
		/// `ArithmeticError::Overflow`.
		#[pallet::call_index(2)]
		#[pallet::weight(
			T::WeightInfo::redeem().saturating_add(T::Restaking::undelegation_checks_weight())
		)]
		pub fn redeem(
			origin: OriginFor<T>,
			vault: VaultId,
			tokens: T::Balance,
			min_value: T::Balance,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_redeem(who, vault, tokens, min_value)
		}

		/// Pay `owner`'s redemption `id` of `vault` to `owner`: its shares at today's rate, at
		/// most what they were worth when released. Waits while a slash of the vault's operator
		/// waits: paid after it, the redemption bears its share of the loss.
		///
		/// - Origin: signed (anyone; the funds go to `owner`). Works while the vault is paused.
		///
		/// Emits [`Event::Withdrawn`]. Errors: [`Error::UnknownVault`],
		/// [`Error::UnknownRedemption`], [`Error::NotReleased`], [`Error::SlashPending`],
		/// [`Error::NotUnlocked`],
		/// [`Error::AwaitingLiquidity`], `ArithmeticError::Overflow`.
		#[pallet::call_index(3)]
		#[pallet::weight(
			T::WeightInfo::withdraw().saturating_add(T::Restaking::undelegation_checks_weight())
		)]
		pub fn withdraw(
			origin: OriginFor<T>,
			vault: VaultId,
			owner: T::AccountId,
			id: u32,
		) -> DispatchResult {
			ensure_signed(origin)?;
			Self::do_withdraw(owner, vault, id)
		}

		/// Compound the vault's rewards and release its redemption queue for the current era.
		///
		/// - Origin: signed (anyone).
		///
		/// Emits [`Event::Compounded`], [`Event::RedemptionsReleased`] or the `…Deferred`
		/// events when there is something to do. Errors: [`Error::UnknownVault`]. (Every
		/// step is best effort: what the staking or restaking layer refuses waits.)
		#[pallet::call_index(4)]
		#[pallet::weight(
			T::WeightInfo::poke().saturating_add(T::Restaking::undelegation_checks_weight())
		)]
		pub fn poke(origin: OriginFor<T>, vault: VaultId) -> DispatchResult {
			ensure_signed(origin)?;
			let mut record = Vaults::<T>::get(vault).ok_or(Error::<T>::UnknownVault)?;
			Self::sync(vault, &mut record);
			Vaults::<T>::insert(vault, record);
			Ok(())
		}

		/// Pause (`paused = true`) or resume a vault's deposits and redemptions. Releases and
		/// payouts go on while it is paused.
		///
		/// - Origin: `PauseOrigin`.
		///
		/// Emits [`Event::PauseSet`]. Errors: [`Error::UnknownVault`], [`Error::PauseUnchanged`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_paused())]
		pub fn set_paused(origin: OriginFor<T>, vault: VaultId, paused: bool) -> DispatchResult {
			T::PauseOrigin::ensure_origin(origin)?;
			Vaults::<T>::try_mutate(vault, |record| {
				let record = record.as_mut().ok_or(Error::<T>::UnknownVault)?;
				ensure!(record.paused != paused, Error::<T>::PauseUnchanged);
				record.paused = paused;
				Ok::<_, DispatchError>(())
			})?;
			Self::deposit_event(Event::PauseSet { vault, paused });
			Ok(())
		}
	}
}
