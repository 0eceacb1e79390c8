//! Restaking: delays, caps and bounds of `pallet-restaking`, `pallet-slashing` and
//! `pallet-insurance`.
//!
//! Delays are in blocks (3 s each) and short enough for a dev chain: an allocation takes
//! effect in 30 s, a deallocation in 2 min, an undelegation completes after 3 min. A slash
//! request waits 30 s to 1.5 min (the service's policy chooses), always less than the
//! deallocation delay, and while it waits no stake leaves the operator's pool.

use frame_support::{parameter_types, traits::EitherOfDiverse, PalletId};
use frame_system::EnsureRoot;
use pallet_collective::{EnsureProportionAtLeast, EnsureProportionMoreThan};
use restaking_primitives::risk::{FloorEnforcement, OvercollateralizationFloor};
use sp_runtime::{FixedU128, Perbill};

use super::AuditCommitteeInstance;

use super::super::{
	currency::UNIT,
	time::{DAYS, HOURS, MILLI_SECS_PER_BLOCK, MINUTES, SESSIONS_PER_ERA, SESSION_PERIOD},
	AccountId, Balance, Balances, BlockNumber, Insurance, Restaking, Runtime, RuntimeFreezeReason,
	RuntimeHoldReason, Slashing, Staking,
};

parameter_types! {
	pub const RestakingPalletId: PalletId = PalletId(*b"rstk/pot");
	pub const ServiceDeposit: Balance = 100 * UNIT;
	pub const OperatorDeposit: Balance = 10 * UNIT;
	pub const MinSelfBond: Balance = 1_000 * UNIT;
	pub const MinDelegation: Balance = UNIT;
	pub const MaxCommission: Perbill = Perbill::from_percent(50);
	pub const CommissionChangeDelay: BlockNumber = MINUTES;
	pub const AllocationDelay: BlockNumber = MINUTES / 2;
	pub const DeallocationDelay: BlockNumber = 2 * MINUTES;
	pub const UndelegationDelay: BlockNumber = 3 * MINUTES;
	/// Unique stake: a slash on one service never lowers another's security.
	pub const MaxLeverage: u32 = 1;
	pub const MaxMetadataLen: u32 = 128;
	pub const MaxOperatorsPerService: u32 = 32;
	pub const MaxServicesPerOperator: u32 = 8;
	pub const MaxWithdrawals: u32 = 8;
	pub const MaxOutflowQueue: u32 = 256;
	/// Yield estimates are over the last 28 eras (42 minutes here; four weeks of daily eras).
	pub const YieldEras: u32 = 28;
	/// A year of 365.25 days in eras of `SESSIONS_PER_ERA × SESSION_PERIOD` blocks.
	pub const ErasPerYear: u32 = (36_525 * 24 * 3_600 * 10 /
		(SESSIONS_PER_ERA as u64 * SESSION_PERIOD as u64 * MILLI_SECS_PER_BLOCK)) as u32;
	/// Corrupting a service alone must cost a fifth more than it pays; the demo reports
	/// every action that breaks this and refuses none.
	pub MinOvercollateralization: Option<OvercollateralizationFloor> =
		Some(OvercollateralizationFloor {
			gamma: FixedU128::from_rational(1, 5),
			enforcement: FloorEnforcement::Report,
		});
	pub const DefaultParameters: pallet_restaking::Parameters = pallet_restaking::Parameters {
		max_restake_ratio: Perbill::from_percent(80),
		max_operator_share: Perbill::from_percent(75),
		max_service_operator_share: Perbill::from_percent(75),
		max_outflow_per_era: Perbill::from_percent(20),
		concentration_threshold: Perbill::from_percent(40),
		concentration_floor: Perbill::from_percent(50),
	};
}

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
	type CommissionChangeDelay = CommissionChangeDelay;
	type AllocationDelay = AllocationDelay;
	type DeallocationDelay = DeallocationDelay;
	type UndelegationDelay = UndelegationDelay;
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

parameter_types! {
	pub const ServiceSlashDeferDuration: BlockNumber = MINUTES / 2;
	pub const MaxVetoWindow: BlockNumber = MINUTES + MINUTES / 2;
	/// Longer than `MaxServicesPerOperator × MaxSlashesPerWindow × MaxVetoWindow`
	/// (8 × 4 × 1.5 min = 48 min), so the slashers of all of an operator's services together can
	/// keep its exits frozen for at most 40 % of any window.
	pub const SlashWindow: BlockNumber = 2 * HOURS;
	/// Per service and operator: one service can take at most half of what it can slash
	/// within a window, and never another service's room.
	pub const MaxSlashPerWindow: Perbill = Perbill::from_percent(50);
	pub const MaxSlashesPerWindow: u32 = 4;
	pub const MaxPendingSlashes: u32 = 256;
	pub const MaxPendingPerService: u32 = 16;
	pub const MaxSlashHistory: u32 = 16;
	pub const MaxContagionHistory: u32 = 16;
	pub const DisputeBond: Balance = 100 * UNIT;
	pub const RequestDeposit: Balance = 100 * UNIT;
}

/// A majority of the audit committee.
pub type AuditMajority = EnsureProportionMoreThan<AccountId, AuditCommitteeInstance, 1, 2>;
/// Two thirds of the audit committee, or root.
pub type AuditTwoThirdsOrRoot = EitherOfDiverse<
	EnsureRoot<AccountId>,
	EnsureProportionAtLeast<AccountId, AuditCommitteeInstance, 2, 3>,
>;

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
	type SlashDeferDuration = ServiceSlashDeferDuration;
	type MaxVetoWindow = MaxVetoWindow;
	type DeallocationDelay = DeallocationDelay;
	type UndelegationDelay = UndelegationDelay;
	type MaxServicesPerOperator = MaxServicesPerOperator;
	type SlashWindow = SlashWindow;
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

parameter_types! {
	pub const InsurancePalletId: PalletId = PalletId(*b"rstk/ins");
	/// Share of every realized slash that feeds the insurance reserve.
	pub const ReserveShare: Perbill = Perbill::from_percent(30);
	/// Share of every payout the reserve refunds to the paying pool.
	pub const ReserveCoverage: Perbill = Perbill::from_percent(50);
	pub const PoolDeposit: Balance = 100 * UNIT;
	pub const MinUnderwriterDeposit: Balance = UNIT;
	pub const MinCover: Balance = UNIT;
	pub const MinCoverPeriod: BlockNumber = 10;
	pub const MaxCoverPeriod: BlockNumber = 7 * DAYS;
	pub const UnderwriterCooldown: BlockNumber = 2 * MINUTES;
	/// At most 0.001 % of the cover per block (about 29 % a day at full utilization).
	pub const MaxCoverRate: Perbill = Perbill::from_parts(10_000);
	pub const MaxCoveredServices: u32 = 8;
	pub const MaxCoversPerPool: u32 = 64;
	pub const MaxCoversPerTarget: u32 = 8;
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
	type MaxCoverPeriod = MaxCoverPeriod;
	// A slash requested in a cover's last block can wait the longest veto window.
	type ClaimGrace = MaxVetoWindow;
	type UnderwriterCooldown = UnderwriterCooldown;
	type MaxRate = MaxCoverRate;
	type MaxCoveredServices = MaxCoveredServices;
	type MaxCoversPerPool = MaxCoversPerPool;
	type MaxCoversPerTarget = MaxCoversPerTarget;
	type ReserveCoverage = ReserveCoverage;
	type WeightInfo = pallet_insurance::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = pallet_restaking::BenchmarkSetup<Runtime>;
}
