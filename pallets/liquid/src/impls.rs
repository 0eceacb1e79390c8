//! The liquid restaking pallet's logic: everything the calls do.

use alloc::vec::Vec;
use frame_support::{
	ensure,
	storage::with_storage_layer,
	traits::{
		fungible::{Inspect, Mutate},
		fungibles::{
			metadata::Mutate as MetadataMutate, Create, Inspect as AssetsInspect,
			Mutate as AssetsMutate,
		},
		tokens::{Fortitude, Precision, Preservation},
		Get,
	},
	PalletId,
};
use restaking_primitives::{liquid::VaultId, restaking::StakerInterface};
use sp_arithmetic::{
	helpers_128bit::multiply_by_rational_with_rounding,
	traits::{CheckedAdd, Saturating, UniqueSaturatedInto, Zero},
	Rounding,
};
use sp_runtime::{
	traits::{AccountIdConversion, Convert},
	DispatchError, DispatchResult, FixedPointNumber, FixedU128,
};
use sp_staking::StakingInterface;

use crate::{pallet::*, types::*, AssetIdOf};

/// What a vault is worth and where its value sits.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Books<Balance> {
	/// The vault's value: bond + liquid funds + claimable − pending loss.
	pub value: Balance,
	/// Bonded in the staking layer, active.
	pub active: Balance,
	/// Bonded in the staking layer, unbonding.
	pub unlocking: Balance,
	/// Free balance of the vault's account above its reserve (may be frozen by restaking).
	pub liquid: Balance,
	/// Restaked value, active (at the pool's factor).
	pub restaked: Balance,
	/// Restaked value waiting in the restaking outflow queue.
	pub queued_outflow: Balance,
	/// Restaked value whose undelegation delay has passed.
	pub withdrawable: Balance,
	/// Restaking loss imposed and not yet realized.
	pub pending_loss: Balance,
	/// Restaking rewards and compensation to claim.
	pub claimable: Balance,
	/// What is at risk: the bond less the pending loss, plus the compensation to claim for
	/// it. A fall of it since the last update is a loss (see [`Vault::last_at_risk`]).
	pub at_risk: Balance,
}

/// What a vault's books show since its last update: a `loss` (a fall of the value at risk),
/// counted at once, and a `gain` of the rest of the value, which vests.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Change<Balance> {
	/// Taken from the value at risk (slashes, net of their compensation).
	pub loss: Balance,
	/// Added to the value beyond the loss (rewards, donations).
	pub gain: Balance,
}

impl<T: Config> Pallet<T> {
	/// The keyless account of vault `id`.
	pub fn vault_account(id: VaultId) -> T::AccountId {
		T::PalletId::get().into_sub_account_truncating(id)
	}

	/// The asset id of vault `id`'s token.
	pub fn asset_of(id: VaultId) -> AssetIdOf<T> {
		T::VaultAsset::convert(id)
	}

	/// Whether `who` is the account of an existing vault.
	pub fn is_vault_account(who: &T::AccountId) -> bool {
		PalletId::try_from_sub_account::<VaultId>(who).is_some_and(|(pallet, id)| {
			pallet == T::PalletId::get() && Vaults::<T>::contains_key(id)
		})
	}

	/// `a × b / c`, rounded as asked; `None` when `c` is zero or the result overflows.
	pub(crate) fn mul_div(
		a: T::Balance,
		b: T::Balance,
		c: T::Balance,
		rounding: Rounding,
	) -> Option<T::Balance> {
		let (a, b, c): (u128, u128, u128) =
			(a.unique_saturated_into(), b.unique_saturated_into(), c.unique_saturated_into());
		if c == 0 {
			return None;
		}
		multiply_by_rational_with_rounding(a, b, c, rounding)
			.and_then(|r| T::Balance::try_from(r).ok())
	}

	/// The virtual shares every vault counts: `10^DecimalsOffset`.
	pub(crate) fn virtual_shares() -> T::Balance {
		T::Balance::from(10u32).saturating_pow(usize::from(T::DecimalsOffset::get()))
	}

	/// Tokens `amount` buys at value `value` and `shares` shares, rounded down. The rate is
	/// `(value + 1) / (shares + 10^DecimalsOffset)`: the virtual shares keep an empty vault's
	/// leftover value (or a donation) from going to the next depositor, and make rounding cost
	/// a depositor at most one part in `10^DecimalsOffset` of the vault's value per share; no
	/// deposit followed by a redemption gains.
	pub(crate) fn tokens_for(
		amount: T::Balance,
		value: T::Balance,
		shares: T::Balance,
	) -> Option<T::Balance> {
		let one = T::Balance::from(1u32);
		Self::mul_div(
			amount,
			shares.checked_add(&Self::virtual_shares())?,
			value.checked_add(&one)?,
			Rounding::Down,
		)
	}

	/// Value of `shares` of a vault of value `value` and `total` shares, rounded down.
	pub(crate) fn value_of(
		shares: T::Balance,
		value: T::Balance,
		total: T::Balance,
	) -> Option<T::Balance> {
		let one = T::Balance::from(1u32);
		Self::mul_div(
			shares,
			value.checked_add(&one)?,
			total.checked_add(&Self::virtual_shares())?,
			Rounding::Down,
		)
	}

	/// The exchange rate: value of `10^DecimalsOffset` token units, i.e. of one token at the
	/// currency's scale (1 for a new vault), as a wallet shows both with their decimals.
	pub fn rate(value: T::Balance, shares: T::Balance) -> FixedU128 {
		let virtual_shares: u128 = Self::virtual_shares().unique_saturated_into();
		let value: u128 = value.unique_saturated_into();
		let shares: u128 = shares.unique_saturated_into();
		virtual_shares
			.checked_mul(FixedU128::accuracy())
			.and_then(|scale| {
				multiply_by_rational_with_rounding(
					value.saturating_add(1),
					scale,
					shares.saturating_add(virtual_shares),
					Rounding::Down,
				)
			})
			.map(FixedU128::from_inner)
			.unwrap_or_default()
	}

	/// Tokens in circulation.
	pub fn supply(id: VaultId) -> T::Balance {
		T::Assets::total_issuance(Self::asset_of(id))
	}

	/// How a vault's value splits between its released redemptions (worth at most what they
	/// were worth when released) and its tokens and queued redemptions (everything else).
	pub fn pricing(id: VaultId, record: &Vault<T>) -> Pricing<T::Balance> {
		Self::pricing_at(id, record, &Self::books(record))
	}

	/// [`Self::pricing`] for a vault with these `books` (already read).
	pub(crate) fn pricing_at(
		id: VaultId,
		record: &Vault<T>,
		books: &Books<T::Balance>,
	) -> Pricing<T::Balance> {
		let value = books.value;
		let change = Self::change(record, books);
		let shares = Self::supply(id).saturating_add(record.redeeming);
		let released = Self::released_claim(record, change).min(value);
		let unvested = Self::unvested(record, change).min(value.saturating_sub(released));
		Pricing {
			value,
			shares,
			released,
			unvested,
			active_value: value.saturating_sub(released).saturating_sub(unvested),
			active_shares: shares.saturating_sub(record.released_shares),
		}
	}

	/// The loss and the gain since the last update, now that the books are `books`. A fall of
	/// the value at risk is a loss even when rewards paid meanwhile make up for it: counted at
	/// once, while the rewards vest, so nobody leaves at the rate before a slash by paying out
	/// a reward in its block. A fall of the rest of the value (none happens between updates)
	/// is a loss too.
	pub(crate) fn change(record: &Vault<T>, books: &Books<T::Balance>) -> Change<T::Balance> {
		let loss = record.last_at_risk.saturating_sub(books.at_risk).min(record.last_value);
		let base = record.last_value.saturating_sub(loss);
		if books.value >= base {
			Change { loss, gain: books.value.saturating_sub(base) }
		} else {
			Change { loss: record.last_value.saturating_sub(books.value), gain: Zero::zero() }
		}
	}

	/// `part` of the vault's books after a `loss` since the last update: cut in proportion.
	fn after_loss(record: &Vault<T>, part: T::Balance, loss: T::Balance) -> T::Balance {
		if loss.is_zero() {
			return part;
		}
		let left = record.last_value.saturating_sub(loss);
		Self::mul_div(part, left, record.last_value, Rounding::Down).unwrap_or_else(Zero::zero)
	}

	/// What the released redemptions are owed after `change`: a loss cuts their claim in
	/// proportion; a gain goes to the tokens.
	pub(crate) fn released_claim(record: &Vault<T>, change: Change<T::Balance>) -> T::Balance {
		Self::after_loss(record, record.released_value, change.loss)
	}

	/// The gains the rate does not count yet after `change`: what is left of the earlier
	/// gains (cut in proportion by the loss), plus the new gain in full (none when gains count
	/// at once).
	pub(crate) fn unvested(record: &Vault<T>, change: Change<T::Balance>) -> T::Balance {
		let left = record.unvested.at(frame_system::Pallet::<T>::block_number());
		let gain = if T::RewardVesting::get().is_zero() { Zero::zero() } else { change.gain };
		Self::after_loss(record, left, change.loss).saturating_add(gain)
	}

	/// Book the vault's loss and gain since its last update, now that its books are
	/// `books`: the loss cuts the released redemptions' claim and the unvested gains in
	/// proportion; the gain vests, together with what still vests, over the next
	/// `RewardVesting` blocks. Restarting the whole span (rather than averaging the ends) is
	/// what keeps every gain from entering the rate faster than over `RewardVesting` blocks
	/// from its booking: any earlier end would count part of the new gain sooner.
	fn mark(record: &mut Vault<T>, books: &Books<T::Balance>) -> Change<T::Balance> {
		let now = frame_system::Pallet::<T>::block_number();
		let change = Self::change(record, books);
		let amount = Self::unvested(record, change);
		let until = if change.gain.is_zero() {
			record.unvested.until
		} else {
			now.saturating_add(T::RewardVesting::get())
		};
		record.released_value = Self::released_claim(record, change);
		record.unvested = if amount.is_zero() || until <= now {
			Unvested::default()
		} else {
			Unvested { amount, from: now, until }
		};
		Self::rebase(record, books);
		change
	}

	/// Take `books` as the vault's books after an update: what moves from here on is a loss
	/// or a gain. Called after each of the pallet's own moves of the vault's funds (bonding,
	/// unbonding, claiming, paying out), which change where the value sits, not what it is.
	fn rebase(record: &mut Vault<T>, books: &Books<T::Balance>) {
		record.last_value = books.value;
		record.last_at_risk = books.at_risk;
	}

	/// Where a vault's value sits, read from the staking and restaking layers.
	pub fn books(record: &Vault<T>) -> Books<T::Balance> {
		let (active, total) = T::Staking::stake(&record.account)
			.map(|s| (s.active, s.total))
			.unwrap_or_else(|_| (Zero::zero(), Zero::zero()));
		let liquid = T::Currency::balance(&record.account).saturating_sub(record.deposit);
		let mut books =
			Books { active, unlocking: total.saturating_sub(active), liquid, ..Default::default() };
		let mut compensation = Zero::zero();
		if let Some(p) = T::Restaking::position(&record.account) {
			books.restaked = p.active;
			books.queued_outflow = p.queued_outflow;
			books.withdrawable = p.withdrawable;
			books.pending_loss = p.pending_loss;
			books.claimable = p.claimable;
			compensation = p.compensation.min(p.claimable);
		}
		books.value = total
			.saturating_add(liquid)
			.saturating_add(books.claimable)
			.saturating_sub(books.pending_loss);
		books.at_risk = total
			.saturating_add(compensation)
			.saturating_sub(books.pending_loss)
			.min(books.value);
		books
	}

	/// What the vault's account can pay out now: its transferable balance above the reserve
	/// (which also keeps the account alive).
	pub(crate) fn available(record: &Vault<T>) -> T::Balance {
		let free = T::Currency::balance(&record.account);
		T::Currency::reducible_balance(&record.account, Preservation::Expendable, Fortitude::Polite)
			.min(free.saturating_sub(record.deposit))
	}

	// ---- calls ----

	pub(crate) fn do_create_vault(operator: T::AccountId) -> Result<VaultId, DispatchError> {
		ensure!(T::Restaking::is_operator(&operator), Error::<T>::NotOperator);
		ensure!(!VaultOf::<T>::contains_key(&operator), Error::<T>::VaultExists);
		let id = NextVaultId::<T>::get();
		let next = id.checked_add(1).ok_or(Error::<T>::Overflow)?;
		let account = Self::vault_account(id);
		let asset = Self::asset_of(id);
		T::Currency::transfer(&operator, &account, T::VaultDeposit::get(), Preservation::Preserve)?;
		T::Assets::create(asset.clone(), account.clone(), false, T::Balance::from(1u32))?;
		let (name, symbol) = token_metadata(id);
		let decimals = T::CurrencyDecimals::get().saturating_add(T::DecimalsOffset::get());
		T::Assets::set(asset.clone(), &account, name, symbol, decimals)?;
		// What the assets pallet did not reserve for the metadata is the account's reserve.
		let deposit = T::Currency::balance(&account);
		Vaults::<T>::insert(id, Vault::new(operator.clone(), account.clone(), deposit));
		VaultOf::<T>::insert(&operator, id);
		NextVaultId::<T>::put(next);
		Self::deposit_event(Event::VaultCreated { vault: id, operator, account, asset });
		Ok(id)
	}

	pub(crate) fn do_deposit(
		who: T::AccountId,
		id: VaultId,
		amount: T::Balance,
		min_tokens: T::Balance,
	) -> DispatchResult {
		ensure!(!Self::is_vault_account(&who), Error::<T>::RecursiveDeposit);
		let mut record = Vaults::<T>::get(id).ok_or(Error::<T>::UnknownVault)?;
		ensure!(!record.paused, Error::<T>::VaultPaused);
		ensure!(!amount.is_zero() && amount >= T::MinDeposit::get(), Error::<T>::DepositTooSmall);
		// The vault's value does not show the waiting loss yet: a deposit now would take part
		// of it off the holders.
		ensure!(!T::Restaking::slash_pending(&record.operator), Error::<T>::SlashPending);
		Self::sync(id, &mut record);
		let price = Self::pricing(id, &record);
		ensure!(
			price.active_shares.is_zero() || !price.active_value.is_zero(),
			Error::<T>::VaultDepleted
		);
		let tokens = Self::tokens_for(amount, price.active_value, price.active_shares)
			.ok_or(Error::<T>::Overflow)?;
		ensure!(!tokens.is_zero(), Error::<T>::DepositTooSmall);
		ensure!(tokens >= min_tokens, Error::<T>::RateMoved);
		T::Currency::transfer(&who, &record.account, amount, Preservation::Preserve)?;
		Self::stake(id, &mut record, amount)?;
		T::Assets::mint_into(Self::asset_of(id), &who, tokens)?;
		let books = Self::books(&record);
		Self::rebase(&mut record, &books);
		Vaults::<T>::insert(id, record);
		Self::deposit_event(Event::Deposited { vault: id, who, amount, tokens });
		Ok(())
	}

	pub(crate) fn do_redeem(
		who: T::AccountId,
		id: VaultId,
		tokens: T::Balance,
		min_value: T::Balance,
	) -> DispatchResult {
		let mut record = Vaults::<T>::get(id).ok_or(Error::<T>::UnknownVault)?;
		ensure!(!record.paused, Error::<T>::VaultPaused);
		ensure!(!tokens.is_zero(), Error::<T>::ZeroTokens);
		let asset = Self::asset_of(id);
		let held = T::Assets::balance(asset.clone(), &who);
		ensure!(held >= tokens, Error::<T>::InsufficientTokens);
		let open = RedemptionCount::<T>::get(&who, id);
		ensure!(open < T::MaxRedemptions::get(), Error::<T>::TooManyRedemptions);
		Self::sync(id, &mut record);
		let price = Self::pricing(id, &record);
		let value = Self::value_of(tokens, price.active_value, price.active_shares)
			.ok_or(Error::<T>::Overflow)?;
		ensure!(value >= T::MinDeposit::get() || tokens == held, Error::<T>::RedeemTooSmall);
		ensure!(value >= min_value, Error::<T>::RateMoved);
		T::Assets::burn_from(
			asset,
			&who,
			tokens,
			Preservation::Expendable,
			Precision::Exact,
			Fortitude::Polite,
		)?;
		let redemption = record.next_redemption;
		record.next_redemption = redemption.checked_add(1).ok_or(Error::<T>::Overflow)?;
		let position = record.queue_tail;
		record.queue_tail = position.checked_add(1).ok_or(Error::<T>::Overflow)?;
		record.redeeming = record.redeeming.checked_add(&tokens).ok_or(Error::<T>::Overflow)?;
		Redemptions::<T>::insert(
			(&who, id, redemption),
			Redemption {
				shares: tokens,
				released: Zero::zero(),
				reserved: Zero::zero(),
				unlock_era: 0,
				unlock_at: Zero::zero(),
			},
		);
		RedemptionQueue::<T>::insert(id, position, (who.clone(), redemption));
		RedemptionCount::<T>::insert(&who, id, open.saturating_add(1));
		Self::deposit_event(Event::RedemptionQueued {
			vault: id,
			who,
			id: redemption,
			tokens,
			value,
		});
		Self::try_release(id, &mut record);
		Vaults::<T>::insert(id, record);
		Ok(())
	}

	pub(crate) fn do_withdraw(owner: T::AccountId, id: VaultId, redemption: u32) -> DispatchResult {
		let mut record = Vaults::<T>::get(id).ok_or(Error::<T>::UnknownVault)?;
		let entry =
			Redemptions::<T>::get((&owner, id, redemption)).ok_or(Error::<T>::UnknownRedemption)?;
		ensure!(entry.fully_released(), Error::<T>::NotReleased);
		// Paid now, the redemption would leave the waiting loss to the holders who stay.
		ensure!(!T::Restaking::slash_pending(&record.operator), Error::<T>::SlashPending);
		let now = frame_system::Pallet::<T>::block_number();
		ensure!(
			T::Staking::current_era() >= entry.unlock_era && now >= entry.unlock_at,
			Error::<T>::NotUnlocked
		);
		Self::sync(id, &mut record);
		// Its part of what the released redemptions are owed, whatever the order of payouts.
		let amount = if entry.reserved >= record.released_reserved {
			record.released_value
		} else {
			Self::mul_div(
				entry.reserved,
				record.released_value,
				record.released_reserved,
				Rounding::Down,
			)
			.ok_or(Error::<T>::Overflow)?
		};
		ensure!(Self::available(&record) >= amount, Error::<T>::AwaitingLiquidity);
		T::Currency::transfer(&record.account, &owner, amount, Preservation::Preserve)?;
		record.released_value = record.released_value.saturating_sub(amount);
		record.released_reserved = record.released_reserved.saturating_sub(entry.reserved);
		record.released_shares = record.released_shares.saturating_sub(entry.shares);
		record.redeeming = record.redeeming.saturating_sub(entry.shares);
		if record.released_shares.is_zero() {
			// Rounding dust of the released claims goes back to the tokens.
			record.released_value = Zero::zero();
		}
		Redemptions::<T>::remove((&owner, id, redemption));
		RedemptionCount::<T>::mutate_exists(&owner, id, |count| {
			*count = count.and_then(|c| c.checked_sub(1)).filter(|c| *c > 0);
		});
		let books = Self::books(&record);
		Self::rebase(&mut record, &books);
		Vaults::<T>::insert(id, record);
		Self::deposit_event(Event::Withdrawn { vault: id, who: owner, id: redemption, amount });
		Ok(())
	}

	// ---- moving the vault's funds ----

	/// Bond `amount` of the vault account's free balance (nominating the operator's validator
	/// once the bond allows), then restake as much as the restake ratio allows.
	pub(crate) fn stake(id: VaultId, record: &mut Vault<T>, amount: T::Balance) -> DispatchResult {
		let account = &record.account;
		if T::Staking::stake(account).is_ok() {
			T::Staking::bond_extra(account, amount)?;
		} else {
			T::Staking::bond(account, amount, account)?;
		}
		record.principal = record.principal.checked_add(&amount).ok_or(Error::<T>::Overflow)?;
		let active = T::Staking::active_stake(account)?;
		if T::Staking::nominations(account).is_none()
			&& T::Staking::is_validator(&record.operator)
			&& active >= T::Staking::minimum_nominator_bond()
		{
			let nominated = with_storage_layer(|| {
				T::Staking::nominate(account, alloc::vec![record.operator.clone()])
			});
			if let Err(error) = nominated {
				Self::deposit_event(Event::NominationDeferred { vault: id, error });
			}
		}
		let room = T::Restaking::restakeable(account);
		if room >= T::MinRestake::get() && !room.is_zero() {
			T::Restaking::delegate(account, &record.operator, room)?;
		}
		Ok(())
	}

	/// Bring a vault up to date: claim restaking rewards, collect unlocked funds, bond again
	/// what released redemptions do not need, and release the queue for this era. Every step
	/// is best effort: what the staking or restaking layer refuses now waits, still part of
	/// the vault's value, and the vault's calls go on.
	pub(crate) fn sync(id: VaultId, record: &mut Vault<T>) {
		let books = Self::books(record);
		let gain = Self::mark(record, &books).gain;
		if !gain.is_zero() && !T::RewardVesting::get().is_zero() {
			let (unvested, until) = (record.unvested.amount, record.unvested.until);
			Self::deposit_event(Event::GainVesting { vault: id, gain, unvested, until });
		}
		let account = record.account.clone();
		if !books.claimable.is_zero() {
			if let Err(error) = with_storage_layer(|| T::Restaking::claim(&account)) {
				Self::deposit_event(Event::ClaimDeferred { vault: id, error });
			}
		}
		if !books.unlocking.is_zero() {
			let before = books.active.saturating_add(books.unlocking);
			// Fails only when the last withdrawal would remove a ledger with more slashing
			// spans than `MaxSlashingSpans`; the funds then stay unbonding, still the vault's.
			let withdrawn = with_storage_layer(|| {
				T::Staking::withdraw_unbonded(account.clone(), T::MaxSlashingSpans::get())
			});
			if let Err(error) = withdrawn {
				log::warn!(target: "runtime::liquid", "vault {id}: unbonded funds wait: {error:?}");
			}
			let after = T::Staking::total_stake(&account).unwrap_or_else(|_| Zero::zero());
			record.principal = record.principal.saturating_sub(before.saturating_sub(after));
		}
		if !books.withdrawable.is_zero() {
			// While a slash of the operator waits, the restaking layer keeps exits frozen; the
			// funds stay frozen in the account and payouts wait for them.
			if let Err(error) = with_storage_layer(|| T::Restaking::withdraw(&account)) {
				log::debug!(target: "runtime::liquid", "vault {id}: withdrawal waits: {error:?}");
			}
		}
		Self::compound(id, record);
		Self::try_release(id, record);
	}

	/// Bond again the liquid funds released redemptions do not need. If the staking or
	/// restaking layer refuses (an operator at its concentration cap), the funds stay liquid,
	/// still part of the vault's value.
	fn compound(id: VaultId, record: &mut Vault<T>) {
		let books = Self::books(record);
		let available = Self::available(record);
		let spare = available
			.saturating_add(books.unlocking)
			.saturating_sub(record.released_value)
			.min(available);
		if spare < T::MinDeposit::get() || spare.is_zero() {
			return;
		}
		let mut draft = record.clone();
		match with_storage_layer(|| Self::stake(id, &mut draft, spare)) {
			Ok(()) => {
				*record = draft;
				Self::deposit_event(Event::Compounded { vault: id, amount: spare });
			},
			Err(error) => Self::deposit_event(Event::CompoundDeferred { vault: id, error }),
		}
	}

	/// Release the queue for this era, or leave it for a later era if the staking or
	/// restaking layer refuses.
	pub(crate) fn try_release(id: VaultId, record: &mut Vault<T>) {
		// The pallet's own moves since the last update (claiming, unbonding, bonding) changed
		// where the value sits, not what it is: the release prices against the books as they
		// are now.
		let books = Self::books(record);
		Self::rebase(record, &books);
		let mut draft = record.clone();
		match with_storage_layer(|| Self::release(id, &mut draft, &books)) {
			Ok(()) => {
				*record = draft;
				// Undelegating may have realized a pending loss (value unchanged).
				Self::rebase(record, &Self::books(record));
			},
			Err(error) => Self::deposit_event(Event::ReleaseDeferred { vault: id, error }),
		}
	}

	/// Release, first come first served and at most `MaxReleaseBatch` redemptions, up to
	/// `MaxRedeemPerEra` of the vault's value (at least `MinDeposit`) less what this era
	/// released: each released share reserves its value at the rate of the tokens; the
	/// vault undelegates from the operator and unbonds what its liquid and unbonding funds
	/// do not already cover. Priced on `books`, the vault's books read just before.
	fn release(id: VaultId, record: &mut Vault<T>, books: &Books<T::Balance>) -> DispatchResult {
		let era = T::Staking::current_era();
		if record.era_released.0 != era {
			record.era_released = (era, Zero::zero());
		}
		let price = Self::pricing_at(id, record, books);
		let cap = T::MaxRedeemPerEra::get()
			.mul_floor(price.value)
			.max(T::MinDeposit::get())
			.saturating_sub(record.era_released.1);
		let mut left = Self::tokens_for(cap, price.active_value, price.active_shares)
			.ok_or(Error::<T>::Overflow)?;
		if !cap.is_zero() {
			// At least one share per era, so that dust left behind a high rate still drains.
			left = left.max(T::Balance::from(1u32));
		}
		let now = frame_system::Pallet::<T>::block_number();
		let unlock_era = era.saturating_add(T::Staking::bonding_duration());
		let unlock_at = now.saturating_add(T::UndelegationDelay::get());
		let (mut count, mut shares, mut value) = (0u32, T::Balance::zero(), T::Balance::zero());
		while count < T::MaxReleaseBatch::get() && record.queue_head < record.queue_tail {
			if left.is_zero() {
				break;
			}
			let position = record.queue_head;
			let Some((owner, redemption)) = RedemptionQueue::<T>::get(id, position) else {
				// Defensive: a gap in the queue is skipped, never walked twice.
				record.queue_head = position.saturating_add(1);
				continue;
			};
			let key = (&owner, id, redemption);
			let Some(mut entry) = Redemptions::<T>::get(key) else {
				RedemptionQueue::<T>::remove(id, position);
				record.queue_head = position.saturating_add(1);
				continue;
			};
			let take = entry.shares.saturating_sub(entry.released).min(left);
			let worth = Self::value_of(take, price.active_value, price.active_shares)
				.ok_or(Error::<T>::Overflow)?;
			entry.released = entry.released.saturating_add(take);
			entry.reserved = entry.reserved.saturating_add(worth);
			entry.unlock_era = unlock_era;
			entry.unlock_at = unlock_at;
			if entry.fully_released() {
				RedemptionQueue::<T>::remove(id, position);
				record.queue_head = position.saturating_add(1);
			}
			Redemptions::<T>::insert(key, entry);
			left = left.saturating_sub(take);
			shares = shares.saturating_add(take);
			value = value.saturating_add(worth);
			count = count.saturating_add(1);
		}
		// Unbond what the liquid and unbonding funds do not cover of what the released
		// redemptions are owed: the new ones, or a shortfall a slash of unbonding funds left.
		let need = record.released_value.saturating_add(value);
		let have = books.liquid.saturating_add(books.unlocking);
		let unbond = need.saturating_sub(have).min(books.active);
		if shares.is_zero() && unbond.is_zero() {
			return Ok(());
		}
		let undelegate = unbond.min(books.restaked.saturating_sub(books.queued_outflow));
		if !undelegate.is_zero() {
			T::Restaking::undelegate(&record.account, undelegate)?;
		}
		// Undelegating realizes any pending restaking loss out of the bond first.
		let active = T::Staking::active_stake(&record.account).unwrap_or_else(|_| Zero::zero());
		let unbond = unbond.min(active);
		if !unbond.is_zero() {
			let remaining = active.saturating_sub(unbond);
			if remaining < T::Staking::minimum_nominator_bond()
				&& T::Staking::nominations(&record.account).is_some()
			{
				T::Staking::chill(&record.account)?;
			}
			T::Staking::unbond(&record.account, unbond)?;
		}
		record.released_shares = record.released_shares.saturating_add(shares);
		record.released_reserved = record.released_reserved.saturating_add(value);
		record.released_value = need;
		record.era_released.1 = record.era_released.1.saturating_add(value);
		if shares.is_zero() {
			Self::deposit_event(Event::LiquidityToppedUp { vault: id, unbonded: unbond });
			return Ok(());
		}
		Self::deposit_event(Event::RedemptionsReleased {
			vault: id,
			count,
			shares,
			value,
			unbonded: unbond,
			undelegated: undelegate,
			unlock_era,
			unlock_at,
		});
		Ok(())
	}

	// ---- checks ----

	pub(crate) fn check_constants() {
		assert!(
			T::VaultDeposit::get() >= T::Currency::minimum_balance(),
			"VaultDeposit keeps a vault's account alive"
		);
		assert!(!T::MinDeposit::get().is_zero(), "MinDeposit > 0");
		assert!(!T::MaxRedeemPerEra::get().is_zero(), "MaxRedeemPerEra in (0, 1]");
		assert!(T::MaxRedemptions::get() > 0, "MaxRedemptions > 0");
		assert!(T::MaxReleaseBatch::get() > 0, "MaxReleaseBatch > 0");
		assert!(T::DecimalsOffset::get() <= 18, "DecimalsOffset at most 18");
	}

	/// Every vault's books against its redemptions and the staking, restaking and assets
	/// pallets.
	#[cfg(any(feature = "try-runtime", feature = "std"))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		/// Per vault: shares, released shares, reserved value, entries not fully released.
		type Tally<B> = (B, B, B, u32);
		let mut tallies: BTreeMap<VaultId, Tally<T::Balance>> = BTreeMap::new();
		let mut counts: BTreeMap<(T::AccountId, VaultId), u32> = BTreeMap::new();
		for ((owner, id, redemption), entry) in Redemptions::<T>::iter() {
			let record = Vaults::<T>::get(id).ok_or("a redemption of an unknown vault")?;
			ensure!(redemption < record.next_redemption, "redemption ids below the next id");
			ensure!(entry.released <= entry.shares, "released within the redemption");
			ensure!(!entry.released.is_zero() || entry.reserved.is_zero(), "reserved if released");
			let tally = tallies.entry(id).or_default();
			tally.0 = tally.0.saturating_add(entry.shares);
			tally.1 = tally.1.saturating_add(entry.released);
			tally.2 = tally.2.saturating_add(entry.reserved);
			if !entry.fully_released() {
				tally.3 = tally.3.saturating_add(1);
			}
			*counts.entry((owner, id)).or_default() += 1;
		}
		for ((owner, id), count) in RedemptionCount::<T>::iter().map(|(o, v, c)| ((o, v), c)) {
			ensure!(counts.remove(&(owner, id)) == Some(count), "redemption counts");
			ensure!(count <= T::MaxRedemptions::get(), "at most MaxRedemptions per account");
		}
		ensure!(counts.is_empty(), "every account's redemptions counted");
		for (id, record) in Vaults::<T>::iter() {
			ensure!(VaultOf::<T>::get(&record.operator) == Some(id), "operator index");
			ensure!(record.account == Self::vault_account(id), "vault account");
			let (shares, released, reserved, waiting) = tallies.remove(&id).unwrap_or_default();
			ensure!(shares == record.redeeming, "redeeming = the redemptions' shares");
			ensure!(released == record.released_shares, "released = the redemptions' released");
			ensure!(
				reserved == record.released_reserved,
				"released reserved = the reserved values"
			);
			ensure!(
				record.released_value <= record.released_reserved,
				"released redemptions are owed at most what they reserved"
			);
			ensure!(
				!record.released_shares.is_zero() || record.released_value.is_zero(),
				"nothing owed without released shares"
			);
			ensure!(record.queue_head <= record.queue_tail, "queue head before its tail");
			ensure!(
				record.unvested.amount.saturating_add(record.released_value) <= record.last_value,
				"unvested gains and released claims are parts of the value"
			);
			ensure!(record.last_at_risk <= record.last_value, "the value at risk is part of it");
			ensure!(
				record.unvested.amount.is_zero() || record.unvested.from < record.unvested.until,
				"unvested gains vest over a span"
			);
			let queued = record.queue_tail.saturating_sub(record.queue_head);
			ensure!(waiting == queued, "the queue holds every redemption not fully released");
			for position in record.queue_head..record.queue_tail {
				let (owner, redemption) =
					RedemptionQueue::<T>::get(id, position).ok_or("a gap in the queue")?;
				let entry = Redemptions::<T>::get((&owner, id, redemption))
					.ok_or("a queued redemption exists")?;
				ensure!(!entry.fully_released(), "queued redemptions are not fully released");
			}
			ensure!(
				T::Currency::balance(&record.account) >= record.deposit,
				"a vault's reserve stays in its account"
			);
			let price = Self::pricing(id, &record);
			let supply = Self::supply(id);
			let tokens = Self::value_of(supply, price.active_value, price.active_shares)
				.ok_or("overflow")?;
			ensure!(tokens <= price.active_value, "supply × rate ≤ the tokens' value");
			let queued_value =
				Self::value_of(record.queued(), price.active_value, price.active_shares)
					.ok_or("overflow")?;
			ensure!(
				queued_value.saturating_add(price.released) <= price.value,
				"redemptions ≤ value"
			);
			let staked = T::Staking::total_stake(&record.account).unwrap_or_else(|_| Zero::zero());
			ensure!(staked <= record.principal, "the staking ledger matches the vault's books");
			if let Some(position) = T::Restaking::position(&record.account) {
				ensure!(position.operator == record.operator, "restakes through its operator");
			}
		}
		ensure!(tallies.is_empty(), "redemptions of unknown vaults");
		ensure!(
			RedemptionQueue::<T>::iter_keys().all(|(id, position)| Vaults::<T>::get(id)
				.is_some_and(|r| position >= r.queue_head && position < r.queue_tail)),
			"queue entries within their vault's queue"
		);
		ensure!(
			Vaults::<T>::iter_keys().all(|id| id < NextVaultId::<T>::get()),
			"vault ids below the next id"
		);
		Ok(())
	}
}

/// Name and symbol of vault `id`'s token: "Liquid restaking vault <id>", "LRV<id>".
pub(crate) fn token_metadata(id: VaultId) -> (Vec<u8>, Vec<u8>) {
	let mut digits = Vec::new();
	let mut n = id;
	loop {
		digits.push(b'0' + (n % 10) as u8);
		n /= 10;
		if n == 0 {
			break;
		}
	}
	digits.reverse();
	let mut name = b"Liquid restaking vault ".to_vec();
	name.extend_from_slice(&digits);
	let mut symbol = b"LRV".to_vec();
	symbol.extend_from_slice(&digits);
	(name, symbol)
}
