//! Arithmetic on shares, values and fractions, and the pallet's small lookups.

use alloc::vec::Vec;
use frame_support::{dispatch::DispatchResult, ensure, traits::Get, BoundedVec};
use sp_arithmetic::{
	traits::{Saturating, UniqueSaturatedInto, Zero},
	FixedPointNumber, FixedU128, PerThing, Perbill, Perquintill, Rounding,
};
use sp_runtime::{traits::AccountIdConversion, DispatchError};

use sp_runtime::ArithmeticError;

use crate::ledger::PoolEntry;
use crate::{pallet::*, types::*, BalanceOf, BlockNumberFor};
use restaking_primitives::arithmetic::mul_div;

/// The pallet's account (see [`Pallet::pot`]).
pub(crate) type Pot<T> = <T as frame_system::Config>::AccountId;

impl<T: Config> Pallet<T> {
	/// The pallet's account: reward budgets and undistributed rewards live here.
	pub fn pot() -> Pot<T> {
		T::PalletId::get().into_account_truncating()
	}

	pub(crate) fn now() -> BlockNumberFor<T> {
		frame_system::Pallet::<T>::block_number()
	}

	pub(crate) fn bounded_metadata(
		metadata: Vec<u8>,
	) -> Result<BoundedVec<u8, T::MaxMetadataLen>, DispatchError> {
		metadata.try_into().map_err(|_| Error::<T>::MetadataTooLong.into())
	}

	/// Shares worth `amount` at `factor`, rounded down (against the depositor).
	pub(crate) fn shares_for(
		amount: BalanceOf<T>,
		factor: FixedU128,
	) -> Result<BalanceOf<T>, DispatchError> {
		mul_div(amount, FixedU128::DIV, factor.into_inner(), Rounding::Down)
			.ok_or_else(|| ArithmeticError::Overflow.into())
	}

	/// `part / whole` of `amount`, rounded as asked; `part ≤ whole` keeps it within `amount`.
	pub(crate) fn ratio_of(
		amount: BalanceOf<T>,
		part: u128,
		whole: u128,
		rounding: Rounding,
	) -> BalanceOf<T> {
		if whole == 0 {
			return Zero::zero();
		}
		mul_div(amount, part, whole, rounding).unwrap_or(amount)
	}

	/// `part / whole` of `amount` for balances.
	pub(crate) fn proportion(
		amount: BalanceOf<T>,
		part: BalanceOf<T>,
		whole: BalanceOf<T>,
		rounding: Rounding,
	) -> BalanceOf<T> {
		Self::ratio_of(
			amount,
			part.unique_saturated_into(),
			whole.unique_saturated_into(),
			rounding,
		)
	}

	/// `fraction` of `amount`, rounded up (against the holder).
	pub(crate) fn fraction_ceil(fraction: Perquintill, amount: BalanceOf<T>) -> BalanceOf<T> {
		Self::ratio_of(
			amount,
			fraction.deconstruct().into(),
			Perquintill::ACCURACY.into(),
			Rounding::Up,
		)
	}

	/// An operator's stake that `membership` exposes: `(self-bond part, pool part)`.
	pub(crate) fn slashable_parts(
		pool: &Operator<T>,
		magnitude: Perquintill,
	) -> (BalanceOf<T>, BalanceOf<T>) {
		let max = pool.max_magnitude.deconstruct();
		let m = magnitude.deconstruct().min(max);
		let of = |stake: BalanceOf<T>| Self::ratio_of(stake, m.into(), max.into(), Rounding::Down);
		(of(pool.self_bond), of(pool.pool_value()))
	}

	/// All of an operator's stake that `magnitude` exposes (self-bond and pool parts together).
	pub(crate) fn slashable_total(pool: &Operator<T>, magnitude: Perquintill) -> BalanceOf<T> {
		let (sb, pv) = Self::slashable_parts(pool, magnitude);
		sb.saturating_add(pv)
	}

	/// Enforce `max_operator_share` on `pool` as it would be committed. Applies once enough
	/// operators exist for the cap to be satisfiable at all (`⌈1 / cap⌉`).
	pub(crate) fn ensure_operator_share(pool: &PoolEntry<T>) -> DispatchResult {
		let cap = ActiveParameters::<T>::get().max_operator_share;
		let needed = Self::operators_for_cap(cap);
		if (Operators::<T>::count() as u64) < needed {
			return Ok(());
		}
		let stake = pool.restaked();
		let total = TotalRestaked::<T>::get().saturating_sub(pool.counted()).saturating_add(stake);
		ensure!(stake <= cap.mul_floor(total), Error::<T>::OperatorConcentrationExceeded);
		Ok(())
	}

	/// How many holders a share cap needs before it can be met: `⌈1 / cap⌉`.
	pub(crate) fn operators_for_cap(cap: Perbill) -> u64 {
		let parts = u64::from(cap.deconstruct().max(1));
		u64::from(Perbill::ACCURACY).div_ceil(parts)
	}
}
