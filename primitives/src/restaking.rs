//! Restaking types and the traits through which the pallets, and the base staking layer, talk
//! to each other. The runtime wires concrete pallets to these traits; a fork that swaps the
//! staking backend writes new adapters and keeps the pallets.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::{DispatchError, FixedU128, Perbill};
use sp_staking::EraIndex;

/// Identifier of a registered service.
pub type ServiceId = u32;

/// How hard a slash hits an operator, and whose stake pays.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
)]
pub enum SlashTier {
	/// Only the operator's self-bond pays.
	Minor,
	/// The self-bond pays first, then the delegators' pool.
	Major,
	/// Self-bond and pool pay pro rata to their slashable stake.
	Critical,
}

/// What a slash took, split by who pays, with the pool's value-per-share factor around it.
#[derive(
	Clone,
	Copy,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
)]
pub struct SlashOutcome<Balance> {
	/// Taken from the operator's self-bond (realized at once).
	pub from_self_bond: Balance,
	/// Taken from the delegators' pool (realized lazily, per delegator).
	pub from_pool: Balance,
	/// The pool's value per share before the slash.
	pub factor_before: FixedU128,
	/// The pool's value per share after the slash.
	pub factor_after: FixedU128,
}

impl<Balance: sp_runtime::traits::Saturating + Copy> SlashOutcome<Balance> {
	/// Everything the slash took.
	pub fn total(&self) -> Balance {
		self.from_self_bond.saturating_add(self.from_pool)
	}
}

/// The base staking layer as the restaking pallet sees it: stake to read and a way to take a
/// realized loss out of a staker's bond. The demo runtime implements it for `pallet-staking`.
pub trait BaseStaking<AccountId, Balance> {
	/// What a slash of bonded funds yields (an imbalance the caller routes on).
	type Credit;

	/// Active (bonded, not unbonding) stake of `who`, `None` if `who` is not a staker.
	fn active_stake(who: &AccountId) -> Option<Balance>;

	/// Total bonded stake of `who` (active and unbonding), `None` if not a staker.
	fn total_stake(who: &AccountId) -> Option<Balance>;

	/// Everything bonded on the base layer.
	fn total_staked() -> Balance;

	/// The current base-layer era.
	fn current_era() -> EraIndex;

	/// Take up to `amount` from `who`'s bond. Returns the funds taken and how much that is.
	fn slash_bonded(who: &AccountId, amount: Balance) -> (Self::Credit, Balance);
}

/// A service's view of one operator: what the slashing pallet needs from restaking.
pub trait RestakingInterface<AccountId, Balance> {
	/// Whether `service` exists and is not retired.
	fn service_is_live(service: ServiceId) -> bool;

	/// The account that owns `service`.
	fn service_owner(service: ServiceId) -> Option<AccountId>;

	/// The stake of `operator` that `service` can slash now: `(self-bond part, pool part)`.
	/// `None` if the operator has no allocation to the service.
	fn slashable_stake(operator: &AccountId, service: ServiceId) -> Option<(Balance, Balance)>;

	/// Slash `fraction` of `operator`'s slashable stake for `service` with the given tier.
	/// The self-bond part is taken at once; the pool part lowers the pool's value per share and
	/// is realized per delegator later. Allocations shrink so that, with unique stake, other
	/// services keep their slashable stake.
	fn slash(
		operator: &AccountId,
		service: ServiceId,
		fraction: Perbill,
		tier: SlashTier,
	) -> Result<SlashOutcome<Balance>, DispatchError>;
}

/// Told when an operator's stake backing a service drops outside a service slash (a
/// base-layer slash reaching restaking). The slashing pallet keeps the contagion history.
pub trait OnSecurityReduced<AccountId, Balance> {
	/// `operator`'s slashable stake for `service` dropped from `before` to `after`.
	fn on_security_reduced(
		operator: &AccountId,
		service: ServiceId,
		before: Balance,
		after: Balance,
	);
}

impl<AccountId, Balance> OnSecurityReduced<AccountId, Balance> for () {
	fn on_security_reduced(_: &AccountId, _: ServiceId, _: Balance, _: Balance) {}
}
