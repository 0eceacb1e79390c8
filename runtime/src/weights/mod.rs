//! The runtime's base weights, measured on the reference machine by `benchmarks/run.sh overhead
//! storage` (the files below are generated; do not edit them by hand):
//! - [`BlockExecutionWeight`]: executing an empty block (`benchmark overhead`);
//! - [`ExtrinsicBaseWeight`]: the part of every signed transaction's weight that does not depend
//!   on its call: its transaction extensions, applied to a `System::remark` (`benchmark
//!   overhead`);
//! - [`ParityDbWeight`]: a read and a write of the node's database, ParityDB, on the dev chain's
//!   state (`benchmark storage`).
//!
//! and the weights of the transaction extensions (`benchmarks/run.sh frame_system_extensions
//! pallet_transaction_payment`), which every signed transaction is charged beside its call and
//! `ExtrinsicBaseWeight`: [`frame_system_extensions`] (nonce, era, weight checks and reclaim)
//! and [`pallet_transaction_payment`] (withdrawing the fee).

pub mod block_weights;
pub mod extrinsic_weights;
pub mod frame_system_extensions;
pub mod pallet_transaction_payment;
// The generated file documents each figure on the struct field it sets, where rustdoc cannot
// show it; the comments stay for whoever reads the file.
#[allow(unused_doc_comments)]
pub mod paritydb_weights;

pub use block_weights::BlockExecutionWeight;
pub use extrinsic_weights::ExtrinsicBaseWeight;
pub use paritydb_weights::constants::ParityDbWeight;
