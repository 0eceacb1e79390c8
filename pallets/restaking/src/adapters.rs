//! Adapters from the base staking layer to [`StakingExtension`].
//!
//! The pallet reads stakes through `sp_staking::StakingInterface`, which both staking pallets
//! implement; these adapters give it the rest:
//! - `PalletStaking` for `pallet-staking`, a solochain's or relay chain's staking (feature
//!   `pallet-staking-adapter`);
//! - `StakingAsync` for `pallet-staking-async`, staking on a parachain whose relay chain
//!   reports sessions and offences through `pallet-staking-async-rc-client` (feature
//!   `staking-async-adapter`).
//!
//! Both pallets keep the same storage for what the adapters read (the active era, each era's
//! total stake and exposures, bonds); they differ in how a validator's payout is split, which
//! each adapter follows. A chain with another stake source implements `StakingInterface` and
//! [`StakingExtension`] for it; nothing else in the pallet changes (`docs/parachain.md`).

use restaking_primitives::restaking::{EraPayout, StakingExtension};
use sp_runtime::Perbill;

/// Implements [`StakingExtension`] (and, with `runtime-benchmarks`, the pallet's
/// `BenchmarkHelper`) for `$adapter` over the staking pallet `$staking`, whose storage items
/// the two staking pallets share. `$adapter` provides `fn part(share, era_payout, commission,
/// (own, total), nominated)`: what the pallet pays, of the validator's `share` of the era's
/// payout, to the validator (`nominated` is `None`) or to a nominator exposed with `nominated`.
macro_rules! staking_adapter {
	($adapter:ident, $staking:ident) => {
		impl<T: $staking::Config>
			StakingExtension<T::AccountId, $staking::BalanceOf<T>> for $adapter<T>
		{
			type Credit = frame_support::traits::fungible::Credit<
				T::AccountId,
				<T as $staking::Config>::Currency,
			>;

			fn active_era() -> sp_staking::EraIndex {
				$staking::ActiveEra::<T>::get().map(|era| era.index).unwrap_or(0)
			}

			fn total_staked() -> $staking::BalanceOf<T> {
				$staking::ActiveEra::<T>::get()
					.map(|era| $staking::ErasTotalStake::<T>::get(era.index))
					.unwrap_or_default()
			}

			/// Through the staking pallet's own `slashing::do_slash`, dated in the active era,
			/// so the loss shows in the staker's ledger and in its `Slashed` event like any
			/// base-layer slash.
			fn slash_bonded(
				who: &T::AccountId,
				amount: $staking::BalanceOf<T>,
			) -> (Self::Credit, $staking::BalanceOf<T>) {
				use frame_support::traits::Imbalance;
				use sp_runtime::traits::Zero;
				let mut credit = Self::Credit::zero();
				if amount.is_zero() || !$staking::Bonded::<T>::contains_key(who) {
					return (credit, Zero::zero());
				}
				let mut reward_payout = Zero::zero();
				$staking::slashing::do_slash::<T>(
					who,
					amount,
					&mut reward_payout,
					&mut credit,
					Self::active_era(),
				);
				let taken = credit.peek();
				(credit, taken)
			}

			/// As the staking pallet pays it: each validator `who` backs gets its share of the
			/// era's payout by reward points and divides it as the adapter's `part` says. `who`
			/// is found behind the validators it nominates now (a nomination changed since the
			/// era is missed) and as a validator itself.
			fn era_payout(
				who: &T::AccountId,
				era: sp_staking::EraIndex,
			) -> Option<EraPayout<$staking::BalanceOf<T>>> {
				use sp_runtime::traits::{Saturating, Zero};
				let payout = $staking::ErasValidatorReward::<T>::get(era)?;
				let points = $staking::ErasRewardPoints::<T>::get(era);
				if points.total == 0 {
					return None;
				}
				let mut validators: alloc::vec::Vec<T::AccountId> = $staking::Nominators::<T>::get(who)
					.map(|n| n.targets.into_inner())
					.unwrap_or_default();
				validators.push(who.clone());
				validators.sort();
				validators.dedup();
				let mut reward = $staking::BalanceOf::<T>::zero();
				let mut stake = $staking::BalanceOf::<T>::zero();
				for validator in validators {
					let Some(overview) = $staking::ErasStakersOverview::<T>::get(era, &validator)
					else {
						continue;
					};
					let own = if validator == *who {
						overview.own
					} else {
						(0..overview.page_count)
							.find_map(|page| {
								$staking::ErasStakersPaged::<T>::get((era, &validator, page))?
									.others
									.iter()
									.find(|exposure| exposure.who == *who)
									.map(|exposure| exposure.value)
							})
							.unwrap_or_else(Zero::zero)
					};
					if own.is_zero() && validator != *who {
						continue;
					}
					let earned = points.individual.get(&validator).copied().unwrap_or(0);
					let share = Perbill::from_rational(earned, points.total);
					let commission =
						$staking::ErasValidatorPrefs::<T>::get(era, &validator).commission;
					let nominated = (validator != *who).then_some(own);
					let part = Self::part(
						share,
						payout,
						commission,
						(overview.own, overview.total),
						nominated,
					);
					reward = reward.saturating_add(part);
					stake = stake.saturating_add(own);
				}
				(!stake.is_zero()).then_some(EraPayout { reward, stake })
			}
		}

		#[cfg(feature = "runtime-benchmarks")]
		impl<T: $staking::Config> crate::BenchmarkHelper<T::AccountId, $staking::BalanceOf<T>>
			for $adapter<T>
		{
			fn bond(who: &T::AccountId, amount: $staking::BalanceOf<T>) {
				let origin = frame_system::RawOrigin::Signed(who.clone()).into();
				let payee = $staking::RewardDestination::Staked;
				if let Err(e) = $staking::Pallet::<T>::bond(origin, amount, payee) {
					log::error!(target: "runtime::restaking", "benchmark bond failed: {e:?}");
				}
			}

			fn set_era(era: sp_staking::EraIndex) {
				let start = $staking::ActiveEra::<T>::get().and_then(|active| active.start);
				$staking::CurrentEra::<T>::put(era);
				$staking::ActiveEra::<T>::put($staking::ActiveEraInfo { index: era, start });
			}
		}
	};
}

/// [`StakingExtension`] over `pallet-staking`.
#[cfg(any(feature = "pallet-staking-adapter", test))]
pub struct PalletStaking<T>(core::marker::PhantomData<T>);

#[cfg(any(feature = "pallet-staking-adapter", test))]
impl<T: pallet_staking::Config> PalletStaking<T> {
	/// `pallet-staking`'s division (`payout_stakers`): the validator's share of the era, its
	/// commission first, then the rest by exposure over its whole backing, its own included.
	fn part(
		share: Perbill,
		era_payout: pallet_staking::BalanceOf<T>,
		commission: Perbill,
		(own, total): (pallet_staking::BalanceOf<T>, pallet_staking::BalanceOf<T>),
		nominated: Option<pallet_staking::BalanceOf<T>>,
	) -> pallet_staking::BalanceOf<T> {
		use sp_runtime::traits::Saturating;
		let payout = share * era_payout;
		let kept = commission * payout;
		let shared = payout.saturating_sub(kept);
		match nominated {
			None => kept.saturating_add(Perbill::from_rational(own, total) * shared),
			Some(value) => Perbill::from_rational(value, total) * shared,
		}
	}
}

#[cfg(any(feature = "pallet-staking-adapter", test))]
staking_adapter!(PalletStaking, pallet_staking);

/// [`StakingExtension`] over `pallet-staking-async`.
#[cfg(any(feature = "staking-async-adapter", test))]
pub struct StakingAsync<T>(core::marker::PhantomData<T>);

#[cfg(any(feature = "staking-async-adapter", test))]
impl<T: pallet_staking_async::Config> StakingAsync<T> {
	/// `pallet-staking-async`'s division (`payout_stakers`): the validator's share of the era,
	/// split between it and its nominators by the runtime's `StakerRewardCalculator`; the
	/// nominators share theirs by exposure. (The validator's part is paid page by page, each
	/// rounded down, so it may receive a unit per exposure page less than this; a validator
	/// incentive, paid only when the runtime funds rewards from pots instead of minting, is
	/// not included.)
	fn part(
		share: Perbill,
		era_payout: pallet_staking_async::BalanceOf<T>,
		commission: Perbill,
		(own, total): (pallet_staking_async::BalanceOf<T>, pallet_staking_async::BalanceOf<T>),
		nominated: Option<pallet_staking_async::BalanceOf<T>>,
	) -> pallet_staking_async::BalanceOf<T> {
		use sp_runtime::traits::Saturating;
		use sp_staking::StakerRewardCalculator;
		let payout = share.mul_floor(era_payout);
		let split =
			T::StakerRewardCalculator::calculate_staker_reward(payout, commission, own, total);
		match nominated {
			None => split.validator_payout,
			Some(value) => Perbill::from_rational(value, total.saturating_sub(own))
				.mul_floor(split.nominator_payout),
		}
	}
}

#[cfg(any(feature = "staking-async-adapter", test))]
staking_adapter!(StakingAsync, pallet_staking_async);
