//! Test runtime: real `pallet-balances`, `pallet-staking`, `pallet-restaking`,
//! `pallet-slashing` and `pallet-assets` under the liquid restaking pallet.

use crate::{self as pallet_liquid_restaking, *};
use frame_support::{
	assert_ok, derive_impl, parameter_types,
	traits::{
		fungible::{Inspect, Mutate},
		fungibles::Inspect as AssetsInspect,
		tokens::imbalance::ResolveTo,
		AsEnsureOriginWithArg, ConstU128, ConstU32, ConstU64, ConstU8, OnUnbalanced,
	},
	PalletId,
};
use frame_system::{EnsureNever, EnsureRoot, EnsureSignedBy};
use pallet_restaking::Parameters;
use restaking_primitives::{
	liquid::VaultId,
	restaking::{ServiceId, SlashTier},
	slashing::SlashId,
};
pub use restaking_test_support::staking;
use sp_core::H256;
use sp_runtime::{traits::Convert, BuildStorage, Perbill, Perquintill};
use sp_staking::StakerStatus;

/// Wide enough for the vaults' sub-accounts to differ.
pub type AccountId = u128;
pub type Balance = u128;

frame_support::construct_runtime!(
	pub enum Runtime {
		System: frame_system,
		Timestamp: pallet_timestamp,
		Balances: pallet_balances,
		Staking: restaking_test_support::staking,
		Restaking: pallet_restaking,
		Slashing: pallet_slashing,
		Assets: pallet_assets,
		Liquid: pallet_liquid_restaking,
	}
);

pub use pallet_restaking::config_preludes::UNDELEGATION_DELAY;
pub const BONDING_DURATION: u32 = 3;

restaking_test_support::impl_base_layer! {
	runtime: Runtime,
	account: AccountId,
	balance: Balance,
	bonding_duration: ConstU32<BONDING_DURATION>,
	staking_listeners: Restaking,
}

pub const WINDOW: u64 = 5;

parameter_types! {
	/// Vault tokens' decimals beyond the currency's. Zero keeps the unit tests' arithmetic
	/// plain (one token per unit); `build_with_offset` sets another for the tests of the
	/// offset itself, and the property tests draw it.
	pub static DecimalsOffset: u8 = 0;
	/// Blocks a vault's gains take to enter its rate. Zero (gains count at once) keeps the
	/// unit tests' arithmetic plain; the tests of vesting set it, and the property tests draw
	/// it.
	pub static RewardVesting: u64 = 0;
	pub const TestParameters: Parameters = Parameters {
		max_restake_ratio: Perbill::from_percent(80),
		max_operator_share: Perbill::from_percent(100),
		max_service_operator_share: Perbill::from_percent(100),
		max_outflow_per_era: Perbill::from_percent(100),
		concentration_threshold: Perbill::from_percent(100),
		concentration_floor: Perbill::from_percent(50),
	};
	pub const SlashSink: AccountId = SLASH_SINK;
	pub const LiquidPalletId: PalletId = PalletId(*b"py/lqdrs");
	pub const MaxRedeemPerEra: Perbill = Perbill::from_percent(10);
}

frame_support::ord_parameter_types! {
	pub const Committee: AccountId = 4;
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
	type MinDelegation = ConstU128<MIN_RESTAKE>;
	type MaxWithdrawals = ConstU32<4>;
	type DefaultParameters = TestParameters;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = StakingAdapter;
}

#[derive_impl(pallet_slashing::config_preludes::TestDefaultConfig)]
impl pallet_slashing::Config for Runtime {
	type Currency = Balances;
	type RuntimeHoldReason = RuntimeHoldReason;
	type Restaking = Restaking;
	type OnSlashExecuted = ();
	type OnForfeit = ResolveTo<SlashSink, Balances>;
	type CommitteeOrigin = EnsureSignedBy<Committee, AccountId>;
	type VetoOrigin = EnsureRoot<AccountId>;
	type PauseOrigin = EnsureRoot<AccountId>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = pallet_restaking::BenchmarkSetup<Self>;
}

#[derive_impl(pallet_assets::config_preludes::TestDefaultConfig)]
impl pallet_assets::Config for Runtime {
	type Balance = Balance;
	type AssetId = u32;
	type AssetIdParameter = u32;
	type Currency = Balances;
	// Only the liquid pallet creates assets: nobody can take a vault's asset id first.
	type CreateOrigin = AsEnsureOriginWithArg<EnsureNever<AccountId>>;
	type ForceOrigin = EnsureRoot<AccountId>;
	type Freezer = ();
	type Holder = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = ();
}

/// Vault `n`'s token is asset `1_000 + n`.
pub struct VaultAsset;
impl Convert<VaultId, u32> for VaultAsset {
	fn convert(id: VaultId) -> u32 {
		ASSET_OFFSET + id
	}
}

pub const ASSET_OFFSET: u32 = 1_000;
pub const VAULT_DEPOSIT: Balance = 100;
/// What the assets pallet reserves for a vault token's metadata (1 + 1 per byte of name and
/// symbol).
pub const METADATA_DEPOSIT: Balance = 1 + 24 + 4;
/// What stays in a vault's account as its reserve.
pub const RESERVE: Balance = VAULT_DEPOSIT - METADATA_DEPOSIT;
pub const MIN_DEPOSIT: Balance = 10;
pub const MIN_RESTAKE: Balance = 10;

impl pallet_liquid_restaking::Config for Runtime {
	type Currency = Balances;
	type Balance = Balance;
	type Staking = Staking;
	type Restaking = Restaking;
	type Assets = Assets;
	type VaultAsset = VaultAsset;
	type CreateOrigin = EnsureRoot<AccountId>;
	type PauseOrigin = EnsureRoot<AccountId>;
	type PalletId = LiquidPalletId;
	type VaultDeposit = ConstU128<VAULT_DEPOSIT>;
	type MinDeposit = ConstU128<MIN_DEPOSIT>;
	type MinRestake = ConstU128<MIN_RESTAKE>;
	type MaxRedeemPerEra = MaxRedeemPerEra;
	type UndelegationDelay = ConstU64<UNDELEGATION_DELAY>;
	type MaxRedemptions = ConstU32<8>;
	type MaxReleaseBatch = ConstU32<4>;
	type MaxSlashingSpans = ConstU32<16>;
	type CurrencyDecimals = ConstU8<12>;
	type DecimalsOffset = DecimalsOffset;
	type RewardVesting = RewardVesting;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = pallet_restaking::BenchmarkSetup<Self>;
}

/// Realized slash funds land here.
pub const SLASH_SINK: AccountId = 777;
pub const OWNER: AccountId = 1;
pub const SLASHER: AccountId = 3;
/// A validator (bonded at genesis) that is also a restaking operator.
pub const OPERATOR: AccountId = 10;
/// An operator that is not a validator.
pub const OPERATOR_2: AccountId = 11;
/// Holders with free balance only.
pub const ALICE: AccountId = 100;
pub const BOB: AccountId = 101;
pub const CHARLIE: AccountId = 102;
pub const NOBODY: AccountId = 999;

pub const ENDOWMENT: Balance = 1_000_000;
pub const VALIDATOR_BOND: Balance = 10_000;
pub const SERVICE: ServiceId = 0;
/// OPERATOR's vault, created at the start of every test.
pub const VAULT: VaultId = 0;

pub struct ExtBuilder;

impl ExtBuilder {
	/// OPERATOR (validator, self-bond 1,000) allocates all of its stake to SERVICE (slashed by
	/// SLASHER, 5 / 10 / 20 %); OPERATOR_2 (self-bond 1,000) has no allocation. VAULT is
	/// OPERATOR's vault, created at genesis, empty; its tokens are `offset` decimals finer than
	/// the currency.
	pub fn build_with_offset(offset: u8) -> sp_io::TestExternalities {
		Self::build_with_vaults(
			offset,
			pallet_liquid_restaking::GenesisConfig { vaults: vec![OPERATOR], deposits: vec![] },
		)
	}

	/// The accounts, staking, restaking and slashing of [`Self::build_with_offset`], with the
	/// vaults and deposits of `liquid` at genesis.
	pub fn build_with_vaults(
		offset: u8,
		liquid: pallet_liquid_restaking::GenesisConfig<Runtime>,
	) -> sp_io::TestExternalities {
		DecimalsOffset::set(offset);
		RewardVesting::set(0);
		let mut storage =
			frame_system::GenesisConfig::<Runtime>::default().build_storage().unwrap();
		let balances = [OWNER, SLASHER, OPERATOR, OPERATOR_2, ALICE, BOB, CHARLIE, NOBODY]
			.into_iter()
			.map(|who| (who, ENDOWMENT))
			.collect();
		pallet_balances::GenesisConfig::<Runtime> { balances, ..Default::default() }
			.assimilate_storage(&mut storage)
			.unwrap();
		staking_genesis(vec![(OPERATOR, VALIDATOR_BOND, StakerStatus::Validator)], 1)
			.assimilate_storage(&mut storage)
			.unwrap();
		pallet_restaking::GenesisConfig::<Runtime> {
			services: vec![(OWNER, b"oracle".to_vec(), 100, 4, false, 100_000)],
			operators: vec![
				(OPERATOR, 1_000, Perbill::from_percent(10), b"op".to_vec()),
				(OPERATOR_2, 1_000, Perbill::from_percent(10), b"op2".to_vec()),
			],
			allocations: vec![(OPERATOR, SERVICE, Perquintill::one())],
			delegations: vec![],
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		pallet_slashing::GenesisConfig::<Runtime> {
			policies: vec![(
				SERVICE,
				Some(SLASHER),
				Perbill::from_percent(5),
				Perbill::from_percent(10),
				Perbill::from_percent(20),
				Perbill::from_percent(20),
				WINDOW,
			)],
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		liquid.assimilate_storage(&mut storage).unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| {
			start_first_block();
			set_era(0);
		});
		ext
	}

	/// Run `test`, then check the invariants of the liquid, restaking and slashing pallets.
	pub fn build_and_execute(test: impl FnOnce()) {
		Self::build_with_offset_and_execute(0, test)
	}

	/// [`Self::build_and_execute`] with vault tokens `offset` decimals finer than the currency
	/// (none there).
	pub fn build_with_offset_and_execute(offset: u8, test: impl FnOnce()) {
		Self::build_with_offset(offset).execute_with(|| {
			test();
			Liquid::do_try_state(u8::MAX).expect("liquid try_state holds after the test");
			Restaking::do_try_state(u8::MAX).expect("restaking try_state holds after the test");
			Slashing::do_try_state(u8::MAX).expect("slashing try_state holds after the test");
		});
	}
}

pub fn era() -> u32 {
	staking::CurrentEra::<Runtime>::get().unwrap_or(0)
}

/// Move to the next era and `UNDELEGATION_DELAY / 4` blocks later.
pub fn next_era() {
	set_era(era() + 1);
	run_to_block(System::block_number() + UNDELEGATION_DELAY / 4);
}

/// The pallet's events deposited since the last call (given / when / then).
pub fn events_since_last_call() -> Vec<Event<Runtime>> {
	new_events_of()
}

pub fn events() -> Vec<Event<Runtime>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Liquid(e) => Some(e),
			_ => None,
		})
		.collect()
}

pub fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

pub fn free(who: AccountId) -> Balance {
	Balances::balance(&who)
}

pub fn tokens(vault: VaultId, who: AccountId) -> Balance {
	Assets::balance(VaultAsset::convert(vault), who)
}

pub fn supply(vault: VaultId) -> Balance {
	Assets::total_issuance(VaultAsset::convert(vault))
}

pub fn account(vault: VaultId) -> AccountId {
	Liquid::vault_account(vault)
}

/// The vault's value now.
pub fn value(vault: VaultId) -> Balance {
	Liquid::vault_state(vault).expect("vault exists").value
}

/// Give `who` `amount` of fresh free balance.
pub fn fund(who: AccountId, amount: Balance) {
	assert_ok!(Balances::mint_into(&who, amount));
}

/// Pay `amount` of base-layer reward into the vault's account, the way `pallet-staking` pays a
/// nominator whose reward destination is its own account.
pub fn base_reward(vault: VaultId, amount: Balance) {
	fund(account(vault), amount);
}

/// Service reward of `amount` to OPERATOR's pool, paid by OWNER from SERVICE's budget.
pub fn service_reward(amount: Balance) {
	assert_ok!(Restaking::pay_rewards(signed(OWNER), SERVICE, OPERATOR, amount));
}

/// Request a `tier` slash of OPERATOR by SERVICE (evidence `n`); it waits its window.
pub fn request_slash(tier: SlashTier, n: u8) -> SlashId {
	let id = pallet_slashing::NextSlashId::<Runtime>::get();
	assert_ok!(Slashing::request_slash(
		signed(SLASHER),
		SERVICE,
		OPERATOR,
		tier,
		H256::repeat_byte(n)
	));
	id
}

/// Request a `tier` slash of OPERATOR by SERVICE and let the slashing pallet's `on_idle`
/// execute it once its window passes.
pub fn service_slash(tier: SlashTier, n: u8) -> SlashId {
	let id = request_slash(tier, n);
	run_to_block(System::block_number() + WINDOW + 1);
	assert!(pallet_slashing::Records::<Runtime>::contains_key(id), "slash {id} executed");
	id
}

/// Base-layer slash of `stash` by `amount`, the way the staking pallet applies one.
pub fn base_slash(stash: AccountId, amount: Balance) {
	ResolveTo::<SlashSink, Balances>::on_unbalanced(slash_bond(stash, amount, era()));
}

/// The sum of every balance the test world holds, held and free, plus the slash sink and
/// what was burned: must not change except through explicit minting.
pub fn total_issuance() -> Balance {
	<Balances as Inspect<AccountId>>::total_issuance()
}
