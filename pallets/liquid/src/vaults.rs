//! The calls: vaults, deposits, redemptions and withdrawals.

use alloc::vec::Vec;
use frame_support::{
	ensure,
	traits::{
		fungible::{Inspect, Mutate},
		fungibles::{
			metadata::Mutate as MetadataMutate, Create, Inspect as AssetsInspect,
			Mutate as AssetsMutate,
		},
		tokens::{Fortitude, Precision, Preservation},
		Get,
	},
};
use restaking_primitives::{liquid::VaultId, restaking::DelegationInterface};
use sp_arithmetic::{
	traits::{CheckedAdd, Saturating, Zero},
	Rounding,
};
use sp_runtime::{DispatchError, DispatchResult};
use sp_staking::StakingInterface;

use sp_runtime::ArithmeticError;

use crate::{pallet::*, types::*};
use restaking_primitives::arithmetic::mul_div;

impl<T: Config> Pallet<T> {
	pub(crate) fn do_create_vault(operator: T::AccountId) -> Result<VaultId, DispatchError> {
		ensure!(T::Restaking::is_operator(&operator), Error::<T>::NotOperator);
		ensure!(!VaultOf::<T>::contains_key(&operator), Error::<T>::VaultExists);
		let id = NextVaultId::<T>::get();
		let next = id.checked_add(1).ok_or(ArithmeticError::Overflow)?;
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
			.ok_or(ArithmeticError::Overflow)?;
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
			.ok_or(ArithmeticError::Overflow)?;
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
		record.next_redemption = redemption.checked_add(1).ok_or(ArithmeticError::Overflow)?;
		let position = record.queue_tail;
		record.queue_tail = position.checked_add(1).ok_or(ArithmeticError::Overflow)?;
		record.redeeming =
			record.redeeming.checked_add(&tokens).ok_or(ArithmeticError::Overflow)?;
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
			mul_div::<T::Balance>(
				entry.reserved,
				record.released_value,
				record.released_reserved,
				Rounding::Down,
			)
			.ok_or(ArithmeticError::Overflow)?
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
}

/// Name and symbol of vault `id`'s token: `Liquid restaking vault {id}`, `LRV{id}`.
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
