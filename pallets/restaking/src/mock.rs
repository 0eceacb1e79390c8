//! Test runtime: real `pallet-balances` and `pallet-staking` under the restaking pallet.

use crate::{self as pallet_restaking, *};
use frame_support::{
	assert_ok, derive_impl, parameter_types,
	traits::{fungible::Inspect, tokens::imbalance::ResolveTo},
};
use restaking_primitives::risk::{FloorEnforcement, OvercollateralizationFloor, SlashCeiling};
pub use restaking_test_support::staking;
use sp_runtime::{BuildStorage, FixedU128, Perbill, Perquintill};
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
	}
);

parameter_types! {
	pub static BondingDuration: u32 = 3;
}

restaking_test_support::impl_base_layer! {
	runtime: Runtime,
	account: AccountId,
	balance: Balance,
	bonding_duration: BondingDuration,
	staking_listeners: Restaking,
}

parameter_types! {
	pub static MaxLeverage: u32 = 1;
	pub static DefaultParams: Parameters = config_preludes::OpenParameters::get();
	pub static SecurityDrops: Vec<(AccountId, ServiceId, Balance, Balance)> = vec![];
	pub static FrozenExits: Vec<AccountId> = vec![];
	pub static FrozenAllocations: Vec<(AccountId, ServiceId, u64)> = vec![];
	pub const SlashSink: AccountId = SLASH_SINK;
	/// `f_s` of every service.
	pub static MaxSlashFraction: Perbill = Perbill::one();
	pub static Floor: Option<OvercollateralizationFloor> = Some(REPORT_AT_ZERO);
}

/// The mock's floor: corrupting a service alone must not pay; crossing it is reported.
pub const REPORT_AT_ZERO: OvercollateralizationFloor = OvercollateralizationFloor {
	gamma: FixedU128::from_inner(0),
	enforcement: FloorEnforcement::Report,
};

/// Every service's slashes take at most [`MaxSlashFraction`].
pub struct Ceiling;
impl SlashCeiling for Ceiling {
	fn max_slash(_: ServiceId) -> Perbill {
		MaxSlashFraction::get()
	}
}

/// Realized slash funds land in this account, so that tests can count them and a failed call
/// rolls them back with the rest of its storage changes.
pub const SLASH_SINK: AccountId = 777;

/// Everything the restaking pallet has slashed so far.
pub fn slashed_funds() -> Balance {
	Balances::balance(&SLASH_SINK)
}

/// Records every reported security drop.
pub struct RecordDrops;
impl restaking_primitives::restaking::OnSecurityReduced<AccountId, Balance> for RecordDrops {
	fn on_security_reduced(
		operator: &AccountId,
		service: ServiceId,
		before: Balance,
		after: Balance,
	) {
		SecurityDrops::mutate(|drops| drops.push((*operator, service, before, after)));
	}
}

/// Freezes exits of the operators listed in `FrozenExits` (a pending slash, in the runtime).
pub struct FreezeListed;
impl restaking_primitives::restaking::ExitGuard<AccountId, u64> for FreezeListed {
	fn exits_frozen(operator: &AccountId) -> bool {
		FrozenExits::get().contains(operator)
	}

	fn allocation_frozen_since(operator: &AccountId, service: ServiceId) -> Option<u64> {
		FrozenAllocations::get()
			.into_iter()
			.find(|(o, s, _)| o == operator && *s == service)
			.map(|(_, _, since)| since)
	}

	fn waiting_requests(operator: &AccountId, service: ServiceId) -> Option<(u64, u64)> {
		Self::allocation_frozen_since(operator, service).map(|since| (since, since))
	}
}

pub use pallet_restaking::config_preludes::{
	ALLOCATION_DELAY, COMMISSION_DELAY, DEALLOCATION_DELAY, MIN_DELEGATION, MIN_SELF_BOND,
	OPERATOR_DEPOSIT, SERVICE_DEPOSIT, UNDELEGATION_DELAY,
};

#[derive_impl(pallet_restaking::config_preludes::TestDefaultConfig)]
impl pallet_restaking::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type Staking = Staking;
	type StakingExtension = StakingAdapter;
	type OnSlashedFunds = ResolveTo<SlashSink, Balances>;
	type OnSecurityReduced = RecordDrops;
	type ExitGuard = FreezeListed;
	type ParametersOrigin = frame_system::EnsureRoot<AccountId>;
	type MaxLeverage = MaxLeverage;
	type DefaultParameters = DefaultParams;
	type SlashCeiling = Ceiling;
	type MinOvercollateralization = Floor;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = StakingAdapter;
}

/// Accounts of the test world.
pub const OWNER: AccountId = 1;
pub const OWNER_2: AccountId = 2;
pub const OPERATOR: AccountId = 10;
pub const OPERATOR_2: AccountId = 11;
pub const OPERATOR_3: AccountId = 12;
/// Base-layer stakers (bonded at genesis), 100..100 + STAKERS.
pub const STAKER: AccountId = 100;
pub const STAKER_2: AccountId = 101;
pub const STAKER_3: AccountId = 102;
pub const STAKERS: u64 = 10;
/// Not bonded on the base layer.
pub const NOBODY: AccountId = 999;

pub const ENDOWMENT: Balance = 100_000;
pub const BOND: Balance = 10_000;

pub struct ExtBuilder {
	leverage: u32,
	params: Parameters,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self { leverage: 1, params: DefaultParams::get() }
	}
}

impl ExtBuilder {
	pub fn leverage(mut self, leverage: u32) -> Self {
		self.leverage = leverage;
		self
	}

	pub fn params(mut self, params: Parameters) -> Self {
		self.params = params;
		self
	}

	pub fn build(self) -> sp_io::TestExternalities {
		MaxLeverage::set(self.leverage);
		DefaultParams::set(self.params);
		SecurityDrops::set(vec![]);
		MaxSlashFraction::set(Perbill::one());
		Floor::set(Some(REPORT_AT_ZERO));
		let mut storage =
			frame_system::GenesisConfig::<Runtime>::default().build_storage().unwrap();
		let stakers: Vec<AccountId> = (STAKER..STAKER + STAKERS).collect();
		let mut balances: Vec<(AccountId, Balance)> =
			[OWNER, OWNER_2, OPERATOR, OPERATOR_2, OPERATOR_3, NOBODY]
				.into_iter()
				.chain(stakers.iter().copied())
				.map(|who| (who, ENDOWMENT))
				.collect();
		balances.push((50, ENDOWMENT));
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
		pallet_restaking::GenesisConfig::<Runtime>::default()
			.assimilate_storage(&mut storage)
			.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| {
			start_first_block();
			set_era(0);
		});
		ext
	}

	/// Run `test`, then check every invariant of the pallet.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			Restaking::do_try_state(u8::MAX).expect("try_state holds after the test");
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

pub fn free(who: AccountId) -> Balance {
	Balances::balance(&who)
}

pub fn frozen(who: AccountId) -> Balance {
	use frame_support::traits::fungible::InspectFreeze;
	Balances::balance_frozen(&FreezeReason::Restaked.into(), &who)
}

/// A service owned by `owner` with no approval and room for four operators; returns its id.
pub fn service(owner: AccountId) -> ServiceId {
	let id = NextServiceId::<Runtime>::get();
	assert_ok!(Restaking::register_service(signed(owner), b"svc".to_vec(), 100, 4, false, None));
	id
}

/// Register `who` as an operator with `self_bond` and 10 % commission.
pub fn operator(who: AccountId, self_bond: Balance) {
	assert_ok!(Restaking::register_operator(
		signed(who),
		self_bond,
		Perbill::from_percent(10),
		b"op".to_vec()
	));
}

/// Opt `who` in to `service` and allocate `percent` %, effective after the delay.
pub fn allocate(who: AccountId, service: ServiceId, percent: u64) {
	if !Memberships::<Runtime>::contains_key(who, service) {
		assert_ok!(Restaking::opt_in(signed(who), service));
	}
	assert_ok!(Restaking::allocate(signed(who), service, Perquintill::from_percent(percent)));
	run_to_block(System::block_number() + ALLOCATION_DELAY);
}

/// Slash `fraction` of what `service` can slash of `operator` now, as a request made now and
/// executed at once would.
pub fn slash_now(
	operator: &AccountId,
	service: ServiceId,
	fraction: Perbill,
	tier: restaking_primitives::restaking::SlashTier,
) -> Result<restaking_primitives::restaking::SlashOutcome<Balance>, sp_runtime::DispatchError> {
	use restaking_primitives::restaking::RestakingInterface;
	let at_request = Restaking::slashable_stake(operator, service).unwrap_or_default();
	Restaking::slash(operator, service, fraction, tier, at_request)
}

/// Base-layer slash of `stash` by `amount`, the way the staking pallet applies one.
pub fn base_slash(stash: AccountId, amount: Balance) {
	drop(slash_bond(stash, amount, 0));
}
