//! Genesis presets: `development` (Alice collates; one validator) and `local_testnet` (Alice
//! and Bob collate; four validators).
//!
//! Both fund the well-known dev accounts, make the collators invulnerable and register their
//! Aura keys, bond validators and nominators in `pallet-staking-async` (their session keys are
//! the relay chain's business), make Alice sudo, seat an audit committee, and set up the same
//! restaking world as the solochain's presets.

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::Sr25519Keyring;
use sp_runtime::Perbill;
use sp_staking::StakerStatus;

use crate::{
	currency::{EXISTENTIAL_DEPOSIT, UNIT},
	AccountId, AuditCommitteeConfig, Balance, BalancesConfig, CollatorSelectionConfig,
	InsuranceConfig, ParachainInfoConfig, PolkadotXcmConfig, RestakingConfig, RuntimeGenesisConfig,
	SessionConfig, SessionKeys, SlashingConfig, StakingConfig, SudoConfig,
};

/// The parachain id the presets use: the first id a relay chain gives a non-system chain.
pub const PARA_ID: u32 = 2000;

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

/// Restaking at genesis: two services, two operators with delegators.
///
/// - service 0, "oracle", owned by Alice; service 1, "bridge", owned by Ferdie;
/// - Dave operates with 10 % commission and splits his stake between both services;
///   Eve operates with 5 % and backs the oracle with all of hers;
/// - `delegators[0]` restakes through Dave and `delegators[1]` through Eve;
/// - the oracle is corrupted by a third of its stake and pays 1,000 UNIT for it: its cost of
///   corruption (10 % of a third of 37,500 UNIT, 1,250 UNIT) exceeds that; the bridge needs two
///   thirds and pays 5,000 UNIT, more than its cost of corruption (25 % of two thirds of
///   12,500 UNIT, 2,083 UNIT): the demo's under-collateralized service.
struct Restaking {
	delegators: [AccountId; 2],
}

fn restaking(config: Restaking) -> RestakingConfig {
	use sp_runtime::Perquintill;
	let dave = Sr25519Keyring::Dave.to_account_id();
	let eve = Sr25519Keyring::Eve.to_account_id();
	let [to_dave, to_eve] = config.delegators;
	RestakingConfig {
		services: vec![
			(
				Sr25519Keyring::Alice.to_account_id(),
				b"oracle".to_vec(),
				1_000 * UNIT,
				8,
				false,
				SERVICE_BUDGET,
			),
			(
				Sr25519Keyring::Ferdie.to_account_id(),
				b"bridge".to_vec(),
				1_000 * UNIT,
				8,
				false,
				SERVICE_BUDGET,
			),
		],
		operators: vec![
			(dave.clone(), OPERATOR_SELF_BOND, Perbill::from_percent(10), b"dave".to_vec()),
			(eve.clone(), OPERATOR_SELF_BOND, Perbill::from_percent(5), b"eve".to_vec()),
		],
		allocations: vec![
			(dave.clone(), 0, Perquintill::from_percent(50)),
			(dave.clone(), 1, Perquintill::from_percent(50)),
			(eve.clone(), 0, Perquintill::one()),
		],
		delegations: vec![(to_dave, dave, DEMO_DELEGATION), (to_eve, eve, DEMO_DELEGATION)],
		risk_profiles: vec![
			(0, ORACLE_PROFIT_FROM_CORRUPTION, Perbill::from_rational(1u32, 3)),
			(1, BRIDGE_PROFIT_FROM_CORRUPTION, Perbill::from_rational(2u32, 3)),
		],
	}
}

/// Slashing policies of the demo services.
///
/// - the oracle (0) is slashed by its owner Alice: 1 % / 5 % / 10 % for minor / major /
///   critical faults, at most 10 % per incident, vetoable for a minute;
/// - the bridge (1) is slashed by a majority of the audit committee: 2 % / 10 % / 25 %, at
///   most 25 %, vetoable for a minute and a half.
fn slashing() -> SlashingConfig {
	use crate::time::MINUTES;
	let pct = Perbill::from_percent;
	SlashingConfig {
		policies: vec![
			(
				0,
				Some(Sr25519Keyring::Alice.to_account_id()),
				pct(1),
				pct(5),
				pct(10),
				pct(10),
				MINUTES,
			),
			(1, None, pct(2), pct(10), pct(25), pct(25), MINUTES + MINUTES / 2),
		],
	}
}

/// Underwriter capital in the demo insurance pool.
pub const POOL_CAPITAL: Balance = 100_000 * UNIT;
/// The demo cover on Eve's oracle stake.
pub const DEMO_COVER: Balance = 5_000 * UNIT;

/// Insurance at genesis: Ferdie's pool 0 covers both demo services (premium 0.00001 % of the
/// cover a block when empty, up to 0.0001 % when fully used; deductible 10 UNIT) with
/// 100,000 UNIT of his capital; Dave bought 5,000 UNIT of cover on Eve's delegators against
/// oracle slashes for a day.
fn insurance() -> InsuranceConfig {
	let ferdie = Sr25519Keyring::Ferdie.to_account_id();
	InsuranceConfig {
		pools: vec![(
			ferdie.clone(),
			vec![0, 1],
			Perbill::from_parts(100),
			Perbill::from_parts(900),
			10 * UNIT,
		)],
		deposits: vec![(0, ferdie, POOL_CAPITAL)],
		covers: vec![(
			0,
			Sr25519Keyring::Dave.to_account_id(),
			Sr25519Keyring::Eve.to_account_id(),
			0,
			DEMO_COVER,
			crate::time::DAYS,
		)],
	}
}

/// A genesis collator: its account and its Aura key.
fn collator(key: Sr25519Keyring) -> (AccountId, SessionKeys) {
	(key.to_account_id(), SessionKeys { aura: AuraId::from(key.public()) })
}

fn genesis(
	collators: Vec<(AccountId, SessionKeys)>,
	validators: Vec<AccountId>,
	nominators: Vec<AccountId>,
	endowed: Vec<AccountId>,
	committee: Vec<AccountId>,
	root: AccountId,
	restaking_config: RestakingConfig,
) -> Value {
	let stakers = validators
		.iter()
		.map(|v| (v.clone(), VALIDATOR_BOND, StakerStatus::Validator))
		.chain(
			nominators
				.into_iter()
				.map(|n| (n, NOMINATOR_BOND, StakerStatus::Nominator(validators.clone()))),
		)
		.collect::<Vec<_>>();
	let validator_count = validators.len() as u32;

	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed.into_iter().map(|who| (who, ENDOWMENT)).collect(),
		},
		parachain_info: ParachainInfoConfig { parachain_id: PARA_ID.into() },
		collator_selection: CollatorSelectionConfig {
			invulnerables: collators.iter().map(|(account, _)| account.clone()).collect(),
			candidacy_bond: 16 * EXISTENTIAL_DEPOSIT,
		},
		session: SessionConfig {
			keys: collators
				.into_iter()
				.map(|(account, keys)| (account.clone(), account, keys))
				.collect(),
		},
		polkadot_xcm: PolkadotXcmConfig { safe_xcm_version: Some(xcm::prelude::XCM_VERSION) },
		staking: StakingConfig {
			validator_count,
			stakers,
			min_validator_bond: 10 * UNIT,
			min_nominator_bond: UNIT,
			slash_reward_fraction: Perbill::from_percent(10),
		},
		audit_committee: AuditCommitteeConfig { members: committee },
		sudo: SudoConfig { key: Some(root) },
		restaking: restaking_config,
		slashing: slashing(),
		insurance: insurance(),
	})
}

fn dev_accounts() -> Vec<AccountId> {
	Sr25519Keyring::well_known().map(|k| k.to_account_id()).collect()
}

fn committee() -> Vec<AccountId> {
	[Sr25519Keyring::Alice, Sr25519Keyring::Bob, Sr25519Keyring::Charlie]
		.iter()
		.map(|k| k.to_account_id())
		.collect()
}

/// `development`: Alice collates and validates alone; Bob and Charlie nominate her and restake
/// through Dave and Eve.
pub fn development_config_genesis() -> Value {
	let (bob, charlie) =
		(Sr25519Keyring::Bob.to_account_id(), Sr25519Keyring::Charlie.to_account_id());
	genesis(
		vec![collator(Sr25519Keyring::Alice)],
		vec![Sr25519Keyring::Alice.to_account_id()],
		vec![bob.clone(), charlie.clone()],
		dev_accounts(),
		committee(),
		Sr25519Keyring::Alice.to_account_id(),
		restaking(Restaking { delegators: [bob, charlie] }),
	)
}

/// `local_testnet`: Alice and Bob collate; Alice, Bob, Charlie and Ferdie validate; Alice's
/// and Bob's stash accounts nominate all four and restake through Dave and Eve.
pub fn local_config_genesis() -> Value {
	let (alice_stash, bob_stash) =
		(Sr25519Keyring::AliceStash.to_account_id(), Sr25519Keyring::BobStash.to_account_id());
	genesis(
		vec![collator(Sr25519Keyring::Alice), collator(Sr25519Keyring::Bob)],
		[
			Sr25519Keyring::Alice,
			Sr25519Keyring::Bob,
			Sr25519Keyring::Charlie,
			Sr25519Keyring::Ferdie,
		]
		.iter()
		.map(|k| k.to_account_id())
		.collect(),
		vec![alice_stash.clone(), bob_stash.clone()],
		dev_accounts(),
		committee(),
		Sr25519Keyring::Alice.to_account_id(),
		restaking(Restaking { delegators: [alice_stash, bob_stash] }),
	)
}

/// The preset with the given id, serialized as JSON.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	serde_json::to_vec(&patch).ok()
}

/// The ids of the presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
