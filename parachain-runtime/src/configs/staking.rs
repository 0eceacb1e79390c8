//! Staking on a parachain: `pallet-staking-async` and `pallet-staking-async-rc-client`.
//!
//! The relay chain tells this chain when its sessions end (with the validators' era points)
//! and which validators offended; `StakingRcClient` takes both from root (the relay chain's
//! `Superuser` by XCM, or sudo on a dev chain) and hands them to `Staking`. `Staking` plans an
//! era a session before it starts, elects on chain, and `StakingRcClient` sends the elected set
//! to the relay chain by XCM. Base-layer slashes reach restaking through
//! `OnStakingUpdate::on_slash`, as on the solochain.
//!
//! Rewards are minted per era by a curve, as the solochain's `pallet-staking` pays them
//! (`DisableMinting = false`); a chain that funds rewards from a pot instead (Asset Hub's
//! `pallet-dap`) changes only this file.

use alloc::vec::Vec;
use codec::Encode;
use frame_election_provider_support::{
	bounds::{ElectionBounds, ElectionBoundsBuilder},
	onchain, BoundedSupportsOf, ElectionProvider, PageIndex, SequentialPhragmen,
};
use frame_support::{
	parameter_types,
	traits::{ConstBool, ConstU128, ConstU32, ConstU64},
	weights::Weight,
	PalletId,
};
use frame_system::EnsureRoot;
use pallet_staking_async_rc_client as rc_client;
use sp_runtime::{curve::PiecewiseLinear, Perbill};
use sp_staking::{EraIndex, SessionIndex};
use xcm::latest::Xcm;

use super::super::{
	time::{BONDING_DURATION, SESSIONS_PER_ERA, STAKING_SLASH_DEFER_DURATION},
	AccountId, Balance, Balances, BlockNumber, Restaking, Runtime, RuntimeCall, RuntimeEvent,
	RuntimeHoldReason, Staking, StakingRcClient, VoterList,
};
use super::xcm_config::{RelayLocation, XcmConfig, XcmRouter};

parameter_types! {
	/// Most validators the relay chain takes from this chain.
	pub const MaxValidatorSet: u32 = 100;
	/// Most nominators one validator can be exposed to in an election.
	pub const MaxBackersPerWinner: u32 = 512;
	pub const SessionsPerEra: SessionIndex = SESSIONS_PER_ERA;
	pub const BondingDuration: EraIndex = BONDING_DURATION;
	pub const SlashDeferDuration: EraIndex = STAKING_SLASH_DEFER_DURATION;
	/// Voters an election reads: the stakiest, from the bags list. Bounded so that the
	/// election's block stays well inside the relay chain's proof-of-validity limit (some two
	/// kilobytes of proof a voter: 4 of the 10 MiB).
	pub const MaxElectingVoters: u32 = 2_000;
	/// Validator candidates an election reads.
	pub const MaxElectableTargets: u32 = 1_000;
	pub ElectionBoundsOnChain: ElectionBounds = ElectionBoundsBuilder::default()
		.voters_count(MaxElectingVoters::get().into())
		.targets_count(MaxElectableTargets::get().into())
		.build();
	/// Never used while rewards are minted; named so that switching to pots needs no new id.
	pub const StakingPotsPalletId: PalletId = PalletId(*b"py/stkng");
}

// Yearly inflation paid to stakers: 2.5 % to 10 %, highest at 50 % of issuance staked (the
// solochain's curve).
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

/// An era's payout by `REWARD_CURVE`, in proportion to the era's share of a year: to the
/// stakers what the curve gives at the era's staked share; the rest of the curve's maximum to
/// the remainder (burned).
pub struct CurvePayout;
impl sp_staking::EraPayout<Balance> for CurvePayout {
	fn era_payout(
		total_staked: Balance,
		total_issuance: Balance,
		era_duration_millis: u64,
	) -> (Balance, Balance) {
		const MILLI_SECS_PER_YEAR: u64 = 1_000 * 3_600 * 24 * 36_525 / 100;
		let portion = Perbill::from_rational(era_duration_millis, MILLI_SECS_PER_YEAR);
		let payout = portion
			* REWARD_CURVE.calculate_for_fraction_times_denominator(total_staked, total_issuance);
		let maximum = portion * (REWARD_CURVE.maximum * total_issuance);
		(payout, maximum.saturating_sub(payout))
	}
}

/// Sequential Phragmén over every voter, on chain.
pub struct OnChainSeqPhragmen;
impl onchain::Config for OnChainSeqPhragmen {
	type System = Runtime;
	type Solver = SequentialPhragmen<AccountId, Perbill>;
	type DataProvider = Staking;
	type WeightInfo = frame_election_provider_support::weights::SubstrateWeight<Runtime>;
	type MaxWinnersPerPage = MaxValidatorSet;
	type MaxBackersPerWinner = MaxBackersPerWinner;
	type Bounds = ElectionBoundsOnChain;
	type Sort = ConstBool<true>;
}

/// Whether `Staking` asked for an election that has not been taken yet.
#[frame_support::storage_alias]
pub type ElectionRequested =
	StorageValue<OnChainElection, (), frame_support::pallet_prelude::OptionQuery>;

/// [`OnChainSeqPhragmen`] as the election `pallet-staking-async` polls: it answers "ready" only
/// between the era's planning (`start`) and the result's collection (`elect`). (The plain
/// on-chain provider always answers ready, and staking would elect in every block.) A chain
/// with many nominators replaces it with `pallet-election-provider-multi-block`, as Asset Hub
/// does.
pub struct OnChainElection;
impl ElectionProvider for OnChainElection {
	type AccountId = AccountId;
	type BlockNumber = BlockNumber;
	type Error = onchain::Error;
	type MaxWinnersPerPage = MaxValidatorSet;
	type MaxBackersPerWinner = MaxBackersPerWinner;
	type MaxBackersPerWinnerFinal = MaxBackersPerWinner;
	type Pages = ConstU32<1>;
	type DataProvider = Staking;

	fn elect(page: PageIndex) -> Result<BoundedSupportsOf<Self>, Self::Error> {
		ElectionRequested::kill();
		onchain::OnChainExecution::<OnChainSeqPhragmen>::elect(page)
	}

	fn start() -> Result<(), Self::Error> {
		ElectionRequested::put(());
		Ok(())
	}

	fn duration() -> BlockNumber {
		0
	}

	fn status() -> Result<Option<Weight>, ()> {
		if ElectionRequested::exists() {
			Ok(Some(Weight::zero()))
		} else {
			Err(())
		}
	}
}

impl pallet_staking_async::Config for Runtime {
	type Filter = ();
	type OldCurrency = Balances;
	type Currency = Balances;
	type CurrencyBalance = Balance;
	type RuntimeHoldReason = RuntimeHoldReason;
	type CurrencyToVote = sp_staking::currency_to_vote::SaturatingCurrencyToVote;
	// Slashed funds and reward remainders are burned.
	type RewardRemainder = ();
	type Slash = ();
	type Reward = ();
	type SessionsPerEra = SessionsPerEra;
	// Plan the next era one session before it starts.
	type PlanningEraOffset = ConstU32<1>;
	type BondingDuration = BondingDuration;
	type NominatorFastUnbondDuration = BondingDuration;
	type SlashDeferDuration = SlashDeferDuration;
	type AdminOrigin = EnsureRoot<AccountId>;
	type EraPayout = CurvePayout;
	type DisableMinting = ConstBool<false>;
	type UnclaimedRewardHandler = ();
	type RewardPots = pallet_staking_async::Seed<StakingPotsPalletId>;
	type StakerRewardCalculator = pallet_staking_async::reward::DefaultStakerRewardCalculator<Self>;
	type MaxExposurePageSize = ConstU32<64>;
	type MaxValidatorSet = MaxValidatorSet;
	type ElectionProvider = OnChainElection;
	// Sorted by stake: an election reads the stakiest voters first, so a crowd of small bonds
	// cannot push honest nominators (restakers among them) out of the snapshot.
	type VoterList = VoterList;
	type TargetList = pallet_staking_async::UseValidatorsMap<Self>;
	type NominationsQuota = pallet_staking_async::FixedNominationsQuota<16>;
	type MaxUnlockingChunks = ConstU32<32>;
	type HistoryDepth = ConstU32<84>;
	type MaxControllersInDeprecationBatch = ConstU32<100>;
	// Base-layer slashes reach restaking: restaked value and operator pools shrink with them.
	type EventListeners = Restaking;
	/// Longest era the payout counts: a stalled relay chain does not mint a year at once.
	type MaxEraDuration = ConstU64<{ 7 * 24 * 3_600 * 1_000 }>;
	type MaxPruningItems = ConstU32<100>;
	type RcClientInterface = StakingRcClient;
	type WeightInfo = pallet_staking_async::weights::SubstrateWeight<Runtime>;
	type IsValidatorInactive = ();
}

/// The bags of the voter list: 1, 2 and 5 times each power of ten from 1 to 5 million UNIT, in
/// vote weight (planck, saturated to 64 bits).
const VOTER_BAGS: [u64; 21] = {
	let mut bags = [0u64; 21];
	let mut power = 1_000_000_000_000u64;
	let mut i = 0;
	while i < 7 {
		bags[3 * i] = power;
		bags[3 * i + 1] = 2 * power;
		bags[3 * i + 2] = 5 * power;
		power *= 10;
		i += 1;
	}
	bags
};

parameter_types! {
	pub const VoterBagThresholds: &'static [u64] = &VOTER_BAGS;
}

impl pallet_bags_list::Config<pallet_bags_list::Instance1> for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type ScoreProvider = Staking;
	type BagThresholds = VoterBagThresholds;
	type MaxAutoRebagPerBlock = ConstU32<5>;
	type Score = frame_election_provider_support::VoteWeight;
	type WeightInfo = pallet_bags_list::weights::SubstrateWeight<Runtime>;
}

sp_runtime::impl_opaque_keys! {
	/// The session keys a validator registers on the relay chain through this chain
	/// (`StakingRcClient::set_keys`): a Westend-shaped relay chain's.
	pub struct RelayChainSessionKeys {
		pub grandpa: sp_consensus_grandpa::AuthorityId,
		pub babe: sp_consensus_aura::sr25519::AuthorityId,
	}
}

impl rc_client::Config for Runtime {
	type RelayChainOrigin = EnsureRoot<AccountId>;
	type AHStakingInterface = Staking;
	type SendToRelayChain = ToRelayChain;
	type MaxValidatorSetRetries = ConstU32<64>;
	// Send the new validator set as soon as staking has it.
	type ValidatorSetExportSession = ConstU32<0>;
	type RelayChainSessionKeys = RelayChainSessionKeys;
	type Currency = Balances;
	type KeyDeposit = ConstU128<0>;
	type WeightInfo = ();
}

/// The relay chain's staking client (`pallet-staking-async-ah-client`): its pallet index in a
/// Westend-shaped relay chain, and the calls this chain makes.
#[derive(Encode)]
enum RelayChainCall {
	#[codec(index = 67)]
	AhClient(AhClientCall),
}

#[derive(Encode)]
enum AhClientCall {
	#[codec(index = 0)]
	ValidatorSet(rc_client::ValidatorSetReport<AccountId>),
	#[codec(index = 3)]
	SetKeys { stash: AccountId, keys: Vec<u8> },
	#[codec(index = 4)]
	PurgeKeys { stash: AccountId },
}

/// A validator set as the relay chain's staking client takes it.
pub struct ValidatorSetToXcm;
impl sp_runtime::traits::Convert<rc_client::ValidatorSetReport<AccountId>, Xcm<()>>
	for ValidatorSetToXcm
{
	fn convert(report: rc_client::ValidatorSetReport<AccountId>) -> Xcm<()> {
		rc_client::build_transact_xcm(
			RelayChainCall::AhClient(AhClientCall::ValidatorSet(report)).encode(),
		)
	}
}

/// A session-key change as the relay chain's staking client takes it.
pub struct KeysToXcm;
impl sp_runtime::traits::Convert<rc_client::KeysMessage<AccountId>, Xcm<()>> for KeysToXcm {
	fn convert(message: rc_client::KeysMessage<AccountId>) -> Xcm<()> {
		let call = match message {
			rc_client::KeysMessage::SetKeys { stash, keys } => {
				AhClientCall::SetKeys { stash, keys }
			},
			rc_client::KeysMessage::PurgeKeys { stash } => AhClientCall::PurgeKeys { stash },
		};
		rc_client::build_transact_xcm(RelayChainCall::AhClient(call).encode())
	}
}

parameter_types! {
	/// What a session-key change is charged for its execution on the relay chain, in weight:
	/// generous, so that a cheaper relay chain is never undercharged.
	pub RemoteKeysExecutionWeight: Weight = Weight::from_parts(200_000_000, 20_000);
}

/// Validator sets and session keys go to the relay chain by UMP. A validator set is the
/// chain's own message and goes free; a key change is a signed account's, which pays its
/// delivery (`PriceForParentDelivery`) and its execution on the relay chain, as on Asset Hub.
pub struct ToRelayChain;
impl rc_client::SendToRelayChain for ToRelayChain {
	type AccountId = AccountId;
	type Balance = Balance;

	fn validator_set(report: rc_client::ValidatorSetReport<AccountId>) -> Result<(), ()> {
		rc_client::XCMSender::<
			XcmRouter,
			RelayLocation,
			rc_client::ValidatorSetReport<AccountId>,
			ValidatorSetToXcm,
		>::send(report)
	}

	fn set_keys(
		stash: AccountId,
		keys: Vec<u8>,
		max_fee: Option<Balance>,
	) -> Result<Balance, rc_client::SendKeysError<Balance>> {
		Self::send_keys(rc_client::KeysMessage::set_keys(stash.clone(), keys), stash, max_fee)
	}

	fn purge_keys(
		stash: AccountId,
		max_fee: Option<Balance>,
	) -> Result<Balance, rc_client::SendKeysError<Balance>> {
		Self::send_keys(rc_client::KeysMessage::purge_keys(stash.clone()), stash, max_fee)
	}
}

impl ToRelayChain {
	fn send_keys(
		message: rc_client::KeysMessage<AccountId>,
		payer: AccountId,
		max_fee: Option<Balance>,
	) -> Result<Balance, rc_client::SendKeysError<Balance>> {
		let execution = <frame_support::weights::IdentityFee<Balance> as
			frame_support::weights::WeightToFee>::weight_to_fee(&RemoteKeysExecutionWeight::get());
		rc_client::XCMSender::<XcmRouter, RelayLocation, rc_client::KeysMessage<AccountId>, KeysToXcm>::send_with_fees::<
			xcm_executor::XcmExecutor<XcmConfig>,
			RuntimeCall,
			AccountId,
			rc_client::AccountId32ToLocation,
			Balance,
		>(message, payer, max_fee, execution)
	}
}
