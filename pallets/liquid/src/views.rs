//! Read-only views behind the runtime API.

use alloc::vec::Vec;
use frame_support::traits::fungibles::Inspect;
use restaking_primitives::{
	api::{Page, ServiceExposure},
	liquid::{VaultId, VaultPosition, VaultState},
	restaking::DelegationInterface,
};
use sp_arithmetic::{
	traits::{Saturating, Zero},
	Rounding,
};

use crate::{pallet::*, Config};
use restaking_primitives::arithmetic::mul_div;

impl<T: Config> Pallet<T> {
	/// Vaults after `after` (from the first if `None`), with their state.
	pub fn vaults_page(
		after: Option<VaultId>,
		count: u32,
	) -> Page<VaultId, VaultState<T::AccountId, T::Balance>> {
		let keys = match after {
			Some(id) => Vaults::<T>::iter_keys_from(Vaults::<T>::hashed_key_for(id)),
			None => Vaults::<T>::iter_keys(),
		};
		Page::collect(keys, count, |id| Self::vault_state(*id))
	}

	/// A vault's value, supply, rate, redemptions and exposure.
	pub fn vault_state(id: VaultId) -> Option<VaultState<T::AccountId, T::Balance>> {
		let record = Vaults::<T>::get(id)?;
		let books = Self::books(&record);
		let price = Self::pricing_at(id, &record, &books);
		let queued = Self::value_of(record.queued(), price.active_value, price.active_shares)
			.unwrap_or_else(Zero::zero);
		let rate = Self::rate(price.active_value, price.active_shares);
		let slash_pending = T::Restaking::slash_pending(&record.operator);
		let depleted = !price.active_shares.is_zero() && price.active_value.is_zero();
		Some(VaultState {
			operator: record.operator.clone(),
			account: record.account.clone(),
			asset: codec::Encode::encode(&Self::asset_of(id)),
			value: books.value,
			unvested: price.unvested,
			supply: Self::supply(id),
			rate,
			deposit_rate: (!record.paused && !slash_pending && !depleted).then_some(rate),
			slash_pending,
			redeeming: queued.saturating_add(price.released),
			queued,
			bonded: books.active,
			restaked: books.restaked,
			pending_loss: books.pending_loss,
			paused: record.paused,
			services: T::Restaking::slashable_by_service(&record.account)
				.into_iter()
				.map(|(service, slashable)| ServiceExposure { service, slashable })
				.collect(),
		})
	}

	/// `who`'s positions through vault tokens and unpaid redemptions.
	pub fn positions_of(who: &T::AccountId) -> Vec<VaultPosition<T::AccountId, T::Balance>> {
		Vaults::<T>::iter()
			.filter_map(|(id, record)| {
				let tokens = T::Assets::balance(Self::asset_of(id), who);
				let mine: Vec<_> = Redemptions::<T>::iter_prefix_values((who, id)).collect();
				if tokens.is_zero() && mine.is_empty() {
					return None;
				}
				let price = Self::pricing(id, &record);
				let active = |s| {
					Self::value_of(s, price.active_value, price.active_shares).unwrap_or_default()
				};
				// Released parts get their part of what released redemptions are owed; queued
				// parts follow the tokens' rate.
				let redeeming = mine.iter().fold(T::Balance::zero(), |acc, r| {
					let queued = active(r.shares.saturating_sub(r.released));
					let released = mul_div::<T::Balance>(
						r.reserved,
						price.released,
						record.released_reserved,
						Rounding::Down,
					)
					.unwrap_or_default();
					acc.saturating_add(queued).saturating_add(released)
				});
				let shares: T::Balance =
					mine.iter().fold(tokens, |acc, r| acc.saturating_add(r.shares));
				let services = T::Restaking::slashable_by_service(&record.account)
					.into_iter()
					.map(|(service, slashable)| ServiceExposure {
						service,
						slashable: mul_div::<T::Balance>(
							slashable,
							shares,
							price.shares,
							Rounding::Down,
						)
						.unwrap_or_else(Zero::zero),
					})
					.collect();
				Some(VaultPosition {
					vault: id,
					operator: record.operator,
					tokens,
					value: active(tokens),
					redeeming,
					services,
				})
			})
			.collect()
	}
}
