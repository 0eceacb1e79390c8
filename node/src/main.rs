//! Restaking dev node: runs the demo runtime with Aura block production and GRANDPA finality.

#![warn(missing_docs)]
#![deny(rustdoc::broken_intra_doc_links)]
// `sc_cli::Error`, the error type every Substrate CLI returns, is large by design.
#![allow(clippy::result_large_err)]

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod chain_spec;
mod cli;
mod command;
mod rpc;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
