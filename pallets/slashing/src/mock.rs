//! Test runtime: real `pallet-balances`, `pallet-staking` and `pallet-restaking` under the
//! slashing pallet.

use crate::{self as pallet_slashing, *};
use frame_support::{
	assert_ok, derive_impl, ord_parameter_types, parameter_types,
	traits::{
		fungible::{Inspect, InspectHold},
		tokens::imbalance::ResolveTo,
		ConstU32, EitherOfDiverse,
	},
};
use frame_system::{EnsureRoot, EnsureSignedBy};
use restaking_primitives::{
	restaking::{ServiceId, SlashTier},
	slashing::{OnSlashExecuted, SlashId},
};
use sp_core::H256;
use sp_runtime::{BuildStorage, Perbill, Perquintill};
use sp_staking::StakerStatus;

pub type AccountId = u64;
pub type Balance = u128;

frame_support::construct_runtime!(
	pub enum Runtime {
		System: frame_system,
		Timestamp: pallet_timestamp,
		Balances: pallet_balances,
		Staking: restaking_test_support::staking,
		Restaking: pallet_restaking,
		Slashing: pallet_slashing,
	}
);

restaking_test_support::impl_base_layer! {
	runtime: Runtime,
	account: AccountId,
	balance: Balance,
	bonding_duration: ConstU32<3>,
	staking_listeners: Restaking,
}

pub use pallet_restaking::config_preludes::{
	ALLOCATION_DELAY, DEALLOCATION_DELAY, UNDELEGATION_DELAY,
};
pub use pallet_slashing::config_preludes::{
	DEFER, DISPUTE_BOND, MAX_VETO_WINDOW, REQUEST_DEPOSIT, SLASH_WINDOW,
};

parameter_types! {
	pub const SlashSink: AccountId = SLASH_SINK;
	pub static Executed: Vec<SlashId> = vec![];
}

ord_parameter_types! {
	pub const Committee: AccountId = COMMITTEE;
	pub const Auditor: AccountId = AUDITOR;
}

#[derive_impl(pallet_restaking::config_preludes::TestDefaultConfig)]
impl pallet_restaking::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type Staking = Staking;
	type StakingExtension = StakingAdapter;
	type OnSlashedFunds = ResolveTo<SlashSink, Balances>;
	type OnSecurityReduced = Slashing;
	type ExitGuard = Slashing;
	type ParametersOrigin = EnsureRoot<AccountId>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = StakingAdapter;
}

/// Records the ids of executed slashes, as the insurance pallet would see them.
pub struct RecordExecuted;
impl OnSlashExecuted<AccountId, Balance, u64> for RecordExecuted {
	fn on_slash_executed(
		record: &restaking_primitives::slashing::SlashRecord<AccountId, Balance, u64>,
	) {
		Executed::mutate(|ids| ids.push(record.id));
	}

	fn max_weight() -> frame_support::weights::Weight {
		frame_support::weights::Weight::zero()
	}
}

#[derive_impl(pallet_slashing::config_preludes::TestDefaultConfig)]
impl pallet_slashing::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Restaking = Restaking;
	type OnSlashExecuted = RecordExecuted;
	type OnForfeit = ResolveTo<SlashSink, Balances>;
	type CommitteeOrigin = EnsureSignedBy<Committee, AccountId>;
	type VetoOrigin = EitherOfDiverse<EnsureRoot<AccountId>, EnsureSignedBy<Auditor, AccountId>>;
	type PauseOrigin = EnsureRoot<AccountId>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = pallet_restaking::BenchmarkSetup<Self>;
}

/// Realized slash funds (and slashed dispute bonds) land here.
pub const SLASH_SINK: AccountId = 777;
/// Accounts of the test world.
pub const OWNER: AccountId = 1;
pub const SLASHER: AccountId = 3;
pub const COMMITTEE: AccountId = 4;
pub const AUDITOR: AccountId = 5;
pub const OPERATOR: AccountId = 10;
pub const OPERATOR_2: AccountId = 11;
/// Base-layer stakers bonded at genesis; STAKER and STAKER_2 delegate to OPERATOR.
pub const STAKER: AccountId = 100;
pub const STAKER_2: AccountId = 101;
/// A base-layer staker that is also an operator (OPERATOR_2 is not bonded).
pub const BONDED_OPERATOR: AccountId = 102;
pub const NOBODY: AccountId = 999;

pub const ENDOWMENT: Balance = 100_000;
pub const BOND: Balance = 10_000;
/// Service 0 (slasher SLASHER) and service 1 (slasher: the committee), both owned by OWNER.
pub const SERVICE: ServiceId = 0;
pub const COMMITTEE_SERVICE: ServiceId = 1;
pub const WINDOW: u64 = 5;

/// The policy of SERVICE: 5 / 10 / 20 %, at most 20 % per incident, a 5-block veto window.
pub fn policy() -> PolicyOf<Runtime> {
	SlashPolicy {
		slasher: Slasher::Account(SLASHER),
		minor: Perbill::from_percent(5),
		major: Perbill::from_percent(10),
		critical: Perbill::from_percent(20),
		max_per_incident: Perbill::from_percent(20),
		veto_window: WINDOW,
	}
}

/// OPERATOR (self-bond 1,000) allocates all of its stake to SERVICE; BONDED_OPERATOR
/// (self-bond 1,000) to COMMITTEE_SERVICE. STAKER delegates 3,000 and STAKER_2 1,000 to
/// OPERATOR.
pub struct ExtBuilder;

impl ExtBuilder {
	pub fn build() -> sp_io::TestExternalities {
		Executed::set(vec![]);
		let mut storage =
			frame_system::GenesisConfig::<Runtime>::default().build_storage().unwrap();
		let stakers = [STAKER, STAKER_2, BONDED_OPERATOR];
		let balances = [OWNER, SLASHER, COMMITTEE, AUDITOR, OPERATOR, OPERATOR_2, NOBODY, 50]
			.into_iter()
			.chain(stakers)
			.map(|who| (who, ENDOWMENT))
			.collect();
		pallet_balances::GenesisConfig::<Runtime> { balances, ..Default::default() }
			.assimilate_storage(&mut storage)
			.unwrap();
		staking_genesis(
			stakers
				.iter()
				.map(|who| (*who, BOND, StakerStatus::<AccountId>::Idle))
				.chain(core::iter::once((50, BOND, StakerStatus::Validator)))
				.collect(),
			1,
		)
		.assimilate_storage(&mut storage)
		.unwrap();
		pallet_restaking::GenesisConfig::<Runtime> {
			services: vec![
				(OWNER, b"oracle".to_vec(), 100, 4, false, 0),
				(OWNER, b"bridge".to_vec(), 100, 4, false, 0),
			],
			operators: vec![
				(OPERATOR, 1_000, Perbill::from_percent(10), b"op".to_vec()),
				(BONDED_OPERATOR, 1_000, Perbill::from_percent(10), b"op2".to_vec()),
			],
			allocations: vec![
				(OPERATOR, SERVICE, Perquintill::one()),
				(BONDED_OPERATOR, COMMITTEE_SERVICE, Perquintill::one()),
			],
			delegations: vec![(STAKER, OPERATOR, 3_000), (STAKER_2, OPERATOR, 1_000)],
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let p = policy();
		pallet_slashing::GenesisConfig::<Runtime> {
			policies: vec![
				(SERVICE, Some(SLASHER), p.minor, p.major, p.critical, p.max_per_incident, WINDOW),
				(COMMITTEE_SERVICE, None, p.minor, p.major, p.critical, p.max_per_incident, WINDOW),
			],
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| {
			start_first_block();
			set_era(0);
		});
		ext
	}

	/// Run `test`, then check every invariant of both pallets.
	pub fn build_and_execute(test: impl FnOnce()) {
		Self::build().execute_with(|| {
			test();
			Restaking::do_try_state(u8::MAX).expect("restaking try_state holds after the test");
			Slashing::do_try_state(u8::MAX).expect("slashing try_state holds after the test");
		});
	}
}

/// The pallet's events deposited since the last call (given / when / then).
pub fn events_since_last_call() -> Vec<Event<Runtime>> {
	new_events_of()
}

pub fn events() -> Vec<Event<Runtime>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Slashing(e) => Some(e),
			_ => None,
		})
		.collect()
}

pub fn restaking_events() -> Vec<pallet_restaking::Event<Runtime>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Restaking(e) => Some(e),
			_ => None,
		})
		.collect()
}

pub fn last_event() -> Event<Runtime> {
	events().pop().expect("an event")
}

pub fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

pub fn evidence(n: u8) -> H256 {
	H256::repeat_byte(n)
}

/// Request a slash of OPERATOR for SERVICE by SLASHER; returns its id.
pub fn request(tier: SlashTier, n: u8) -> SlashId {
	let id = NextSlashId::<Runtime>::get();
	assert_ok!(Slashing::request_slash(signed(SLASHER), SERVICE, OPERATOR, tier, evidence(n)));
	id
}

pub fn self_bond(who: AccountId) -> Balance {
	Balances::balance_on_hold(&pallet_restaking::HoldReason::SelfBond.into(), &who)
}

pub fn dispute_bond(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::DisputeBond.into(), &who)
}

pub fn request_deposit(who: AccountId) -> Balance {
	Balances::balance_on_hold(&HoldReason::RequestDeposit.into(), &who)
}

pub fn sink() -> Balance {
	Balances::balance(&SLASH_SINK)
}

/// Base-layer slash of `stash` by `amount`, the way the staking pallet applies one.
pub fn base_slash(stash: AccountId, amount: Balance) {
	drop(slash_bond(stash, amount, 0));
}
