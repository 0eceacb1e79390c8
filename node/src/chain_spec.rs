//! Chain specifications built from the runtime's genesis presets.

use restaking_runtime::{
	currency::{SS58_PREFIX, TOKEN_DECIMALS, TOKEN_SYMBOL},
	WASM_BINARY,
};
use sc_service::{ChainType, Properties};

/// The chain specification of this node: generic, with the runtime's genesis presets.
pub type ChainSpec = sc_service::GenericChainSpec;

fn wasm_binary() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"The runtime's wasm binary is not available: the node was built with \
		 SKIP_WASM_BUILD set. Rebuild without it."
			.to_string()
	})
}

/// Token symbol, decimals and address format, so wallets show balances correctly.
fn properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), TOKEN_SYMBOL.into());
	properties.insert("tokenDecimals".into(), TOKEN_DECIMALS.into());
	properties.insert("ss58Format".into(), SS58_PREFIX.into());
	properties
}

/// `--dev`: Alice validates alone and finalizes by herself.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("Restaking Development")
		.with_id("restaking_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// `--chain local`: Alice, Bob, Charlie and Ferdie validate, one node each
/// (`scripts/run-local.sh`); three of them finalize.
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("Restaking Local Testnet")
		.with_id("restaking_local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}
