//! Adapters from the base staking layer to [`BaseStaking`].
//!
//! [`PalletStaking`] connects the restaking pallet to `pallet-staking`. A chain with another
//! staking backend (a parachain reading stake from its relay chain, `pallet-staking-async`)
//! implements [`BaseStaking`] for it instead; nothing else in the pallet changes.

use frame_support::traits::{fungible, Imbalance};
use pallet_staking::{ActiveEra, BalanceOf as StakingBalance, Bonded, ErasTotalStake};
use restaking_primitives::restaking::BaseStaking;
use sp_runtime::traits::Zero;
use sp_staking::{EraIndex, StakingAccount};

/// [`BaseStaking`] over `pallet-staking`. Realized losses go through
/// `pallet_staking::slashing::do_slash`, so they show in the staker's ledger and in
/// `Staking::Slashed` events like any base-layer slash.
pub struct PalletStaking<T>(core::marker::PhantomData<T>);

impl<T: pallet_staking::Config> BaseStaking<T::AccountId, StakingBalance<T>> for PalletStaking<T> {
	type Credit = fungible::Credit<T::AccountId, <T as pallet_staking::Config>::Currency>;

	fn active_stake(who: &T::AccountId) -> Option<StakingBalance<T>> {
		pallet_staking::Pallet::<T>::ledger(StakingAccount::Stash(who.clone()))
			.ok()
			.map(|ledger| ledger.active)
	}

	fn total_stake(who: &T::AccountId) -> Option<StakingBalance<T>> {
		pallet_staking::Pallet::<T>::ledger(StakingAccount::Stash(who.clone()))
			.ok()
			.map(|ledger| ledger.total)
	}

	fn total_staked() -> StakingBalance<T> {
		ActiveEra::<T>::get()
			.map(|era| ErasTotalStake::<T>::get(era.index))
			.unwrap_or_else(Zero::zero)
	}

	fn current_era() -> EraIndex {
		ActiveEra::<T>::get().map(|era| era.index).unwrap_or(0)
	}

	fn slash_bonded(
		who: &T::AccountId,
		amount: StakingBalance<T>,
	) -> (Self::Credit, StakingBalance<T>) {
		let mut credit = Self::Credit::zero();
		if amount.is_zero() || !Bonded::<T>::contains_key(who) {
			return (credit, Zero::zero());
		}
		let mut reward_payout = Zero::zero();
		pallet_staking::slashing::do_slash::<T>(
			who,
			amount,
			&mut reward_payout,
			&mut credit,
			Self::current_era(),
		);
		let taken = credit.peek();
		(credit, taken)
	}
}

#[cfg(feature = "runtime-benchmarks")]
impl<T: pallet_staking::Config> crate::BenchmarkHelper<T::AccountId, StakingBalance<T>>
	for PalletStaking<T>
{
	fn bond(who: &T::AccountId, amount: StakingBalance<T>) {
		let origin = frame_system::RawOrigin::Signed(who.clone()).into();
		let payee = pallet_staking::RewardDestination::Staked;
		if let Err(e) = pallet_staking::Pallet::<T>::bond(origin, amount, payee) {
			log::error!(target: "runtime::restaking", "benchmark bond failed: {e:?}");
		}
	}
}
