//! Liquid restaking: `pallet-assets` holds the vault tokens, `pallet-liquid-restaking` the
//! vaults.
//!
//! The assets instance exists for vault tokens only: nobody may create an asset (so no one can
//! take a vault's asset id first), and vault `n`'s token is asset `n`. Token metadata costs no
//! deposit, so a vault's whole `VaultDeposit` stays in its account as the reserve.

use frame_support::{
	parameter_types,
	traits::{AsEnsureOriginWithArg, ConstU128, ConstU32},
	PalletId,
};
use frame_system::{EnsureNever, EnsureRoot};
use sp_runtime::{traits::ConvertInto, Perbill};

use super::super::{
	currency::{MILLI_UNIT, TOKEN_DECIMALS, UNIT},
	time::{SESSIONS_PER_ERA, SESSION_PERIOD},
	AccountId, Balance, Balances, BlockNumber, Runtime, RuntimeEvent, Staking,
};
use super::{MinDelegation, UndelegationDelay};

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
	pub const LiquidPalletId: PalletId = PalletId(*b"rstk/lqd");
	pub const VaultDeposit: Balance = 10 * UNIT;
	pub const MinVaultDeposit: Balance = UNIT;
	/// A run on a vault releases at most a tenth of its value per era (90 s on the dev chain).
	pub const MaxRedeemPerEra: Perbill = Perbill::from_percent(10);
	pub const CurrencyDecimals: u8 = TOKEN_DECIMALS;
	/// Vault tokens have 18 decimals: a donation to a vault costs its donor a million times
	/// what rounding can take from the next depositor.
	pub const VaultDecimalsOffset: u8 = 6;
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
	type UndelegationDelay = UndelegationDelay;
	type MaxRedemptions = ConstU32<16>;
	type MaxReleaseBatch = ConstU32<16>;
	type MaxSlashingSpans = ConstU32<128>;
	type CurrencyDecimals = CurrencyDecimals;
	type DecimalsOffset = VaultDecimalsOffset;
	type RewardVesting = VaultRewardVesting;
	type WeightInfo = pallet_liquid_restaking::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = pallet_restaking::BenchmarkSetup<Runtime>;
}
