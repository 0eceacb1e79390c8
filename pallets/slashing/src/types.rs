//! Types of the slashing pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use restaking_primitives::{restaking::SlashTier, slashing::SlashId};
use scale_info::TypeInfo;
use sp_runtime::Perbill;

use crate::{BalanceOf, BlockNumberFor};

/// Who may request slashes for a service.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug, PartialEq, Eq,
)]
pub enum Slasher<AccountId> {
	/// One account (the service's own slashing contract or operator of its fraud proofs).
	#[codec(index = 0)]
	Account(AccountId),
	/// The runtime's committee origin (`Config::CommitteeOrigin`): in the demo runtime, a
	/// majority of the audit committee.
	#[codec(index = 1)]
	Committee,
}

/// A service's slashing policy: who slashes, how hard each tier hits, how long a request can be
/// vetoed. Set before any operator opts in; afterwards it may only become milder.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug, PartialEq, Eq,
)]
pub struct SlashPolicy<AccountId, BlockNumber> {
	/// Who may request slashes.
	pub slasher: Slasher<AccountId>,
	/// Fraction of the slashable stake a `Minor` slash takes (from the self-bond only).
	pub minor: Perbill,
	/// Fraction a `Major` slash takes (self-bond first, then the pool).
	pub major: Perbill,
	/// Fraction a `Critical` slash takes (self-bond and pool pro rata).
	pub critical: Perbill,
	/// Most one request may take; every tier's fraction is at most this.
	pub max_per_incident: Perbill,
	/// Blocks between a request and its earliest execution, during which it can be vetoed or
	/// disputed.
	pub veto_window: BlockNumber,
}

impl<AccountId: PartialEq, BlockNumber: PartialOrd> SlashPolicy<AccountId, BlockNumber> {
	/// The fraction `tier` takes.
	pub fn fraction(&self, tier: SlashTier) -> Perbill {
		match tier {
			SlashTier::Minor => self.minor,
			SlashTier::Major => self.major,
			SlashTier::Critical => self.critical,
		}
	}

	/// Whether every tier stays within the per-incident maximum.
	pub fn tiers_within_maximum(&self) -> bool {
		[self.minor, self.major, self.critical]
			.iter()
			.all(|f| *f <= self.max_per_incident)
	}

	/// The share of an operator's whole slashable stake one slash is sure to take: the
	/// `Critical` tier (pro rata over self-bond and pool), at most the per-incident cap.
	pub fn max_slash(&self) -> Perbill {
		self.critical.min(self.max_per_incident)
	}

	/// Whether `self` is nowhere harsher than `old`: the same slasher, no larger fraction, no
	/// shorter veto window.
	pub fn no_harsher_than(&self, old: &Self) -> bool {
		self.slasher == old.slasher
			&& self.minor <= old.minor
			&& self.major <= old.major
			&& self.critical <= old.critical
			&& self.max_per_incident <= old.max_per_incident
			&& self.veto_window >= old.veto_window
	}
}

/// The policy type of a runtime.
pub type PolicyOf<T> = SlashPolicy<<T as frame_system::Config>::AccountId, BlockNumberFor<T>>;

/// A request of `SlashRequest` type, for a runtime.
pub type RequestOf<T> = restaking_primitives::slashing::SlashRequest<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	BlockNumberFor<T>,
>;

/// A record of an executed slash, for a runtime.
pub type RecordOf<T> = restaking_primitives::slashing::SlashRecord<
	<T as frame_system::Config>::AccountId,
	BalanceOf<T>,
	BlockNumberFor<T>,
>;

/// A drop of a service's security, for a runtime.
pub type DropOf<T> = restaking_primitives::slashing::SecurityDrop<BalanceOf<T>, BlockNumberFor<T>>;

/// One request counted against an operator's slash window.
#[derive(Clone, Copy, Encode, Decode, MaxEncodedLen, TypeInfo, Debug, PartialEq, Eq)]
pub struct WindowEntry<BlockNumber> {
	/// The request.
	pub id: SlashId,
	/// When it was requested.
	pub at: BlockNumber,
	/// The fraction it asks for, after clipping.
	pub fraction: Perbill,
}

/// Requests of one service waiting against one operator.
#[derive(Clone, Copy, Encode, Decode, MaxEncodedLen, TypeInfo, Debug, PartialEq, Eq)]
pub struct PairPending<BlockNumber> {
	/// How many wait.
	pub count: u32,
	/// The block of the first request since some began waiting: the allocation hold starts
	/// there.
	pub since: BlockNumber,
	/// The block of the latest request since then (every waiting one was made by then).
	pub latest: BlockNumber,
}

/// Service slashes executed against an operator, in total.
#[derive(Clone, Copy, Default, Encode, Decode, MaxEncodedLen, TypeInfo, Debug, PartialEq, Eq)]
pub struct SlashTotals<Balance> {
	/// Number of executed slashes.
	pub count: u32,
	/// Taken from the operator's self-bond.
	pub from_self_bond: Balance,
	/// Taken from its delegators' pool.
	pub from_pool: Balance,
}
