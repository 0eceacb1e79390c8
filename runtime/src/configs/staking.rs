//! Consensus support, staking, session and base-layer slashing.
//!
//! `pallet-staking` elects validators on chain at every era; `pallet-session` hands the winners'
//! keys to Aura and GRANDPA. Offences reach staking through `pallet-offences`, and
//! `pallet-root-offences` lets root create one. Nomination pools stake through
//! `pallet-delegated-staking`: members' funds stay in their accounts, held, as restaked funds do.

use frame_election_provider_support::{
	bounds::{ElectionBounds, ElectionBoundsBuilder},
	onchain, SequentialPhragmen,
};
use frame_support::{parameter_types, traits::Nothing, PalletId};
use frame_system::EnsureRoot;
use sp_core::U256;
use sp_runtime::{
	curve::PiecewiseLinear,
	traits::{Convert, OpaqueKeys},
	FixedU128, Perbill,
};
use sp_staking::{EraIndex, SessionIndex};

use super::super::{
	time::{BONDING_DURATION, SESSIONS_PER_ERA, SESSION_PERIOD, STAKING_SLASH_DEFER_DURATION},
	AccountId, Aura, Balance, Balances, BlockNumber, DelegatedStaking, NominationPools, Offences,
	Restaking, Runtime, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason, Session, SessionKeys,
	Staking, System, Timestamp,
};

parameter_types! {
	/// Most validators (and so Aura and GRANDPA authorities) the chain supports.
	pub const MaxAuthorities: u32 = 100;
	/// Most nominators one validator can be exposed to, and the GRANDPA equivocation bound.
	pub const MaxNominators: u32 = 512;
	pub const Period: BlockNumber = SESSION_PERIOD;
	pub const Offset: BlockNumber = 0;
	pub const SessionsPerEra: SessionIndex = SESSIONS_PER_ERA;
	pub const BondingDuration: EraIndex = BONDING_DURATION;
	pub const SlashDeferDuration: EraIndex = STAKING_SLASH_DEFER_DURATION;
	/// GRANDPA keeps set-id ↔ session mappings for as long as an offence can be reported.
	pub const MaxSetIdSessionEntries: u64 = (BONDING_DURATION * SESSIONS_PER_ERA) as u64;
	pub const HistoryDepth: u32 = 84;
	pub const MaxExposurePageSize: u32 = 64;
	pub const MaxUnlockingChunks: u32 = 32;
	pub const MaxControllersInDeprecationBatch: u32 = 100;
	pub const MaxElectingVoters: u32 = 10_000;
	pub ElectionBoundsOnChain: ElectionBounds =
		ElectionBoundsBuilder::default().voters_count(MaxElectingVoters::get().into()).build();
}

impl pallet_authorship::Config for Runtime {
	type FindAuthor = pallet_session::FindAccountFromAuthorIndex<Self, Aura>;
	// Staking gives the author era points, the base of validator rewards.
	type EventHandler = Staking;
}

impl pallet_session::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ValidatorId = AccountId;
	type ValidatorIdOf = sp_runtime::traits::ConvertInto;
	type ShouldEndSession = pallet_session::PeriodicSessions<Period, Offset>;
	type NextSessionRotation = pallet_session::PeriodicSessions<Period, Offset>;
	type SessionManager = pallet_session::historical::NoteHistoricalRoot<Self, Staking>;
	type SessionHandler = <SessionKeys as OpaqueKeys>::KeyTypeIdProviders;
	type Keys = SessionKeys;
	type DisablingStrategy = pallet_session::disabling::UpToLimitWithReEnablingDisablingStrategy;
	type WeightInfo = pallet_session::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type KeyDeposit = ();
}

impl pallet_session::historical::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type FullIdentification = ();
	type FullIdentificationOf = pallet_staking::UnitIdentificationOf<Self>;
}

// Yearly inflation paid to stakers: 2.5 % to 10 %, highest at 50 % of issuance staked.
pallet_staking_reward_curve::build! {
	const REWARD_CURVE: PiecewiseLinear<'static> = curve!(
		min_inflation: 0_025_000,
		max_inflation: 0_100_000,
		ideal_stake: 0_500_000,
		falloff: 0_050_000,
		max_piece_count: 40,
		test_precision: 0_005_000,
	);
}

parameter_types! {
	pub const RewardCurve: &'static PiecewiseLinear<'static> = &REWARD_CURVE;
}

/// Sequential Phragmén, run on chain at every era.
pub struct OnChainSeqPhragmen;
impl onchain::Config for OnChainSeqPhragmen {
	type System = Runtime;
	type Solver = SequentialPhragmen<AccountId, Perbill>;
	type DataProvider = Staking;
	type WeightInfo = frame_election_provider_support::weights::SubstrateWeight<Runtime>;
	type MaxWinnersPerPage = MaxAuthorities;
	type MaxBackersPerWinner = MaxNominators;
	type Bounds = ElectionBoundsOnChain;
	type Sort = frame_support::traits::ConstBool<true>;
}

/// Sizes `pallet-staking`'s benchmarks use.
pub struct StakingBenchmarkingConfig;
impl pallet_staking::BenchmarkingConfig for StakingBenchmarkingConfig {
	type MaxNominators = frame_support::traits::ConstU32<1000>;
	type MaxValidators = frame_support::traits::ConstU32<100>;
}

impl pallet_staking::Config for Runtime {
	type OldCurrency = Balances;
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type CurrencyBalance = Balance;
	type UnixTime = Timestamp;
	type CurrencyToVote = sp_staking::currency_to_vote::U128CurrencyToVote;
	type ElectionProvider = onchain::OnChainExecution<OnChainSeqPhragmen>;
	type GenesisElectionProvider = onchain::OnChainExecution<OnChainSeqPhragmen>;
	type NominationsQuota = pallet_staking::FixedNominationsQuota<16>;
	type HistoryDepth = HistoryDepth;
	// Slashed funds and reward remainders are burned.
	type RewardRemainder = ();
	type RuntimeEvent = RuntimeEvent;
	type Slash = ();
	type Reward = ();
	type SessionsPerEra = SessionsPerEra;
	type BondingDuration = BondingDuration;
	type SlashDeferDuration = SlashDeferDuration;
	type AdminOrigin = EnsureRoot<AccountId>;
	type SessionInterface = Self;
	type EraPayout = pallet_staking::ConvertCurve<RewardCurve>;
	type NextNewSession = Session;
	type MaxExposurePageSize = MaxExposurePageSize;
	type MaxValidatorSet = MaxAuthorities;
	type VoterList = pallet_staking::UseNominatorsAndValidatorsMap<Self>;
	type TargetList = pallet_staking::UseValidatorsMap<Self>;
	type MaxUnlockingChunks = MaxUnlockingChunks;
	type MaxControllersInDeprecationBatch = MaxControllersInDeprecationBatch;
	// Base-layer slashes reach restaking (restaked value and operator pools shrink with them)
	// and the nomination pools (pending slashes their members' funds answer for).
	type EventListeners = (Restaking, NominationPools, DelegatedStaking);
	type Filter = Nothing;
	type BenchmarkingConfig = StakingBenchmarkingConfig;
	type WeightInfo = pallet_staking::weights::SubstrateWeight<Runtime>;
}

impl pallet_offences::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type IdentificationTuple = pallet_session::historical::IdentificationTuple<Self>;
	type OnOffenceHandler = Staking;
}

impl pallet_root_offences::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type OffenceHandler = Staking;
	type ReportOffence = Offences;
}

parameter_types! {
	pub const DelegatedStakingPalletId: PalletId = PalletId(*b"py/dlstk");
	/// Share of a delegator slash paid to whoever applies it.
	pub const SlashRewardFraction: Perbill = Perbill::from_percent(1);
	pub const PoolsPalletId: PalletId = PalletId(*b"py/nopls");
	/// A pool is blocked from growing once its points exceed its balance ten times.
	pub const MaxPointsToBalance: u8 = 10;
	/// Unbonding sub-pools a pool keeps apart: the bonding duration plus four eras.
	pub const MaxUnbondingPools: u32 = BONDING_DURATION + 4;
	pub const MaxPoolMetadataLen: u32 = 256;
}

impl pallet_delegated_staking::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type PalletId = DelegatedStakingPalletId;
	type Currency = Balances;
	// Slashed delegated funds are burned, as base-layer slashes are.
	type OnSlash = ();
	type SlashRewardFraction = SlashRewardFraction;
	type RuntimeHoldReason = RuntimeHoldReason;
	type CoreStaking = Staking;
}

/// Balances into the 256-bit numbers of the pools' reward arithmetic.
pub struct BalanceToU256;
impl Convert<Balance, U256> for BalanceToU256 {
	fn convert(balance: Balance) -> U256 {
		U256::from(balance)
	}
}

/// Back from 256 bits, saturating (no pool holds more than the issuance).
pub struct U256ToBalance;
impl Convert<U256, Balance> for U256ToBalance {
	fn convert(n: U256) -> Balance {
		n.try_into().unwrap_or(Balance::MAX)
	}
}

impl pallet_nomination_pools::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = pallet_nomination_pools::weights::SubstrateWeight<Runtime>;
	type Currency = Balances;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type RewardCounter = FixedU128;
	type PalletId = PoolsPalletId;
	type MaxPointsToBalance = MaxPointsToBalance;
	type MaxUnbonding = MaxUnlockingChunks;
	type BalanceToU256 = BalanceToU256;
	type U256ToBalance = U256ToBalance;
	// Members keep their funds, held by `pallet-delegated-staking`; the pool account stakes them.
	type StakeAdapter =
		pallet_nomination_pools::adapter::DelegateStake<Self, Staking, DelegatedStaking>;
	type MaxUnbondingPools = MaxUnbondingPools;
	type MaxMetadataLen = MaxPoolMetadataLen;
	type AdminOrigin = EnsureRoot<AccountId>;
	type BlockNumberProvider = System;
	type Filter = Nothing;
}
