//! The checks of the pallet's constants, run by `integrity_test`.

use frame_support::traits::{fungible::Inspect as AssetsInspect, Get};
use sp_arithmetic::traits::Zero;

use crate::pallet::*;

impl<T: Config> Pallet<T> {
	pub(crate) fn check_constants() {
		assert!(
			T::VaultDeposit::get() >= T::Currency::minimum_balance(),
			"VaultDeposit keeps a vault's account alive"
		);
		assert!(!T::MinDeposit::get().is_zero(), "MinDeposit > 0");
		assert!(!T::MaxRedeemPerEra::get().is_zero(), "MaxRedeemPerEra in (0, 1]");
		assert!(T::MaxRedemptions::get() > 0, "MaxRedemptions > 0");
		assert!(T::MaxReleaseBatch::get() > 0, "MaxReleaseBatch > 0");
		assert!(T::DecimalsOffset::get() <= 18, "DecimalsOffset at most 18");
	}
}
