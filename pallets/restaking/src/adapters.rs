//! Adapters from the base staking layer to [`BaseStaking`].
//!
//! [`PalletStaking`] connects the restaking pallet to `pallet-staking`. A chain with another
//! staking backend (a parachain reading stake from its relay chain, `pallet-staking-async`)
//! implements [`BaseStaking`] for it instead; nothing else in the pallet changes.

use alloc::vec::Vec;
use frame_support::traits::{fungible, Imbalance};
use pallet_staking::{
	ActiveEra, BalanceOf as StakingBalance, Bonded, ErasRewardPoints, ErasStakersOverview,
	ErasStakersPaged, ErasTotalStake, ErasValidatorPrefs, ErasValidatorReward, Nominators,
};
use restaking_primitives::restaking::{BaseStaking, EraPayout};
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill,
};
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

	/// Split as `pallet-staking` pays it: each validator `who` backs gets its share of the
	/// era's payout by reward points, keeps its commission, and shares the rest by exposure.
	/// `who` is found behind the validators it nominates now (a nomination changed since the
	/// era is missed) and as a validator itself.
	fn era_payout(who: &T::AccountId, era: EraIndex) -> Option<EraPayout<StakingBalance<T>>> {
		let payout = ErasValidatorReward::<T>::get(era)?;
		let points = ErasRewardPoints::<T>::get(era);
		if points.total == 0 {
			return None;
		}
		let mut validators: Vec<T::AccountId> =
			Nominators::<T>::get(who).map(|n| n.targets.into_inner()).unwrap_or_default();
		validators.push(who.clone());
		validators.sort();
		validators.dedup();
		let (mut reward, mut stake) = (StakingBalance::<T>::zero(), StakingBalance::<T>::zero());
		for validator in validators {
			let Some(overview) = ErasStakersOverview::<T>::get(era, &validator) else { continue };
			let own = if validator == *who {
				overview.own
			} else {
				(0..overview.page_count)
					.find_map(|page| {
						ErasStakersPaged::<T>::get((era, &validator, page))?
							.others
							.into_iter()
							.find(|exposure| exposure.who == *who)
							.map(|exposure| exposure.value)
					})
					.unwrap_or_else(Zero::zero)
			};
			if own.is_zero() && validator != *who {
				continue;
			}
			let earned = points.individual.get(&validator).copied().unwrap_or(0);
			let validator_payout = Perbill::from_rational(earned, points.total) * payout;
			let commission = ErasValidatorPrefs::<T>::get(era, &validator).commission;
			let kept = commission * validator_payout;
			let shared = validator_payout.saturating_sub(kept);
			if validator == *who {
				reward = reward.saturating_add(kept);
			}
			reward = reward.saturating_add(Perbill::from_rational(own, overview.total) * shared);
			stake = stake.saturating_add(own);
		}
		(!stake.is_zero()).then_some(EraPayout { reward, stake })
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

	fn set_era(era: EraIndex) {
		let start = ActiveEra::<T>::get().and_then(|active| active.start);
		pallet_staking::CurrentEra::<T>::put(era);
		ActiveEra::<T>::put(pallet_staking::ActiveEraInfo { index: era, start });
	}
}
