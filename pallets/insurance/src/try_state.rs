//! `try_state`: every invariant of the pallet's storage.

use alloc::collections::btree_map::BTreeMap;
use frame_support::{ensure, traits::fungible::Inspect};
use restaking_primitives::insurance::PoolId;
use sp_runtime::traits::{Saturating, Zero};

use crate::{pallet::*, BalanceOf, BlockNumberFor};

impl<T: Config> Pallet<T> {
	/// Every invariant of the pallet's storage (native builds and `try-runtime`).
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::traits::fungible::InspectHold;

		let ed = T::Currency::minimum_balance();
		let mut held: BTreeMap<T::AccountId, BalanceOf<T>> = BTreeMap::new();
		for (id, pool) in Pools::<T>::iter() {
			ensure!(
				T::Currency::balance(&Self::pool_account(id))
					== pool.capital.saturating_add(pool.unearned).saturating_add(ed),
				"pool account differs from its capital and unearned premiums"
			);
			ensure!(
				pool.capital.saturating_add(pool.paid_out).saturating_add(pool.withdrawn)
					== pool.deposited.saturating_add(pool.premiums).saturating_add(pool.top_ups),
				"capital + paid + withdrawn != deposited + premiums + top-ups"
			);
			ensure!(pool.locked <= pool.capital, "locked cover above capital");
			let (mut locked, mut unearned) = (BalanceOf::<T>::zero(), BalanceOf::<T>::zero());
			for cover_id in PoolCovers::<T>::get(id) {
				let cover = Covers::<T>::get(cover_id).ok_or("pool lists an unknown cover")?;
				ensure!(cover.pool == id, "cover listed under another pool");
				ensure!(cover.remaining <= cover.amount, "cover pays more than its amount");
				ensure!(
					CoversOf::<T>::get(&cover.operator, cover.service).contains(&cover_id),
					"cover missing from its target's list"
				);
				ensure!(cover.recognized <= cover.premium, "more premium earned than paid");
				locked = locked.saturating_add(cover.remaining);
				unearned = unearned.saturating_add(cover.premium.saturating_sub(cover.recognized));
			}
			ensure!(pool.locked == locked, "locked differs from the covers' remaining amounts");
			ensure!(pool.unearned == unearned, "unearned differs from the covers' premiums");
			let shares = Positions::<T>::iter_prefix_values(id)
				.fold(BalanceOf::<T>::zero(), |acc, p| acc.saturating_add(p.shares));
			ensure!(pool.total_shares == shares, "pool shares differ from the positions'");
			let owner = held.entry(pool.owner.clone()).or_default();
			*owner = owner.saturating_add(pool.deposit);
		}
		let epoch = Self::epoch(Self::now());
		let mut tallies: BTreeMap<PoolId, (BalanceOf<T>, BalanceOf<T>)> = BTreeMap::new();
		// Per pool and epoch of request: shares asked for by requests not expired.
		let mut requests: BTreeMap<(PoolId, BlockNumberFor<T>), BalanceOf<T>> = BTreeMap::new();
		for (pool, _, position) in Positions::<T>::iter() {
			ensure!(!position.shares.is_zero(), "an empty position is kept");
			let (leaving, fresh) = tallies.entry(pool).or_default();
			let unbonding = position.unbonding.map_or_else(Zero::zero, |(shares, _)| shares);
			ensure!(unbonding <= position.shares, "unbonding more shares than held");
			ensure!(
				position.fresh.at(epoch).saturating_add(unbonding) <= position.shares,
				"a position's fresh and leaving shares exceed its shares"
			);
			if let Some((shares, at)) = position.unbonding {
				if Self::now() < Self::expiry(at) {
					*leaving = leaving.saturating_add(shares);
					let of = requests.entry((pool, Self::request_epoch(at))).or_default();
					*of = of.saturating_add(shares);
				}
			}
			*fresh = fresh.saturating_add(position.fresh.at(epoch));
		}
		for (id, pool) in Pools::<T>::iter() {
			let (leaving, fresh) = tallies.remove(&id).unwrap_or_default();
			ensure!(
				leaving == pool.leaving.at(epoch),
				"leaving differs from the unexpired withdrawal requests"
			);
			for ((_, requested), shares) in requests.range((id, Zero::zero())..=(id, epoch)) {
				ensure!(
					pool.leaving.of(epoch, *requested) == *shares,
					"leaving differs from the requests of its epoch"
				);
			}
			ensure!(
				fresh == pool.fresh.at(epoch),
				"fresh differs from the positions' fresh shares"
			);
		}
		ensure!(tallies.is_empty(), "positions in an unknown pool");
		for (id, cover) in Covers::<T>::iter() {
			ensure!(
				PoolCovers::<T>::get(cover.pool).contains(&id),
				"cover outside its pool's list"
			);
		}
		for (owner, deposit) in held {
			ensure!(
				T::Currency::balance_on_hold(&HoldReason::PoolDeposit.into(), &owner) == deposit,
				"held pool deposits differ"
			);
		}
		Ok(())
	}
}
