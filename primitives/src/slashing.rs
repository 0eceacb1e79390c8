//! Slashing types shared by the slashing pallet, the insurance pallet and the runtime API.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::H256;
use sp_runtime::{FixedU128, Perbill, Weight};

use crate::restaking::{ServiceId, SlashTier};

/// Identifier of a slash request (and of its record once executed).
pub type SlashId = u64;

/// A requested slash waiting for its veto window to pass.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug, PartialEq, Eq,
)]
pub struct SlashRequest<AccountId, Balance, BlockNumber> {
	/// The service that asks for the slash.
	pub service: ServiceId,
	/// The operator to slash.
	pub operator: AccountId,
	/// How hard, and whose stake pays.
	pub tier: SlashTier,
	/// Fraction of the operator's slashable stake for the service to take, after the window
	/// cap clipped it.
	pub fraction: Perbill,
	/// The operator's slashable stake for the service at the request (self-bond and pool).
	/// Execution takes `fraction` of it, each part from what is slashable then (at most all
	/// of it): stake that arrives after the fault does not pay for it.
	pub slashable: Balance,
	/// The self-bond's part of `slashable`; the rest is the delegators' pool.
	pub slashable_self_bond: Balance,
	/// The deposit held from an account slasher: returned when the slash executes or lapses,
	/// forfeited when it is vetoed.
	pub deposit: Option<(AccountId, Balance)>,
	/// Hash of the evidence the slasher supplied.
	pub evidence: H256,
	/// Block of the request.
	pub requested_at: BlockNumber,
	/// First block it may execute.
	pub due: BlockNumber,
	/// The operator's dispute bond, if it disputed.
	pub dispute_bond: Option<Balance>,
}

/// An executed slash.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug, PartialEq, Eq,
)]
pub struct SlashRecord<AccountId, Balance, BlockNumber> {
	/// The request's id.
	pub id: SlashId,
	/// The service that slashed.
	pub service: ServiceId,
	/// The operator slashed.
	pub operator: AccountId,
	/// The tier.
	pub tier: SlashTier,
	/// The fraction of the stake slashable at the request that was asked for (a policy made
	/// milder since the request lowers it). `amount` is this fraction of that stake, unless a
	/// part of it was no longer there.
	pub fraction: Perbill,
	/// Everything taken: `from_self_bond + from_pool`.
	pub amount: Balance,
	/// Taken from the operator's self-bond at once.
	pub from_self_bond: Balance,
	/// Taken from the delegators' pool (realized per delegator later).
	pub from_pool: Balance,
	/// The pool's value per share before the slash.
	pub factor_before: FixedU128,
	/// The pool's value per share after the slash.
	pub factor_after: FixedU128,
	/// Block of the request (covers active then pay).
	pub requested_at: BlockNumber,
	/// Block of the execution.
	pub at: BlockNumber,
}

/// One drop of a service's slashable stake caused by a base-layer slash (upward contagion).
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug, PartialEq, Eq,
)]
pub struct SecurityDrop<Balance, BlockNumber> {
	/// The service whose security fell.
	pub service: ServiceId,
	/// The operator's slashable stake for it before.
	pub before: Balance,
	/// And after.
	pub after: Balance,
	/// When.
	pub at: BlockNumber,
}

/// Told when a slash executes (the insurance pallet pays covers from it).
pub trait OnSlashExecuted<AccountId, Balance, BlockNumber> {
	/// `record` was just executed and stored.
	fn on_slash_executed(record: &SlashRecord<AccountId, Balance, BlockNumber>);

	/// The most `on_slash_executed` can cost; the slashing pallet charges it with every
	/// execution.
	fn max_weight() -> Weight;
}

impl<AccountId, Balance, BlockNumber> OnSlashExecuted<AccountId, Balance, BlockNumber> for () {
	fn on_slash_executed(_: &SlashRecord<AccountId, Balance, BlockNumber>) {}

	fn max_weight() -> Weight {
		Weight::zero()
	}
}
