//! `benchmark` subcommands (built with the `runtime-benchmarks` feature).
//!
//! `benchmark pallet` runs the runtime's FRAME benchmarks and writes `weights.rs` files;
//! `benchmarks/run.sh` drives it for every pallet of this workspace. `overhead` measures the
//! base weights of a block and of an extrinsic, `storage` the database's read and write
//! weights, `block` and `machine` the node. `overhead` and `extrinsic` sign real transactions,
//! built here with every transaction extension of the runtime.

use crate::{
	cli::Cli,
	service::{self, FullClient},
};
use frame_benchmarking_cli::{
	BenchmarkCmd, ExtrinsicBuilder, ExtrinsicFactory, SUBSTRATE_REFERENCE_HARDWARE,
};
use restaking_runtime::{
	self as runtime, currency::EXISTENTIAL_DEPOSIT, opaque::Block, AccountId, Balance, Runtime,
};
use sc_cli::SubstrateCli;
use sc_client_api::BlockBackend;
use sc_service::PartialComponents;
use sp_core::{Encode, Pair};
use sp_inherents::{InherentData, InherentDataProvider};
use sp_keyring::Sr25519Keyring;
use sp_runtime::{OpaqueExtrinsic, SaturatedConversion};
use std::{sync::Arc, time::Duration};

/// Run one `benchmark` subcommand.
pub fn run(cli: &Cli, cmd: &BenchmarkCmd) -> sc_cli::Result<()> {
	let runner = cli.create_runner(cmd)?;
	runner.sync_run(|config| match cmd {
		BenchmarkCmd::Pallet(cmd) => {
			// With `--runtime`, the runtime blob builds its own genesis (its `development`
			// preset): no chain spec is involved.
			let spec = cmd.runtime.is_none().then_some(config.chain_spec);
			cmd.run_with_spec::<sp_runtime::traits::HashingFor<Block>, ()>(spec)
		},
		BenchmarkCmd::Block(cmd) => {
			let PartialComponents { client, .. } = service::new_partial(&config)?;
			cmd.run(client)
		},
		BenchmarkCmd::Storage(cmd) => {
			let PartialComponents { client, backend, .. } = service::new_partial(&config)?;
			let db = backend.expose_db();
			let storage = backend.expose_storage();
			let shared_cache = backend.expose_shared_trie_cache();
			cmd.run(config, client, db, storage, shared_cache)
		},
		BenchmarkCmd::Machine(cmd) => cmd.run(&config, SUBSTRATE_REFERENCE_HARDWARE.clone()),
		BenchmarkCmd::Overhead(cmd) => {
			let PartialComponents { client, .. } = service::new_partial(&config)?;
			let remark = RemarkBuilder { client: client.clone() };
			cmd.run(
				config.chain_spec.name().into(),
				client,
				inherent_data()?,
				Vec::new(),
				&remark,
				false,
			)
		},
		BenchmarkCmd::Extrinsic(cmd) => {
			let PartialComponents { client, .. } = service::new_partial(&config)?;
			let factory = ExtrinsicFactory(vec![
				Box::new(RemarkBuilder { client: client.clone() }),
				Box::new(TransferBuilder {
					client: client.clone(),
					dest: Sr25519Keyring::Alice.to_account_id(),
					value: EXISTENTIAL_DEPOSIT,
				}),
			]);
			cmd.run(client, inherent_data()?, Vec::new(), &factory)
		},
	})
}

/// `System::remark` with an empty remark: the cheapest signed transaction, whose weight is the
/// extrinsic base weight.
struct RemarkBuilder {
	client: Arc<FullClient>,
}

impl ExtrinsicBuilder for RemarkBuilder {
	fn pallet(&self) -> &str {
		"system"
	}

	fn extrinsic(&self) -> &str {
		"remark"
	}

	fn build(&self, nonce: u32) -> Result<OpaqueExtrinsic, &'static str> {
		let call = frame_system::Call::<Runtime>::remark { remark: Vec::new() }.into();
		signed(&self.client, call, nonce)
	}
}

/// `Balances::transfer_keep_alive` of `value` to `dest`.
struct TransferBuilder {
	client: Arc<FullClient>,
	dest: AccountId,
	value: Balance,
}

impl ExtrinsicBuilder for TransferBuilder {
	fn pallet(&self) -> &str {
		"balances"
	}

	fn extrinsic(&self) -> &str {
		"transfer_keep_alive"
	}

	fn build(&self, nonce: u32) -> Result<OpaqueExtrinsic, &'static str> {
		let call = pallet_balances::Call::<Runtime>::transfer_keep_alive {
			dest: self.dest.clone().into(),
			value: self.value,
		}
		.into();
		signed(&self.client, call, nonce)
	}
}

/// `call` signed by Bob with `nonce`, with the runtime's transaction extensions (metadata hash
/// mode 0, as most signers use), mortal from the best block.
fn signed(
	client: &FullClient,
	call: runtime::RuntimeCall,
	nonce: u32,
) -> Result<OpaqueExtrinsic, &'static str> {
	let sender = Sr25519Keyring::Bob.pair();
	let genesis = client.block_hash(0).ok().flatten().ok_or("the genesis block is missing")?;
	let info = client.chain_info();
	let period = runtime::configs::BlockHashCount::get()
		.checked_next_power_of_two()
		.map(|c| c / 2)
		.unwrap_or(2) as u64;
	let extension: runtime::TxExtension = (
		frame_system::CheckNonZeroSender::new(),
		frame_system::CheckSpecVersion::new(),
		frame_system::CheckTxVersion::new(),
		frame_system::CheckGenesis::new(),
		frame_system::CheckEra::from(sp_runtime::generic::Era::mortal(
			period,
			info.best_number.saturated_into(),
		)),
		frame_system::CheckNonce::from(nonce),
		frame_system::CheckWeight::new(),
		pallet_transaction_payment::ChargeTransactionPayment::from(0),
		frame_metadata_hash_extension::CheckMetadataHash::new(false),
		frame_system::WeightReclaim::new(),
	);
	let payload = runtime::SignedPayload::from_raw(
		call.clone(),
		extension.clone(),
		(
			(),
			runtime::VERSION.spec_version,
			runtime::VERSION.transaction_version,
			genesis,
			info.best_hash,
			(),
			(),
			(),
			None,
			(),
		),
	);
	let signature = payload.using_encoded(|bytes| sender.sign(bytes));
	let extrinsic = runtime::UncheckedExtrinsic::new_signed(
		call,
		sp_runtime::AccountId32::from(sender.public()).into(),
		runtime::Signature::Sr25519(signature),
		extension,
	);
	Ok(extrinsic.into())
}

/// The inherents of a benchmark block: a timestamp at zero (slot zero, as Aura expects).
fn inherent_data() -> sc_cli::Result<InherentData> {
	let mut data = InherentData::new();
	let timestamp = sp_timestamp::InherentDataProvider::new(Duration::ZERO.into());
	futures::executor::block_on(timestamp.provide_inherent_data(&mut data))
		.map_err(|e| format!("creating inherent data: {e:?}"))?;
	Ok(data)
}
