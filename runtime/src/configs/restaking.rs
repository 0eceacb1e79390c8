//! Restaking: `pallet-restaking`, `pallet-slashing` and `pallet-insurance`.
//!
//! Their constants' values are `restaking_runtime_common::parameters`, shared with the
//! parachain runtime; durations there are counted in this runtime's 3-second blocks.

use frame_support::parameter_types;
use frame_system::EnsureRoot;
use restaking_runtime_common::parameters as common;
pub use restaking_runtime_common::parameters::*;

use super::AuditCommitteeInstance;

use super::super::{
	time::{MILLI_SECS_PER_BLOCK, MINUTES, SESSIONS_PER_ERA, SESSION_PERIOD},
	AccountId, Balances, Insurance, Restaking, Runtime, RuntimeFreezeReason, RuntimeHoldReason,
	Slashing, Staking,
};

parameter_types! {
	/// A year of 365.25 days in eras of `SESSIONS_PER_ERA × SESSION_PERIOD` blocks.
	pub const ErasPerYear: u32 = (36_525 * 24 * 3_600 * 10 /
		(SESSIONS_PER_ERA as u64 * SESSION_PERIOD as u64 * MILLI_SECS_PER_BLOCK)) as u32;
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
	type StakingExtension = pallet_restaking::adapters::PalletStaking<Runtime>;
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
	type BenchmarkHelper = pallet_restaking::adapters::PalletStaking<Runtime>;
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
