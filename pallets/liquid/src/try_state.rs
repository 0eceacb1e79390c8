//! `try_state`: every vault's books against its redemptions and the staking, restaking and assets
//! pallets, at two depths (see [`Pallet::do_try_state`]).

use frame_support::{
	ensure,
	traits::{fungible::Inspect as AssetsInspect, Get},
};
use restaking_primitives::{liquid::VaultId, restaking::DelegationInterface};
use sp_arithmetic::traits::{Saturating, Zero};
use sp_runtime::TryRuntimeError;
use sp_staking::StakingInterface;

use crate::pallet::*;

/// Per vault, what its redemptions add up to.
#[derive(frame_support::DefaultNoBound)]
struct Tally<T: Config> {
	/// Shares being redeemed.
	shares: T::Balance,
	/// Of which released.
	released: T::Balance,
	/// Value reserved for the released shares.
	reserved: T::Balance,
	/// Redemptions not fully released.
	waiting: u32,
}

impl<T: Config> Pallet<T> {
	/// Check the pallet's invariants as deep as `level` asks; the `try_state` hook asks for all.
	/// - `0`: none.
	/// - `1`: every vault's books against themselves and the staking, restaking and assets
	///   pallets; O(vaults).
	/// - `2` and above: also every redemption against its vault's books, counters and queue;
	///   O(redemptions).
	pub fn do_try_state(level: u8) -> Result<(), TryRuntimeError> {
		if level == 0 {
			return Ok(());
		}
		Self::check_vaults()?;
		if level >= 2 {
			Self::check_redemptions()?;
		}
		Ok(())
	}

	/// Level 1: every vault's books against themselves and the other pallets.
	fn check_vaults() -> Result<(), TryRuntimeError> {
		for (id, record) in Vaults::<T>::iter() {
			ensure!(VaultOf::<T>::get(&record.operator) == Some(id), "operator index");
			ensure!(record.account == Self::vault_account(id), "vault account");
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
		ensure!(
			Vaults::<T>::iter_keys().all(|id| id < NextVaultId::<T>::get()),
			"vault ids below the next id"
		);
		Ok(())
	}

	/// Level 2: every redemption against its vault's books, the accounts' counters and the
	/// vault's queue.
	fn check_redemptions() -> Result<(), TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		let mut tallies: BTreeMap<VaultId, Tally<T>> = BTreeMap::new();
		let mut counts: BTreeMap<(T::AccountId, VaultId), u32> = BTreeMap::new();
		for ((owner, id, redemption), entry) in Redemptions::<T>::iter() {
			let record = Vaults::<T>::get(id).ok_or("a redemption of an unknown vault")?;
			ensure!(redemption < record.next_redemption, "redemption ids below the next id");
			ensure!(entry.released <= entry.shares, "released within the redemption");
			ensure!(!entry.released.is_zero() || entry.reserved.is_zero(), "reserved if released");
			let tally = tallies.entry(id).or_default();
			tally.shares = tally.shares.saturating_add(entry.shares);
			tally.released = tally.released.saturating_add(entry.released);
			tally.reserved = tally.reserved.saturating_add(entry.reserved);
			if !entry.fully_released() {
				tally.waiting = tally.waiting.saturating_add(1);
			}
			*counts.entry((owner, id)).or_default() += 1;
		}
		for ((owner, id), count) in RedemptionCount::<T>::iter().map(|(o, v, c)| ((o, v), c)) {
			ensure!(counts.remove(&(owner, id)) == Some(count), "redemption counts");
			ensure!(count <= T::MaxRedemptions::get(), "at most MaxRedemptions per account");
		}
		ensure!(counts.is_empty(), "every account's redemptions counted");
		for (id, record) in Vaults::<T>::iter() {
			let Tally { shares, released, reserved, waiting } =
				tallies.remove(&id).unwrap_or_default();
			ensure!(shares == record.redeeming, "redeeming = the redemptions' shares");
			ensure!(released == record.released_shares, "released = the redemptions' released");
			ensure!(
				reserved == record.released_reserved,
				"released reserved = the reserved values"
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
		}
		ensure!(tallies.is_empty(), "redemptions of unknown vaults");
		ensure!(
			RedemptionQueue::<T>::iter_keys().all(|(id, position)| Vaults::<T>::get(id)
				.is_some_and(|r| position >= r.queue_head && position < r.queue_tail)),
			"queue entries within their vault's queue"
		);
		Ok(())
	}
}
