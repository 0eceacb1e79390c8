//! Command-line interface.

use sc_cli::RunCmd;

/// The node's command line: a subcommand, or the flags of a running node.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	/// A utility subcommand; without one, the node runs.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// Flags of a running node (`--dev`, `--rpc-port`, `--tmp`, ...).
	#[clap(flatten)]
	pub run: RunCmd,
}

/// Utility subcommands.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management utilities.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Build a chain specification (deprecated upstream in favour of `export-chain-spec`).
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Export a chain specification, plain or raw.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Benchmarks: `benchmark pallet` regenerates weights. Needs the `runtime-benchmarks`
	/// feature.
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// Database meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),
}
