//! The traits the pallet implements for the other pallets: [`OnSlashExecuted`] (an executed
//! slash pays the covers on its target), and [`FeedReserve`], which routes slashed funds to the
//! reserve.

use frame_support::{
	pallet_prelude::*,
	traits::{fungible::Balanced, Imbalance, OnUnbalanced},
};
use restaking_primitives::slashing::{OnSlashExecuted, SlashRecord};
use sp_runtime::Perbill;

use crate::{pallet::*, weights::WeightInfo, BalanceOf, BlockNumberFor, CreditOf};

/// A slash record, for a runtime.
pub type RecordOf<T> =
	SlashRecord<<T as frame_system::Config>::AccountId, BalanceOf<T>, BlockNumberFor<T>>;

impl<T: Config> OnSlashExecuted<T::AccountId, BalanceOf<T>, BlockNumberFor<T>> for Pallet<T> {
	fn on_slash_executed(record: &RecordOf<T>) {
		Self::pay_covers(record);
	}

	fn max_weight() -> Weight {
		T::WeightInfo::payout(T::MaxCoversPerTarget::get(), 0)
	}
}

/// Routes realized slash funds: `Share` of them to the insurance reserve, the rest to `Rest`.
/// Funds too small to open the reserve account go to `Rest` too.
pub struct FeedReserve<T, Share, Rest>(core::marker::PhantomData<(T, Share, Rest)>);

impl<T: Config, Share: Get<Perbill>, Rest: OnUnbalanced<CreditOf<T>>> OnUnbalanced<CreditOf<T>>
	for FeedReserve<T, Share, Rest>
{
	fn on_nonzero_unbalanced(credit: CreditOf<T>) {
		let to_reserve = Share::get().mul_floor(credit.peek());
		let (reserve, rest) = credit.split(to_reserve);
		let unplaced = T::Currency::resolve(&Pallet::<T>::reserve_account(), reserve).err();
		Rest::on_unbalanced(rest);
		if let Some(unplaced) = unplaced {
			Rest::on_unbalanced(unplaced);
		}
	}
}
