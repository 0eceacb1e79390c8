//! Genesis presets: `development` (Alice collates; one validator) and `local_testnet` (Alice
//! and Bob collate; four validators).
//!
//! Both fund the well-known dev accounts, make the collators invulnerable and register their
//! Aura keys, bond validators and nominators in `pallet-staking-async` (their session keys are
//! the relay chain's business), make Alice sudo, seat an audit committee, and set up the
//! restaking world of `restaking_runtime_common::genesis`, the solochain's too: two services,
//! two operators with delegators, slashing policies, an insurance pool and a cover, and Dave's
//! vault.

use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use restaking_runtime_common::genesis::{self as demo, committee, dev_accounts};
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::Sr25519Keyring;
use sp_runtime::Perbill;
use sp_staking::StakerStatus;

use crate::{
	currency::{EXISTENTIAL_DEPOSIT, UNIT},
	time::MINUTES,
	AccountId, AuditCommitteeConfig, BalancesConfig, CollatorSelectionConfig, ParachainInfoConfig,
	PolkadotXcmConfig, RestakingConfig, RuntimeGenesisConfig, SessionConfig, SessionKeys,
	StakingConfig, SudoConfig,
};

pub use restaking_runtime_common::genesis::{
	BRIDGE_PROFIT_FROM_CORRUPTION, DEMO_COVER, DEMO_DELEGATION, ENDOWMENT, NOMINATOR_BOND,
	OPERATOR_SELF_BOND, ORACLE_PROFIT_FROM_CORRUPTION, POOL_CAPITAL, SERVICE_BUDGET,
	VALIDATOR_BOND,
};

/// The parachain id the presets use: the first id a relay chain gives a non-system chain.
pub const PARA_ID: u32 = 2000;

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
		slashing: demo::slashing(MINUTES),
		insurance: demo::insurance(MINUTES),
		liquid_restaking: demo::liquid(),
	})
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
		demo::restaking([bob, charlie]),
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
