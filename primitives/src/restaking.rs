//! Restaking types and the traits through which the pallets, and the base staking layer, talk
//! to each other. The runtime wires concrete pallets to these traits; a fork that swaps the
//! staking backend writes new adapters and keeps the pallets.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::{DispatchError, DispatchResult, FixedU128, Perbill};
use sp_staking::EraIndex;

/// Identifier of a registered service.
pub type ServiceId = u32;

/// Lifecycle of a service.
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
pub enum ServiceStatus {
	/// Takes opt-ins, allocations and reward payments.
	#[codec(index = 0)]
	Active,
	/// Takes no new opt-ins or allocations; existing ones stay slashable.
	#[codec(index = 1)]
	Paused,
	/// Closed for good: nothing allocated, deposit returned.
	#[codec(index = 2)]
	Retired,
}

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
	#[codec(index = 0)]
	Minor,
	/// The self-bond pays first, then the delegators' pool.
	#[codec(index = 1)]
	Major,
	/// Self-bond and pool pay pro rata to their slashable stake.
	#[codec(index = 2)]
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

/// What the restaking pallet needs from the base staking layer beyond
/// [`sp_staking::StakingInterface`], which it reads stakes through: the active era, the
/// chain-wide stake, a way to take a realized loss out of a bond, and (for the yield estimate)
/// what an era paid. `pallet-restaking`'s `adapters` implement it for `pallet-staking` and
/// `pallet-staking-async`; a chain with another stake source implements it beside
/// `StakingInterface`.
pub trait StakingExtension<AccountId, Balance> {
	/// What a slash of bonded funds yields (an imbalance the caller routes on).
	type Credit;

	/// The era whose stake is live: the one rewards are paid and offences are judged for.
	/// Restaking dates its records by it. It is not always
	/// [`StakingInterface::current_era`](sp_staking::StakingInterface::current_era): that is the
	/// planned era in `pallet-staking` (one session ahead while an election runs) and the
	/// active era in `pallet-staking-async`.
	fn active_era() -> EraIndex;

	/// Everything bonded on the base layer, as exposed in the active era.
	fn total_staked() -> Balance;

	/// Take up to `amount` from `who`'s bond. Returns the funds taken and how much that is.
	fn slash_bonded(who: &AccountId, amount: Balance) -> (Self::Credit, Balance);

	/// What the base layer owes `who` for `era` (claimed or not) and the stake it was earned
	/// on: `who`'s exposure behind the validators it backed in that era, its own as a validator
	/// included. `None` when the era is not paid out yet, no longer kept, or `who` backed
	/// nothing in it. Read by the yield estimate only (`docs/architecture.md`, "Yield"); a
	/// backend without era payouts keeps the default.
	fn era_payout(_who: &AccountId, _era: EraIndex) -> Option<EraPayout<Balance>> {
		None
	}
}

/// A staker's base-layer payout for one era (see [`StakingExtension::era_payout`]).
#[derive(Clone, Copy, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct EraPayout<Balance> {
	/// What the era pays it.
	pub reward: Balance,
	/// The stake it was exposed with.
	pub stake: Balance,
}

/// What an operator's pool earned and lost in one era: the yield history
/// (`docs/architecture.md`, "Yield"). The rates are per unit of value at `factor`, the value of
/// a share when the record opened (only the slashes recorded here move it within the era), so a
/// unit of value delegated through the era earned `reward_rate` and lost `loss_rate`, whatever
/// the pool's size at each event.
#[derive(
	Clone,
	Copy,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
)]
pub struct PoolEra<Balance> {
	/// The base-layer era.
	pub era: EraIndex,
	/// The value of one pool share when the record opened: the unit the rates are per.
	pub factor: FixedU128,
	/// Service rewards credited to the delegators, net of commission.
	pub rewards: Balance,
	/// Service rewards the operator kept: its commission and its self-bond's part.
	pub to_operator: Balance,
	/// Insurance compensation paid to the pool.
	pub compensation: Balance,
	/// Value slashes took from the pool (service slashes, and base-layer slashes of the
	/// operator).
	pub losses: Balance,
	/// Rewards per unit of earning value: the sum of each payment's reward per share over
	/// `factor`.
	pub reward_rate: FixedU128,
	/// Compensation per unit of value (withdrawing shares included).
	pub compensation_rate: FixedU128,
	/// Value the slashes took per unit: `1 − factor after the era's slashes / factor`.
	pub loss_rate: FixedU128,
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

	/// Slash `operator` for `service` with the given tier: `fraction` of `at_request`, the
	/// slashable stake `(self-bond part, pool part)` when the slash was requested, each part
	/// taken from what the service can slash now (at most all of it). Stake that arrived after
	/// the request therefore never pays for it, and neither part can shift onto the other.
	/// The self-bond part is taken at once; the pool part lowers the pool's value per share and
	/// is realized per delegator later. Allocations shrink so that, with unique stake, other
	/// services keep their slashable stake.
	fn slash(
		operator: &AccountId,
		service: ServiceId,
		fraction: Perbill,
		tier: SlashTier,
		at_request: (Balance, Balance),
	) -> Result<SlashOutcome<Balance>, DispatchError>;

	/// Whether any operator of `service` has a magnitude allocated to it, in force or pending.
	/// A first slashing policy may only be set while none has: operators that merely opted in
	/// have nothing at stake yet and can still leave before allocating.
	fn service_has_allocations(service: ServiceId) -> bool;

	/// Before `service`'s slashes are capped lower, from `before` to `after` (a milder slashing
	/// policy): the restaking layer's overcollateralization floor judges it as it judges a risk
	/// profile (refused where the runtime refuses declarations below its floor, else a service
	/// it takes below the floor is reported).
	fn check_milder_slashes(service: ServiceId, before: Perbill, after: Perbill) -> DispatchResult;

	/// The most [`Self::check_milder_slashes`] can weigh.
	fn milder_slashes_weight() -> sp_runtime::Weight;

	/// How the losses imposed on `operator`'s pool have been carried so far.
	fn pool_losses(operator: &AccountId) -> LossLedger<Balance>;

	/// Move `amount` from `from` into `operator`'s pool as compensation for its delegators,
	/// split per active share (claimed with rewards). Fails when the pool has no active
	/// delegators. Returns the amount moved.
	fn compensate(
		operator: &AccountId,
		from: &AccountId,
		amount: Balance,
	) -> Result<Balance, DispatchError>;
}

/// A staker's side of restaking, for pallets that restake on behalf of others (the liquid
/// vaults): the same calls a staker signs, and what its position is worth.
pub trait DelegationInterface<AccountId, Balance> {
	/// Whether `who` is a registered operator.
	fn is_operator(who: &AccountId) -> bool;

	/// Restake `amount` of `staker`'s active base-layer bond through `operator`.
	fn delegate(staker: &AccountId, operator: &AccountId, amount: Balance) -> DispatchResult;

	/// Start undelegating `amount` of `staker`'s active restaked value (the outflow cap may
	/// defer part of it). A staker at its withdrawal bound has the amount merged into its
	/// newest withdrawal, which then unlocks with the new one.
	fn undelegate(staker: &AccountId, amount: Balance) -> DispatchResult;

	/// The most the restaking layer's own checks of one [`Self::undelegate`] can weigh (the
	/// overcollateralization floor reads every operator of every service of the staker's
	/// operator; zero without a floor). A benchmark of an integration sees one service with
	/// one operator, so the integration adds this to every call that may undelegate.
	fn undelegation_checks_weight() -> sp_runtime::Weight;

	/// Complete `staker`'s withdrawals past their undelegation delay. Returns the value
	/// unfrozen. Fails like the signed call (nothing due, a slash of the operator waiting).
	fn withdraw(staker: &AccountId) -> Result<Balance, DispatchError>;

	/// Pay out `staker`'s rewards and compensation to it. Returns the amount paid. Fails like
	/// the signed call (nothing to claim).
	fn claim(staker: &AccountId) -> Result<Balance, DispatchError>;

	/// How much more `staker` may restake now: its restake ratio of its active bond less what
	/// it has restaked (active and withdrawing).
	fn restakeable(staker: &AccountId) -> Balance;

	/// `staker`'s position, valued at its operator's current factor; `None` without one.
	fn position(staker: &AccountId) -> Option<StakerPosition<AccountId, Balance>>;

	/// Per service: how much of `staker`'s restaked value it can slash now.
	fn slashable_by_service(staker: &AccountId) -> alloc::vec::Vec<(ServiceId, Balance)>;

	/// Whether a slash of `operator` waits: its delegators' stake can neither enter nor leave
	/// until it has executed or been vetoed, and an integration pooling stake behind it (a
	/// vault) must not pay anything out or take anything in meanwhile.
	fn slash_pending(operator: &AccountId) -> bool;
}

/// A staker's restaking position as the pool values it now.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug, PartialEq, Eq,
)]
pub struct StakerPosition<AccountId, Balance> {
	/// The operator it delegates to.
	pub operator: AccountId,
	/// Active restaked value (shares at the current factor), including any queued outflow.
	pub active: Balance,
	/// Value in withdrawals (shares at the current factor).
	pub withdrawing: Balance,
	/// The part of `withdrawing` past its undelegation delay.
	pub withdrawable: Balance,
	/// Active value that waits in the outflow queue.
	pub queued_outflow: Balance,
	/// Loss imposed by slashes and not yet taken from the staker's bond.
	pub pending_loss: Balance,
	/// Rewards and compensation it can claim.
	pub claimable: Balance,
	/// Of `claimable`, the compensation (insurance payouts for slashes its stake bore).
	pub compensation: Balance,
}

/// The losses imposed on one operator's pool and how far they have been realized on its
/// delegators. `imposed − realized` is what the delegators still owe (up to rounding).
#[derive(
	Clone,
	Copy,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	PartialEq,
	Eq,
)]
pub struct LossLedger<Balance> {
	/// Value taken from the pool by service slashes (the sum of their `from_pool`).
	pub from_service_slashes: Balance,
	/// Value taken from the pool by base-layer slashes of the operator.
	pub from_base_slashes: Balance,
	/// Losses realized on delegators (or absorbed by a base-layer slash of the delegator).
	pub realized: Balance,
	/// The part of `realized` taken out of delegators' bonds in the base staking layer: the
	/// downward contagion that lowers the backing of the validators they nominate.
	pub realized_from_bond: Balance,
	/// The most rounding can have moved delegators' losses away from the pool's drops in value:
	/// a unit per share record at each factor update, plus what base-layer slashes of
	/// delegators rounded against them. `realized + pending` stays within this of
	/// `from_service_slashes + from_base_slashes`.
	pub rounding: Balance,
}

/// Whether stake may move in or out of an operator's pool now. The slashing pallet answers
/// while a slash of the operator waits, so the slash lands in full on the stake that was there
/// at the request.
pub trait ExitGuard<AccountId, BlockNumber> {
	/// `true` while a slash of `operator` waits: its delegators cannot withdraw, nobody can
	/// delegate to it (stake that arrives after a fault must not pay for it), and it cannot
	/// deregister, leave a service or start a deallocation.
	fn exits_frozen(operator: &AccountId) -> bool;

	/// While slashes of `operator` by `service` wait, the block of the first of them: a
	/// decrease of the operator's allocation to the service that was not in force by then does
	/// not take effect, even once its delay has passed, so the requests can take what was
	/// allocated when they were made. `None` when nothing waits.
	fn allocation_frozen_since(operator: &AccountId, service: ServiceId) -> Option<BlockNumber>;

	/// While slashes of `operator` by `service` wait: the block of the first of them (as
	/// [`Self::allocation_frozen_since`]) and of the latest request made since. Every waiting
	/// request of the pair was made within that range. `None` when nothing waits.
	fn waiting_requests(
		operator: &AccountId,
		service: ServiceId,
	) -> Option<(BlockNumber, BlockNumber)>;
}

/// Ready-made restaking state for other pallets' benchmarks (implemented by the restaking
/// pallet when built with `runtime-benchmarks`).
pub trait RestakingBenchmarking<AccountId> {
	/// A fresh live service and a fresh operator (`index` makes both unique) allocated to it
	/// with all of its stake, effective now, with `delegators` delegators in its pool.
	fn allocated_operator(index: u32, delegators: u32) -> (ServiceId, AccountId);

	/// A fresh live service with no operators, and its owner.
	fn service(index: u32) -> (ServiceId, AccountId);

	/// Visit every delegator of `operator` and realize its pending loss, one at a time: the
	/// per-delegator work of a design that slashes every delegator at once (the eager baseline
	/// of the scaling report). Returns how many losses it realized.
	fn settle_each_delegator(operator: &AccountId) -> u32;

	/// Visit every delegator of `operator` and pay out what it can claim, one at a time: the
	/// eager way to hand out a payment to a pool. Returns how many claims it paid.
	fn claim_each_delegator(operator: &AccountId) -> u32;
}

impl<AccountId, BlockNumber> ExitGuard<AccountId, BlockNumber> for () {
	fn exits_frozen(_: &AccountId) -> bool {
		false
	}

	fn allocation_frozen_since(_: &AccountId, _: ServiceId) -> Option<BlockNumber> {
		None
	}

	fn waiting_requests(_: &AccountId, _: ServiceId) -> Option<(BlockNumber, BlockNumber)> {
		None
	}
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
