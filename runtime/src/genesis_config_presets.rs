//! Genesis presets: `development` (one validator, Alice) and `local_testnet` (four validators:
//! Alice, Bob, Charlie and Ferdie).
//!
//! Both fund the well-known dev accounts, bond validators and nominators in `pallet-staking`,
//! register the validators' session keys, make Alice sudo, seat an audit committee, and set up
//! the restaking world of `restaking_runtime_common::genesis` (shared with the parachain
//! runtime): two services, two operators with delegators, slashing policies, an insurance pool
//! and a cover, and Dave's vault.

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use restaking_runtime_common::genesis::{self as demo, committee, dev_accounts};
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
use sp_runtime::Perbill;
use sp_staking::StakerStatus;

use crate::{
	currency::UNIT, time::MINUTES, AccountId, AuditCommitteeConfig, BalancesConfig,
	RestakingConfig, RuntimeGenesisConfig, SessionConfig, SessionKeys, StakingConfig, SudoConfig,
};

pub use restaking_runtime_common::genesis::{
	BRIDGE_PROFIT_FROM_CORRUPTION, DEMO_COVER, DEMO_DELEGATION, ENDOWMENT, NOMINATOR_BOND,
	OPERATOR_SELF_BOND, ORACLE_PROFIT_FROM_CORRUPTION, POOL_CAPITAL, SERVICE_BUDGET,
	VALIDATOR_BOND,
};

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
	restaking_config: RestakingConfig,
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
		restaking: restaking_config,
		slashing: demo::slashing(MINUTES),
		insurance: demo::insurance(MINUTES),
		liquid_restaking: demo::liquid(),
	})
}

/// `development`: Alice validates alone; Bob and Charlie nominate her and restake through
/// Dave and Eve.
pub fn development_config_genesis() -> Value {
	let (bob, charlie) =
		(Sr25519Keyring::Bob.to_account_id(), Sr25519Keyring::Charlie.to_account_id());
	genesis(
		vec![validator(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		vec![bob.clone(), charlie.clone()],
		dev_accounts(),
		committee(),
		Sr25519Keyring::Alice.to_account_id(),
		demo::restaking([bob, charlie]),
	)
}

/// `local_testnet`: Alice, Bob, Charlie and Ferdie validate; Alice's and Bob's stash accounts
/// nominate all four and restake through Dave and Eve.
///
/// Four validators, because GRANDPA finalizes with more than two thirds of the votes: 3 of 4
/// keep finalizing while one validator is down, where 3 validators would need all 3.
pub fn local_config_genesis() -> Value {
	let (alice_stash, bob_stash) =
		(Sr25519Keyring::AliceStash.to_account_id(), Sr25519Keyring::BobStash.to_account_id());
	genesis(
		vec![
			validator(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			validator(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			validator(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			validator(Sr25519Keyring::Ferdie, Ed25519Keyring::Ferdie),
		],
		vec![alice_stash.clone(), bob_stash.clone()],
		dev_accounts(),
		committee(),
		Sr25519Keyring::Alice.to_account_id(),
		demo::restaking([alice_stash, bob_stash]),
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
