//! Restaking: `pallet-restaking`, `pallet-slashing`, `pallet-insurance` and
//! `pallet-liquid-restaking`, and `pallet-assets` for the vault tokens.
//!
//! Their constants' values are `restaking_runtime_common::parameters`, shared with the
//! solochain runtime; durations there are counted in this runtime's 6-second blocks, so they
//! last as long as the solochain's. The base layer is `pallet-staking-async`, through
//! `adapters::StakingAsync`.

use frame_support::{
	parameter_types,
	traits::{AsEnsureOriginWithArg, ConstU128, ConstU32},
};
use frame_system::{EnsureNever, EnsureRoot};
use restaking_runtime_common::parameters as common;
pub use restaking_runtime_common::parameters::*;
use sp_runtime::traits::ConvertInto;

use super::AuditCommitteeInstance;

use super::super::{
	currency::MILLI_UNIT,
	time::{DAYS, ERAS_PER_YEAR, MINUTES},
	AccountId, Assets, Balance, Balances, BlockNumber, Insurance, Restaking, Runtime, RuntimeEvent,
	RuntimeFreezeReason, RuntimeHoldReason, Slashing, Staking,
};

parameter_types! {
	/// Eras of a day each.
	pub const ErasPerYear: u32 = ERAS_PER_YEAR;
	/// Gains of a vault enter its rate over a day, an era: a deposit just before an era's
	/// rewards are paid out shares only what vests while it stays.
	pub const VaultRewardVesting: BlockNumber = DAYS;
}

/// A majority of the audit committee.
pub type AuditMajority = common::AuditMajority<AuditCommitteeInstance>;
/// Two thirds of the audit committee, or root.
pub type AuditTwoThirdsOrRoot = common::AuditTwoThirdsOrRoot<AuditCommitteeInstance>;

impl pallet_restaking::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type Staking = Staking;
	type StakingExtension = pallet_restaking::adapters::StakingAsync<Runtime>;
	// A share of realized slash funds feeds the insurance reserve; the rest is burned.
	type OnSlashedFunds = pallet_insurance::FeedReserve<Runtime, ReserveShare, ()>;
	type OnSecurityReduced = Slashing;
	type ExitGuard = Slashing;
	type ParametersOrigin = EnsureRoot<AccountId>;
	type PalletId = RestakingPalletId;
	type ServiceDeposit = ServiceDeposit;
	type OperatorDeposit = OperatorDeposit;
	type MinSelfBond = MinSelfBond;
	type MinDelegation = MinDelegation;
	type MaxCommission = MaxCommission;
	type CommissionChangeDelay = common::CommissionChangeDelay<MINUTES>;
	type AllocationDelay = common::AllocationDelay<MINUTES>;
	type DeallocationDelay = common::DeallocationDelay<MINUTES>;
	type UndelegationDelay = common::UndelegationDelay<MINUTES>;
	type MaxLeverage = MaxLeverage;
	type MaxMetadataLen = MaxMetadataLen;
	type MaxOperatorsPerService = MaxOperatorsPerService;
	type MaxServicesPerOperator = MaxServicesPerOperator;
	type MaxWithdrawals = MaxWithdrawals;
	type MaxOutflowQueue = MaxOutflowQueue;
	type DefaultParameters = DefaultParameters;
	type YieldEras = YieldEras;
	type ErasPerYear = ErasPerYear;
	type SlashCeiling = Slashing;
	type MinOvercollateralization = MinOvercollateralization;
	type WeightInfo = pallet_restaking::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = pallet_restaking::adapters::StakingAsync<Runtime>;
}

impl pallet_slashing::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Restaking = Restaking;
	// The insurance pallet pays covers from executed slashes.
	type OnSlashExecuted = Insurance;
	// Forfeited dispute bonds and request deposits are burned.
	type OnForfeit = ();
	type CommitteeOrigin = AuditMajority;
	type VetoOrigin = AuditTwoThirdsOrRoot;
	type PauseOrigin = EnsureRoot<AccountId>;
	type SlashDeferDuration = common::ServiceSlashDeferDuration<MINUTES>;
	type MaxVetoWindow = common::MaxVetoWindow<MINUTES>;
	type DeallocationDelay = common::DeallocationDelay<MINUTES>;
	type UndelegationDelay = common::UndelegationDelay<MINUTES>;
	type MaxServicesPerOperator = MaxServicesPerOperator;
	type SlashWindow = common::SlashWindow<MINUTES>;
	type MaxSlashPerWindow = MaxSlashPerWindow;
	type MaxSlashesPerWindow = MaxSlashesPerWindow;
	type MaxPendingSlashes = MaxPendingSlashes;
	type MaxPendingPerService = MaxPendingPerService;
	type MaxSlashHistory = MaxSlashHistory;
	type MaxContagionHistory = MaxContagionHistory;
	type DisputeBond = DisputeBond;
	type RequestDeposit = RequestDeposit;
	type WeightInfo = pallet_slashing::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = pallet_restaking::BenchmarkSetup<Runtime>;
}

impl pallet_insurance::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Restaking = Restaking;
	type SlashGuard = Slashing;
	type PalletId = InsurancePalletId;
	type PoolDeposit = PoolDeposit;
	type MinDeposit = MinUnderwriterDeposit;
	type MinCover = MinCover;
	type MinCoverPeriod = MinCoverPeriod;
	type MaxCoverPeriod = common::MaxCoverPeriod<MINUTES>;
	// A slash requested in a cover's last block can wait the longest veto window.
	type ClaimGrace = common::MaxVetoWindow<MINUTES>;
	type UnderwriterCooldown = common::UnderwriterCooldown<MINUTES>;
	type MaxRate = MaxCoverRate;
	type MaxCoveredServices = MaxCoveredServices;
	type MaxCoversPerPool = MaxCoversPerPool;
	type MaxCoversPerTarget = MaxCoversPerTarget;
	type ReserveCoverage = ReserveCoverage;
	type WeightInfo = pallet_insurance::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = pallet_restaking::BenchmarkSetup<Runtime>;
}

/// Vault tokens: nobody may create an asset (so no one can take a vault's asset id first), and
/// vault `n`'s token is asset `n`. Token metadata costs no deposit, so a vault's whole
/// `VaultDeposit` stays in its account as the reserve.
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

impl pallet_liquid_restaking::Config for Runtime {
	type Currency = Balances;
	type Balance = Balance;
	type Staking = Staking;
	type Restaking = Restaking;
	type Assets = Assets;
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
