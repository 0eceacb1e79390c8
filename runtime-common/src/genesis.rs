//! The demo world both runtimes' genesis presets start with.
//!
//! Accounts are the well-known dev keys. Each runtime adds what is its own (balances, the
//! staking pallet's stakers, session keys, sudo, collators) and takes the restaking pallets'
//! genesis from here:
//!
//! - [`restaking`]: two services, two operators with a delegator each, and risk profiles;
//! - [`slashing`]: each service's slashing policy;
//! - [`insurance`]: an underwriter pool and a cover;
//! - [`liquid`]: a vault.

use alloc::{vec, vec::Vec};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_keyring::Sr25519Keyring;
use sp_runtime::{Perbill, Perquintill};

use crate::{currency::UNIT, AccountId, Balance, BlockNumber};

/// Free balance every dev account starts with.
pub const ENDOWMENT: Balance = 1_000_000 * UNIT;
/// What each genesis validator bonds.
pub const VALIDATOR_BOND: Balance = 100_000 * UNIT;
/// What each genesis nominator bonds.
pub const NOMINATOR_BOND: Balance = 50_000 * UNIT;

/// What each demo operator holds as self-bond.
pub const OPERATOR_SELF_BOND: Balance = 5_000 * UNIT;
/// What each demo delegator restakes.
pub const DEMO_DELEGATION: Balance = 20_000 * UNIT;
/// Reward budget each demo service starts with.
pub const SERVICE_BUDGET: Balance = 10_000 * UNIT;

/// What corrupting the oracle pays: it settles 1,000 UNIT of markets.
pub const ORACLE_PROFIT_FROM_CORRUPTION: Balance = 1_000 * UNIT;
/// What corrupting the bridge pays: it holds 5,000 UNIT in custody.
pub const BRIDGE_PROFIT_FROM_CORRUPTION: Balance = 5_000 * UNIT;

/// Underwriter capital in the demo insurance pool.
pub const POOL_CAPITAL: Balance = 100_000 * UNIT;
/// The demo cover on Eve's oracle stake.
pub const DEMO_COVER: Balance = 5_000 * UNIT;

/// The well-known dev accounts (Alice to Ferdie and their stash accounts): every one is
/// endowed.
pub fn dev_accounts() -> Vec<AccountId> {
	Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect()
}

/// The audit committee: Alice, Bob and Charlie.
pub fn committee() -> Vec<AccountId> {
	[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie]
		.iter()
		.map(|k| k.to_account_id())
		.collect()
}

/// Restaking at genesis: two services, two operators with delegators.
///
/// - service 0, "oracle", owned by Alice; service 1, "bridge", owned by Ferdie;
/// - Dave operates with 10 % commission and splits his stake between both services;
///   Eve operates with 5 % and backs the oracle with all of hers;
/// - `delegators[0]` restakes through Dave and `delegators[1]` through Eve (both must be
///   bonded in the base layer with at least `DEMO_DELEGATION`);
/// - the oracle is corrupted by a third of its stake and pays 1,000 UNIT for it: its cost of
///   corruption (10 % of a third of 37,500 UNIT, 1,250 UNIT) exceeds that; the bridge needs two
///   thirds and pays 5,000 UNIT, more than its cost of corruption (25 % of two thirds of
///   12,500 UNIT, 2,083 UNIT): the demo's under-collateralized service.
pub fn restaking<T>(delegators: [AccountId; 2]) -> pallet_restaking::GenesisConfig<T>
where
	T: pallet_restaking::Config<AccountId = AccountId>,
	pallet_restaking::BalanceOf<T>: From<Balance>,
{
	let dave = Sr25519Keyring::Dave.to_account_id();
	let eve = Sr25519Keyring::Eve.to_account_id();
	let [to_dave, to_eve] = delegators;
	// `(owner, metadata, min operator stake, max operators, requires approval, budget)`.
	let service = |owner: Sr25519Keyring, name: &[u8]| -> pallet_restaking::GenesisService<T> {
		(
			owner.to_account_id(),
			name.to_vec(),
			(1_000 * UNIT).into(),
			8,
			false,
			SERVICE_BUDGET.into(),
		)
	};
	pallet_restaking::GenesisConfig {
		services: vec![
			service(Sr25519Keyring::Alice, b"oracle"),
			service(Sr25519Keyring::Ferdie, b"bridge"),
		],
		operators: vec![
			(dave.clone(), OPERATOR_SELF_BOND.into(), Perbill::from_percent(10), b"dave".to_vec()),
			(eve.clone(), OPERATOR_SELF_BOND.into(), Perbill::from_percent(5), b"eve".to_vec()),
		],
		allocations: vec![
			(dave.clone(), 0, Perquintill::from_percent(50)),
			(dave.clone(), 1, Perquintill::from_percent(50)),
			(eve.clone(), 0, Perquintill::one()),
		],
		delegations: vec![
			(to_dave, dave, DEMO_DELEGATION.into()),
			(to_eve, eve, DEMO_DELEGATION.into()),
		],
		risk_profiles: vec![
			(0, ORACLE_PROFIT_FROM_CORRUPTION.into(), Perbill::from_rational(1u32, 3)),
			(1, BRIDGE_PROFIT_FROM_CORRUPTION.into(), Perbill::from_rational(2u32, 3)),
		],
	}
}

/// Slashing policies of the demo services, on a runtime with `minutes` blocks a minute.
///
/// - the oracle (0) is slashed by its owner Alice: 1 % / 5 % / 10 % for minor / major /
///   critical faults, at most 10 % per incident, vetoable for a minute;
/// - the bridge (1) is slashed by a majority of the audit committee: 2 % / 10 % / 25 %, at
///   most 25 %, vetoable for a minute and a half.
pub fn slashing<T>(minutes: BlockNumber) -> pallet_slashing::GenesisConfig<T>
where
	T: pallet_slashing::Config<AccountId = AccountId>,
	BlockNumberFor<T>: From<BlockNumber>,
{
	let pct = Perbill::from_percent;
	let alice = Sr25519Keyring::Alice.to_account_id();
	pallet_slashing::GenesisConfig {
		policies: vec![
			(0, Some(alice), pct(1), pct(5), pct(10), pct(10), minutes.into()),
			(1, None, pct(2), pct(10), pct(25), pct(25), (minutes + minutes / 2).into()),
		],
	}
}

/// Insurance at genesis, on a runtime with `minutes` blocks a minute: Ferdie's pool 0 covers
/// both demo services (premium 0.00001 % of the cover a block when empty, up to 0.0001 % when
/// fully used; deductible 10 UNIT) with 100,000 UNIT of his capital; Dave bought 5,000 UNIT of
/// cover on Eve's delegators against oracle slashes for a day.
pub fn insurance<T>(minutes: BlockNumber) -> pallet_insurance::GenesisConfig<T>
where
	T: pallet_insurance::Config<AccountId = AccountId>,
	pallet_insurance::BalanceOf<T>: From<Balance>,
	BlockNumberFor<T>: From<BlockNumber>,
{
	let ferdie = Sr25519Keyring::Ferdie.to_account_id();
	pallet_insurance::GenesisConfig {
		pools: vec![(
			ferdie.clone(),
			vec![0, 1],
			Perbill::from_parts(100),
			Perbill::from_parts(900),
			(10 * UNIT).into(),
		)],
		deposits: vec![(0, ferdie, POOL_CAPITAL.into())],
		covers: vec![(
			0,
			Sr25519Keyring::Dave.to_account_id(),
			Sr25519Keyring::Eve.to_account_id(),
			0,
			DEMO_COVER.into(),
			(24 * 60 * minutes).into(),
		)],
	}
}

/// Liquid restaking at genesis: Dave's vault, vault 0, whose token is asset 0 (`LRV0`). It
/// starts empty, so the restaking figures above are the whole demo's; a first deposit mints
/// 10^6 token units per planck.
pub fn liquid<T>() -> pallet_liquid_restaking::GenesisConfig<T>
where
	T: pallet_liquid_restaking::Config<AccountId = AccountId>,
{
	pallet_liquid_restaking::GenesisConfig {
		vaults: vec![Sr25519Keyring::Dave.to_account_id()],
		deposits: vec![],
	}
}
