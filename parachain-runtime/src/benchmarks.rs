//! The pallets `benchmark pallet` measures in this runtime: the restaking pallets on
//! `pallet-staking-async` (`docs/parachain.md`, "Weights"), and the system pallets around
//! them.
//!
//! `define_benchmarks!` exports `list_benchmarks!` and `add_benchmarks!` at the crate root;
//! they expand in `apis.rs`, where the pallet names below and in `lib.rs` are in scope.

pub use frame_benchmarking::baseline::Pallet as BaselineBench;
pub use frame_system_benchmarking::{
	extensions::Pallet as SystemExtensionsBench, Pallet as SystemBench,
};

use super::Runtime;

impl frame_benchmarking::baseline::Config for Runtime {}
impl frame_system_benchmarking::Config for Runtime {}
// Fees go to no block author here, so the benchmark needs no set-up.
impl pallet_transaction_payment::BenchmarkConfig for Runtime {}

frame_benchmarking::define_benchmarks!(
	[frame_benchmarking, BaselineBench::<Runtime>]
	[frame_system, SystemBench::<Runtime>]
	[frame_system_extensions, SystemExtensionsBench::<Runtime>]
	[pallet_balances, Balances]
	[pallet_timestamp, Timestamp]
	[pallet_transaction_payment, TransactionPayment]
	[pallet_restaking, Restaking]
	[pallet_slashing, Slashing]
	[pallet_insurance, Insurance]
	[pallet_liquid_restaking, LiquidRestaking]
);
