//! `try_state`: every invariant of the pallet's storage, at two depths (see
//! [`Pallet::do_try_state`]).

use alloc::collections::btree_map::BTreeMap;
use frame_support::{
	ensure,
	traits::fungible::{Inspect, InspectHold},
};
use restaking_primitives::insurance::PoolId;
use sp_runtime::{
	traits::{Saturating, Zero},
	TryRuntimeError,
};

use crate::{pallet::*, BalanceOf, BlockNumberFor};

/// Per pool, what its positions add up to.
#[derive(frame_support::DefaultNoBound)]
struct PoolTally<T: Config> {
	/// Shares held.
	shares: BalanceOf<T>,
	/// Shares of withdrawal requests not expired.
	leaving: BalanceOf<T>,
	/// Shares deposited in the last two epochs (they do not price cover yet).
	fresh: BalanceOf<T>,
}

impl<T: Config> Pallet<T> {
	/// Check the pallet's invariants as deep as `level` asks; the `try_state` hook asks for all.
	/// - `0`: none.
	/// - `1`: every pool's account and books against its covers, and the owners' deposit
	///   holds; O(pools + covers).
	/// - `2` and above: also every underwriter's position against its pool's shares and
	///   withdrawal requests; O(positions).
	pub fn do_try_state(level: u8) -> Result<(), TryRuntimeError> {
		if level == 0 {
			return Ok(());
		}
		Self::check_pools()?;
		if level >= 2 {
			Self::check_positions()?;
		}
		Ok(())
	}

	/// Level 1: every pool's account and books against its covers, and the deposit holds.
	fn check_pools() -> Result<(), TryRuntimeError> {
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
			let owner = held.entry(pool.owner.clone()).or_default();
			*owner = owner.saturating_add(pool.deposit);
		}
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

	/// Level 2: every position against its pool's shares, leaving and fresh shares.
	fn check_positions() -> Result<(), TryRuntimeError> {
		let epoch = Self::epoch(Self::now());
		let mut tallies: BTreeMap<PoolId, PoolTally<T>> = BTreeMap::new();
		// Per pool and epoch of request: shares asked for by requests not expired.
		let mut requests: BTreeMap<(PoolId, BlockNumberFor<T>), BalanceOf<T>> = BTreeMap::new();
		for (pool, _, position) in Positions::<T>::iter() {
			ensure!(!position.shares.is_zero(), "an empty position is kept");
			let tally = tallies.entry(pool).or_default();
			tally.shares = tally.shares.saturating_add(position.shares);
			let unbonding = position.unbonding.map_or_else(Zero::zero, |(shares, _)| shares);
			ensure!(unbonding <= position.shares, "unbonding more shares than held");
			ensure!(
				position.fresh.at(epoch).saturating_add(unbonding) <= position.shares,
				"a position's fresh and leaving shares exceed its shares"
			);
			if let Some((shares, at)) = position.unbonding {
				if Self::now() < Self::expiry(at) {
					tally.leaving = tally.leaving.saturating_add(shares);
					let of = requests.entry((pool, Self::request_epoch(at))).or_default();
					*of = of.saturating_add(shares);
				}
			}
			tally.fresh = tally.fresh.saturating_add(position.fresh.at(epoch));
		}
		for (id, pool) in Pools::<T>::iter() {
			let PoolTally { shares, leaving, fresh } = tallies.remove(&id).unwrap_or_default();
			ensure!(pool.total_shares == shares, "pool shares differ from the positions'");
			ensure!(
				leaving == pool.leaving.at(epoch),
				"leaving differs from the unexpired withdrawal requests"
			);
			for ((_, requested), asked) in requests.range((id, Zero::zero())..=(id, epoch)) {
				ensure!(
					pool.leaving.of(epoch, *requested) == *asked,
					"leaving differs from the requests of its epoch"
				);
			}
			ensure!(
				fresh == pool.fresh.at(epoch),
				"fresh differs from the positions' fresh shares"
			);
		}
		ensure!(tallies.is_empty(), "positions in an unknown pool");
		Ok(())
	}
}
