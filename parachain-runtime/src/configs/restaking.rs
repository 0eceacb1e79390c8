//! Restaking: delays, caps and bounds of `pallet-restaking`, `pallet-slashing`,
//! `pallet-insurance` and `pallet-liquid-restaking`, and `pallet-assets` for the vault tokens.
//!
//! The same values as the solochain's, in wall-clock time: delays are in blocks (6 s each
//! here) and short enough for a dev chain: an allocation takes effect in 30 s, a deallocation
//! in 2 min, an undelegation completes after 3 min. A slash request waits 30 s to 1.5 min (the
//! service's policy chooses), always less than the deallocation delay, and while it waits no
//! stake leaves the operator's pool. The base layer is `pallet-staking-async`, through
//! `adapters::StakingAsync`.

use frame_support::{
	parameter_types,
	traits::{AsEnsureOriginWithArg, ConstU128, ConstU32, EitherOfDiverse},
	PalletId,
};
use frame_system::{EnsureNever, EnsureRoot};
use pallet_collective::{EnsureProportionAtLeast, EnsureProportionMoreThan};
use restaking_primitives::risk::{FloorEnforcement, OvercollateralizationFloor};
use sp_runtime::{traits::ConvertInto, FixedU128, Perbill};

use super::AuditCommitteeInstance;

use super::super::{
	currency::{MILLI_UNIT, TOKEN_DECIMALS, UNIT},
	time::{DAYS, ERAS_PER_YEAR, HOURS, MINUTES},
	AccountId, Assets, Balance, Balances, BlockNumber, Insurance, Restaking, Runtime, RuntimeEvent,
	RuntimeFreezeReason, RuntimeHoldReason, Slashing, Staking,
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
	/// Yield estimates are over the last 28 eras: four weeks of daily eras.
	pub const YieldEras: u32 = 28;
	pub const ErasPerYear: u32 = ERAS_PER_YEAR;
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
	type BenchmarkHelper = pallet_restaking::adapters::StakingAsync<Runtime>;
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

parameter_types! {
	pub const LiquidPalletId: PalletId = PalletId(*b"rstk/lqd");
	pub const VaultDeposit: Balance = 10 * UNIT;
	pub const MinVaultDeposit: Balance = UNIT;
	/// A run on a vault releases at most a tenth of its value per era.
	pub const MaxRedeemPerEra: Perbill = Perbill::from_percent(10);
	pub const CurrencyDecimals: u8 = TOKEN_DECIMALS;
	/// Vault tokens have 18 decimals: a donation to a vault costs its donor a million times
	/// what rounding can take from the next depositor.
	pub const VaultDecimalsOffset: u8 = 6;
	/// Gains of a vault enter its rate over a day, an era: a deposit just before an era's
	/// rewards are paid out shares only what vests while it stays.
	pub const VaultRewardVesting: BlockNumber = DAYS;
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
