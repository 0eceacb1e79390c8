//! The yield history (what each operator's pool earned and lost per era) and the yield
//! estimates built on it (`docs/architecture.md`, "Yield").
//!
//! Every payment, compensation and slash of a pool adds to one record: the pool's record of
//! the current era. A write is one read and one write of a vector of at most `YieldEras + 1`
//! records, whatever the number of delegators.

use alloc::vec::Vec;
use frame_support::traits::Get;
use restaking_primitives::{
	api::{OperatorYield, StakerYield, YieldPart, YieldWindow},
	restaking::{PoolEra, StakingExtension},
};
use sp_runtime::{
	traits::{Bounded, CheckedDiv, Saturating, Zero},
	FixedI128, FixedPointNumber, FixedU128,
};
use sp_staking::{EraIndex, StakingInterface};

use crate::{pallet::*, BalanceOf};

/// Per-unit rates of a pool summed over a window's eras.
#[derive(Default)]
struct Rates {
	rewards: FixedU128,
	compensation: FixedU128,
	losses: FixedU128,
}

impl<T: Config> Pallet<T> {
	/// Add to `operator`'s record of the current era, starting one at `factor` (the value of
	/// a share before the event), and dropping the oldest if the history is full, when the era
	/// has none yet.
	pub(crate) fn note_pool_era(
		operator: &T::AccountId,
		factor: FixedU128,
		note: impl FnOnce(&mut PoolEra<BalanceOf<T>>),
	) {
		let era = T::StakingExtension::active_era();
		PoolHistory::<T>::mutate(operator, |history| match history.last_mut() {
			Some(last) if last.era == era => note(last),
			_ => {
				let mut record = PoolEra { era, factor, ..Default::default() };
				note(&mut record);
				// Keeps the newest: the oldest record makes room when the history is full.
				let _ = history.force_insert_keep_right(history.len(), record);
			},
		});
	}

	/// The completed eras an estimate counts: at most the last `YieldEras`, none before
	/// `since`.
	fn yield_window(since: EraIndex) -> YieldWindow {
		let current_era = T::StakingExtension::active_era();
		let first_era = since.max(current_era.saturating_sub(T::YieldEras::get()));
		YieldWindow {
			first_era,
			eras: current_era.saturating_sub(first_era),
			current_era,
			eras_per_year: T::ErasPerYear::get(),
		}
	}

	/// The window of a pool's estimate: none before its first record (the operator's
	/// registration, or the upgrade that introduced the history). An empty history counts no
	/// era.
	fn pool_window(history: &[PoolEra<BalanceOf<T>>]) -> YieldWindow {
		let since = history.first().map_or_else(T::StakingExtension::active_era, |r| r.era);
		Self::yield_window(since)
	}

	/// `amount` per share as a rate per unit of value at `factor`, saturating.
	pub(crate) fn per_unit(amount: FixedU128, factor: FixedU128) -> FixedU128 {
		amount.checked_div(&factor).unwrap_or_else(FixedU128::max_value)
	}

	/// The per-unit rates of the window's records, summed.
	fn window_rates(history: &[PoolEra<BalanceOf<T>>], window: &YieldWindow) -> Rates {
		history
			.iter()
			.filter(|r| r.era >= window.first_era && r.era < window.current_era)
			.fold(Rates::default(), |acc, r| Rates {
				rewards: acc.rewards.saturating_add(r.reward_rate),
				compensation: acc.compensation.saturating_add(r.compensation_rate),
				losses: acc.losses.saturating_add(r.loss_rate),
			})
	}

	/// `sum` over the window's eras, per year: `sum / eras × eras_per_year`; zero when no era
	/// is counted.
	fn per_year(sum: FixedU128, window: &YieldWindow) -> FixedU128 {
		if window.eras == 0 {
			return FixedU128::zero();
		}
		sum.saturating_mul(FixedU128::from_u32(window.eras_per_year))
			.checked_div(&FixedU128::from_u32(window.eras))
			.unwrap_or_default()
	}

	/// What a unit delegated to `operator` earned and lost per year over the window, and the
	/// pool's records behind it.
	pub fn operator_yield(operator: T::AccountId) -> Option<OperatorYield<BalanceOf<T>>> {
		if !Operators::<T>::contains_key(&operator) {
			return None;
		}
		let history = PoolHistory::<T>::get(&operator);
		let window = Self::pool_window(&history);
		let rates = Self::window_rates(&history, &window);
		let rewards = Self::per_year(rates.rewards, &window);
		let compensation = Self::per_year(rates.compensation, &window);
		let losses = Self::per_year(rates.losses, &window);
		Some(OperatorYield {
			window,
			rewards,
			compensation,
			losses,
			net: signed(rewards.saturating_add(compensation)).saturating_sub(signed(losses)),
			eras: history.into_iter().filter(|r| r.era >= window.first_era).collect::<Vec<_>>(),
		})
	}

	/// `who`'s estimated yield per year: what the base layer paid it over its exposure in the
	/// window's eras, and its operator's per-unit rates applied to its restaked value now.
	pub fn staker_yield(who: T::AccountId) -> Option<StakerYield<T::AccountId, BalanceOf<T>>> {
		let bond = T::Staking::active_stake(&who).ok();
		let delegation = Stakers::<T>::get(&who)
			.and_then(|ledger| Some((Operators::<T>::get(&ledger.operator)?, ledger)));
		if bond.is_none() && delegation.is_none() {
			return None;
		}
		// Rewards go to active value; compensation and losses to withdrawing value too.
		let (operator, active, at_stake, history) = match delegation {
			Some((pool, ledger)) => {
				let withdrawing = ledger
					.withdrawals
					.iter()
					.fold(BalanceOf::<T>::zero(), |sum, w| sum.saturating_add(w.shares));
				(
					Some(ledger.operator.clone()),
					pool.value_of(ledger.shares),
					pool.value_of(ledger.shares.saturating_add(withdrawing)),
					PoolHistory::<T>::get(&ledger.operator),
				)
			},
			None => (None, Zero::zero(), Zero::zero(), Default::default()),
		};
		let window = Self::pool_window(&history);
		let rates = Self::window_rates(&history, &window);
		let part = |sum: FixedU128, basis: BalanceOf<T>| YieldPart {
			amount: sum.saturating_mul_int(basis),
			basis,
			per_year: Self::per_year(sum, &window),
		};
		// The base layer's eras do not depend on the pool's age.
		let base_window = Self::yield_window(0);
		let base = Self::base_yield(&who, &base_window);
		let rewards = part(rates.rewards, active);
		let compensation = part(rates.compensation, at_stake);
		let losses = part(rates.losses, at_stake);
		let yearly = |part: &YieldPart<BalanceOf<T>>| {
			signed_balance(part.per_year.saturating_mul_int(part.basis))
		};
		let net = bond.filter(|b| !b.is_zero()).and_then(|bond| {
			let gained = yearly(&base)
				.saturating_add(yearly(&rewards))
				.saturating_add(yearly(&compensation))
				.saturating_sub(yearly(&losses));
			FixedI128::checked_from_rational(gained, signed_balance(bond))
		});
		Some(StakerYield {
			window,
			base_window,
			operator,
			base,
			rewards,
			compensation,
			losses,
			net,
		})
	}

	/// What the base layer paid `who` in the window's eras, over the stake it was exposed
	/// with in them: eras it backed nothing in count for neither.
	fn base_yield(who: &T::AccountId, window: &YieldWindow) -> YieldPart<BalanceOf<T>> {
		let (mut reward, mut stake, mut eras) =
			(BalanceOf::<T>::zero(), BalanceOf::<T>::zero(), 0u32);
		for era in window.first_era..window.current_era {
			if let Some(payout) = T::StakingExtension::era_payout(who, era) {
				reward = reward.saturating_add(payout.reward);
				stake = stake.saturating_add(payout.stake);
				eras = eras.saturating_add(1);
			}
		}
		let per_era = FixedU128::checked_from_rational(reward, stake).unwrap_or_default();
		YieldPart {
			amount: reward,
			basis: if eras == 0 { Zero::zero() } else { stake / eras.into() },
			per_year: per_era.saturating_mul(FixedU128::from_u32(window.eras_per_year)),
		}
	}
}

/// A rate as a signed one, saturating.
fn signed(rate: FixedU128) -> FixedI128 {
	FixedI128::from_inner(i128::try_from(rate.into_inner()).unwrap_or(i128::MAX))
}

/// A balance as a signed amount, saturating.
fn signed_balance<B: sp_runtime::traits::UniqueSaturatedInto<u128>>(amount: B) -> i128 {
	i128::try_from(amount.unique_saturated_into()).unwrap_or(i128::MAX)
}
