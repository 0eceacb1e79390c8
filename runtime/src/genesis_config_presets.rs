//! Genesis presets: `development` (one validator, Alice) and `local_testnet` (Alice and Bob).
//!
//! Both fund the well-known dev accounts, bond validators and nominators in `pallet-staking`,
//! register the validators' session keys, make Alice sudo, and seat an audit committee.

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
use sp_runtime::Perbill;
use sp_staking::StakerStatus;

use crate::{
	currency::UNIT, AccountId, AuditCommitteeConfig, Balance, BalancesConfig, RuntimeGenesisConfig,
	SessionConfig, SessionKeys, StakingConfig, SudoConfig,
};

/// Free balance every dev account starts with.
pub const ENDOWMENT: Balance = 1_000_000 * UNIT;
/// What each genesis validator bonds.
pub const VALIDATOR_BOND: Balance = 100_000 * UNIT;
/// What each genesis nominator bonds.
pub const NOMINATOR_BOND: Balance = 50_000 * UNIT;

/// A genesis validator: its account (stash and controller) and its session keys.
struct Validator {
	account: AccountId,
	keys: SessionKeys,
}

fn validator(sr: Sr25519Keyring, ed: Ed25519Keyring) -> Validator {
	Validator {
		account: sr.to_account_id(),
		keys: SessionKeys {
			aura: AuraId::from(sr.public()),
			grandpa: GrandpaId::from(ed.public()),
		},
	}
}

fn genesis(
	validators: Vec<Validator>,
	nominators: Vec<AccountId>,
	endowed: Vec<AccountId>,
	committee: Vec<AccountId>,
	root: AccountId,
) -> Value {
	let targets: Vec<AccountId> = validators.iter().map(|v| v.account.clone()).collect();
	let stakers = validators
		.iter()
		.map(|v| (v.account.clone(), v.account.clone(), VALIDATOR_BOND, StakerStatus::Validator))
		.chain(
			nominators
				.into_iter()
				.map(|n| (n.clone(), n, NOMINATOR_BOND, StakerStatus::Nominator(targets.clone()))),
		)
		.collect::<Vec<_>>();
	let validator_count = validators.len() as u32;

	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed.into_iter().map(|who| (who, ENDOWMENT)).collect(),
		},
		session: SessionConfig {
			keys: validators.into_iter().map(|v| (v.account.clone(), v.account, v.keys)).collect(),
		},
		staking: StakingConfig {
			validator_count,
			minimum_validator_count: 1,
			stakers,
			min_validator_bond: 10 * UNIT,
			min_nominator_bond: UNIT,
			slash_reward_fraction: Perbill::from_percent(10),
		},
		audit_committee: AuditCommitteeConfig { members: committee },
		sudo: SudoConfig { key: Some(root) },
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

/// `development`: Alice validates alone; Bob and Charlie nominate her.
pub fn development_config_genesis() -> Value {
	genesis(
		vec![validator(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		vec![Sr25519Keyring::Bob.to_account_id(), Sr25519Keyring::Charlie.to_account_id()],
		dev_accounts(),
		committee(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// `local_testnet`: Alice and Bob validate (two nodes are needed for finality); Charlie and
/// Dave nominate both.
pub fn local_config_genesis() -> Value {
	genesis(
		vec![
			validator(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			validator(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
		],
		vec![Sr25519Keyring::Charlie.to_account_id(), Sr25519Keyring::Dave.to_account_id()],
		dev_accounts(),
		committee(),
		Sr25519Keyring::Alice.to_account_id(),
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
