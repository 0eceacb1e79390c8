//! Moving a vault's funds: bonding and restaking deposits, following rewards and slashes, and
//! releasing what redemptions ask for.

use frame_support::{storage::with_storage_layer, traits::Get};
use restaking_primitives::{liquid::VaultId, restaking::DelegationInterface};
use sp_arithmetic::traits::{CheckedAdd, Saturating, Zero};
use sp_runtime::{DispatchError, DispatchResult};
use sp_staking::StakingInterface;

use sp_runtime::ArithmeticError;

use crate::accounting::Books;
use crate::{pallet::*, types::*};

impl<T: Config> Pallet<T> {
	/// Bond `amount` of the vault account's free balance (nominating the operator's validator
	/// once the bond allows), then restake as much as the restake ratio allows.
	pub(crate) fn stake(id: VaultId, record: &mut Vault<T>, amount: T::Balance) -> DispatchResult {
		let account = &record.account;
		if T::Staking::stake(account).is_ok() {
			T::Staking::bond_extra(account, amount)?;
		} else {
			T::Staking::bond(account, amount, account)?;
		}
		record.principal =
			record.principal.checked_add(&amount).ok_or(ArithmeticError::Overflow)?;
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
	pub(crate) fn compound(id: VaultId, record: &mut Vault<T>) {
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
	pub(crate) fn release(
		id: VaultId,
		record: &mut Vault<T>,
		books: &Books<T::Balance>,
	) -> DispatchResult {
		let era = T::Staking::current_era();
		if record.era_released.0 != era {
			record.era_released = (era, Zero::zero());
		}
		let price = Self::pricing_at(id, record, books);
		let mut left = Self::era_allowance(record, &price)?;
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
				.ok_or(ArithmeticError::Overflow)?;
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
		let (undelegate, unbond) = Self::unbond_for_release(record, books, unbond)?;
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

	/// How many shares this era's redemption cap (`MaxRedeemPerEra` of the vault's value, at
	/// least `MinDeposit`) still lets `record` release at `price`: at least one while any of
	/// the cap is left, so that dust left behind a high rate still drains.
	fn era_allowance(
		record: &Vault<T>,
		price: &ValueSplit<T::Balance>,
	) -> Result<T::Balance, DispatchError> {
		let cap = T::MaxRedeemPerEra::get()
			.mul_floor(price.value)
			.max(T::MinDeposit::get())
			.saturating_sub(record.era_released.1);
		let left = Self::tokens_for(cap, price.active_value, price.active_shares)
			.ok_or(ArithmeticError::Overflow)?;
		Ok(if cap.is_zero() { left } else { left.max(T::Balance::from(1u32)) })
	}

	/// Free up to `unbond` of the vault's bond for its released redemptions: undelegate what the
	/// restaked value not already queued can give (which realizes any pending restaking loss
	/// out of the bond first), then unbond from the staking layer, chilling a nomination the
	/// bond would no longer meet. Returns what was undelegated and what was unbonded.
	fn unbond_for_release(
		record: &Vault<T>,
		books: &Books<T::Balance>,
		unbond: T::Balance,
	) -> Result<(T::Balance, T::Balance), DispatchError> {
		let undelegate = unbond.min(books.restaked.saturating_sub(books.queued_outflow));
		if !undelegate.is_zero() {
			T::Restaking::undelegate(&record.account, undelegate)?;
		}
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
		Ok((undelegate, unbond))
	}
}
