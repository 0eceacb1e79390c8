//! Liquid restaking: `pallet-assets` holds the vault tokens, `pallet-liquid-restaking` the
//! vaults.
//!
//! The assets instance exists for vault tokens only: nobody may create an asset (so no one can
//! take a vault's asset id first), and vault `n`'s token is asset `n`. Token metadata costs no
//! deposit, so a vault's whole `VaultDeposit` stays in its account as the reserve.

use frame_support::{
	parameter_types,
	traits::{AsEnsureOriginWithArg, ConstU128, ConstU32},
};
use frame_system::{EnsureNever, EnsureRoot};
use restaking_runtime_common::parameters::{
	self as common, CurrencyDecimals, LiquidPalletId, MaxRedeemPerEra, MaxRedemptions,
	MaxReleaseBatch, MaxSlashingSpans, MinDelegation, MinVaultDeposit, VaultDecimalsOffset,
	VaultDeposit,
};
use sp_runtime::traits::ConvertInto;

use super::super::{
	currency::MILLI_UNIT,
	time::{MINUTES, SESSIONS_PER_ERA, SESSION_PERIOD},
	AccountId, Balance, Balances, BlockNumber, Runtime, RuntimeEvent, Staking,
};

impl pallet_assets::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type Balance = Balance;
	type RemoveItemsLimit = ConstU32<1_000>;
	type AssetId = u32;
	type AssetIdParameter = u32;
	type ReserveData = ();
	type Currency = Balances;
	// Only the liquid restaking pallet creates assets.
	type CreateOrigin = AsEnsureOriginWithArg<EnsureNever<AccountId>>;
	type ForceOrigin = EnsureRoot<AccountId>;
	type AssetDeposit = ConstU128<0>;
	type AssetAccountDeposit = ConstU128<MILLI_UNIT>;
	type MetadataDepositBase = ConstU128<0>;
	type MetadataDepositPerByte = ConstU128<0>;
	type ApprovalDeposit = ConstU128<MILLI_UNIT>;
	type StringLimit = ConstU32<50>;
	type Freezer = ();
	type Holder = ();
	type Extra = ();
	type CallbackHandle = ();
	type AssetIdAllocator = ();
	type WeightInfo = pallet_assets::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

parameter_types! {
	/// Gains of a vault enter its rate over one era (30 blocks): a deposit just before an
	/// era's rewards are paid out shares only what vests while it stays.
	pub const VaultRewardVesting: BlockNumber = SESSIONS_PER_ERA as BlockNumber * SESSION_PERIOD;
}

impl pallet_liquid_restaking::Config for Runtime {
	type Currency = Balances;
	type Balance = Balance;
	type Staking = Staking;
	type Restaking = super::super::Restaking;
	type Assets = super::super::Assets;
	type VaultAsset = ConvertInto;
	type CreateOrigin = EnsureRoot<AccountId>;
	type PauseOrigin = EnsureRoot<AccountId>;
	type PalletId = LiquidPalletId;
	type VaultDeposit = VaultDeposit;
	type MinDeposit = MinVaultDeposit;
	type MinRestake = MinDelegation;
	type MaxRedeemPerEra = MaxRedeemPerEra;
	type UndelegationDelay = common::UndelegationDelay<MINUTES>;
	type MaxRedemptions = MaxRedemptions;
	type MaxReleaseBatch = MaxReleaseBatch;
	type MaxSlashingSpans = MaxSlashingSpans;
	type CurrencyDecimals = CurrencyDecimals;
	type DecimalsOffset = VaultDecimalsOffset;
	type RewardVesting = VaultRewardVesting;
	type WeightInfo = pallet_liquid_restaking::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = pallet_restaking::BenchmarkSetup<Runtime>;
}
