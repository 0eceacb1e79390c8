//! # Restaking primitives
//!
//! Types shared by the restaking pallets, the demo runtime and the dev node.
//!
//! The chain-level aliases below are the ones the demo runtime is built on. A chain that forks
//! the pallets keeps its own; the pallets themselves are generic over `frame_system::Config` and
//! never name these aliases.

#![cfg_attr(not(feature = "std"), no_std)]
#![deny(rustdoc::broken_intra_doc_links)]

extern crate alloc;

use sp_runtime::{
	traits::{IdentifyAccount, Verify},
	MultiSignature,
};

/// A signature: any of the schemes `MultiSignature` knows (sr25519, ed25519, ecdsa).
pub type Signature = MultiSignature;

/// An account: the public key of the signature scheme, so a key is an account.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// A balance, in the chain's smallest unit.
pub type Balance = u128;

/// A block number.
pub type BlockNumber = u32;

/// A transaction index per account.
pub type Nonce = u32;

/// A block or state hash.
pub type Hash = sp_core::H256;

/// A timestamp in milliseconds since the Unix epoch.
pub type Moment = u64;

pub mod api;
pub mod arithmetic;
pub mod insurance;
pub mod liquid;
pub mod restaking;
pub mod risk;
pub mod slashing;
