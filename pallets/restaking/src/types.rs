//! Types stored by the restaking pallet.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use frame_support::{
	traits::Get, BoundedVec, CloneNoBound, DebugNoBound, DefaultNoBound, PartialEqNoBound,
};
use scale_info::TypeInfo;
use sp_runtime::{
	traits::{Saturating, Zero},
	FixedPointNumber, FixedU128, Perbill, Perquintill,
};

use crate::{BalanceOf, BlockNumberFor, Config};

pub use restaking_primitives::restaking::ServiceStatus;

/// A registered service ("actively validated service").
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct Service<T: Config> {
	/// Who registered it and may manage it.
	pub owner: T::AccountId,
	/// Held from the owner while the service is not retired.
	pub deposit: BalanceOf<T>,
	/// Free-form description (a URL, a name).
	pub metadata: BoundedVec<u8, T::MaxMetadataLen>,
	/// Least self-bond an operator needs to opt in.
	pub min_operator_stake: BalanceOf<T>,
	/// Most operators that may opt in (at most `MaxOperatorsPerService`).
	pub max_operators: u32,
	/// Whether the owner must approve an operator's opt-in before it can allocate.
	pub requires_approval: bool,
	/// Lifecycle state.
	pub status: ServiceStatus,
	/// Rewards funded by the owner and not yet paid out.
	pub reward_budget: BalanceOf<T>,
	/// Operators that hold a place among the service's operators: approved members (every
	/// member of a service without approval). Candidates waiting for approval hold none.
	pub operator_count: u32,
}

/// A registered operator and its delegation pool.
///
/// The pool's value is `total_shares × factor`. A slash lowers `factor` once, whatever the
/// number of delegators; each delegator's loss is realized when that delegator is next touched.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct Operator<T: Config> {
	/// Own stake, held from the operator's free balance: first-loss capital.
	pub self_bond: BalanceOf<T>,
	/// Registration deposit, held.
	pub deposit: BalanceOf<T>,
	/// Share of rewards the operator keeps before the rest is split per share.
	pub commission: Perbill,
	/// A commission change and the block from which it applies.
	pub pending_commission: Option<(Perbill, BlockNumberFor<T>)>,
	/// Free-form description.
	pub metadata: BoundedVec<u8, T::MaxMetadataLen>,
	/// Total allocatable magnitude; starts at one and only ever falls (with slashes).
	pub max_magnitude: Perquintill,
	/// Shares of every delegator, including those queued for withdrawal.
	pub total_shares: BalanceOf<T>,
	/// Shares of delegators not queued for withdrawal: the ones that earn rewards.
	pub active_shares: BalanceOf<T>,
	/// Value of one share, 1 at registration; falls with every slash of the pool.
	pub factor: FixedU128,
	/// Rewards per active share paid to the pool since registration.
	pub reward_per_share: FixedU128,
	/// Insurance compensation per share (active and withdrawing) paid to the pool since
	/// registration.
	pub compensation_per_share: FixedU128,
	/// Stakers delegating to this operator (active or withdrawing).
	pub delegator_count: u32,
	/// Services this operator has opted in to.
	pub service_count: u32,
	/// Whether the operator is closing its pool: it takes no new delegations, and anyone may
	/// start undelegating its delegators' stake (still slashable for the delay) so that it can
	/// deregister.
	pub closing: bool,
	/// Active shares that entered the pool in the block of its latest delegation: they earn no
	/// rewards paid in that block.
	pub fresh: FreshShares<T>,
}

/// Active shares that entered a pool in `block`, and how many stakers hold them. Only
/// meaningful while `block` is the current block.
#[derive(
	Encode,
	Decode,
	MaxEncodedLen,
	TypeInfo,
	CloneNoBound,
	PartialEqNoBound,
	DebugNoBound,
	DefaultNoBound,
)]
#[scale_info(skip_type_params(T))]
pub struct FreshShares<T: Config> {
	/// The block the shares entered in.
	pub block: BlockNumberFor<T>,
	/// Active shares that entered in `block` and are still active.
	pub shares: BalanceOf<T>,
	/// Stakers holding them.
	pub stakers: u32,
	/// Shares that entered in `block` and left the active ones in it (for a withdrawal, or
	/// burnt): they do not size the delegators' part of a payment in `block` either.
	pub left: BalanceOf<T>,
}

/// A staker's active shares that entered its pool in `block`.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct FreshPart<T: Config> {
	/// The block they entered in.
	pub block: BlockNumberFor<T>,
	/// How many of the staker's active shares entered then (at most all of them).
	pub shares: BalanceOf<T>,
}

/// The pool's reward accumulator after the last reward payment of a block in which fresh
/// shares sat in the pool, kept until every staker holding such shares has been checkpointed.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, Clone, Copy, PartialEq, Eq, Debug)]
pub struct FreshRewardMark {
	/// `reward_per_share` at the end of the block (so far, while it is the current block).
	pub reward_per_share: FixedU128,
	/// Stakers whose fresh shares of that block have not been checkpointed since.
	pub stakers: u32,
}

impl<T: Config> Operator<T> {
	/// Value of `shares` in this pool, rounded down (against the holder).
	pub fn value_of(&self, shares: BalanceOf<T>) -> BalanceOf<T> {
		self.factor.saturating_mul_int(shares)
	}

	/// The delegators' pool value, rounded down.
	pub fn pool_value(&self) -> BalanceOf<T> {
		self.value_of(self.total_shares)
	}

	/// Everything the operator puts at stake: self-bond and pool.
	pub fn restaked(&self) -> BalanceOf<T> {
		self.self_bond.saturating_add(self.pool_value())
	}

	/// The commission in force at `now`.
	pub fn commission_at(&self, now: BlockNumberFor<T>) -> Perbill {
		match self.pending_commission {
			Some((next, at)) if at <= now => next,
			_ => self.commission,
		}
	}
}

/// An operator's membership of a service: opt-in, approval and allocated magnitude.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct Membership<T: Config> {
	/// Whether the operator may allocate and holds a place among the service's operators
	/// (always true for services without approval; false again once the owner removed it).
	pub approved: bool,
	/// Magnitude in force.
	pub magnitude: Perquintill,
	/// A magnitude change and the block from which it applies. Increases wait
	/// `AllocationDelay`, decreases `DeallocationDelay`; until then the old magnitude holds.
	pub pending: Option<(Perquintill, BlockNumberFor<T>)>,
}

/// While slashes of the operator by the service wait, the block of the first of them: a
/// decrease not in force by then is held, even past its delay. `None`: changes apply when due.
pub type Held<T> = Option<BlockNumberFor<T>>;

impl<T: Config> Membership<T> {
	/// The pending change, if it applies at `now`.
	fn due(&self, now: BlockNumberFor<T>, held: Held<T>) -> Option<Perquintill> {
		match self.pending {
			Some((next, at))
				if at <= now
					&& !(next < self.magnitude && held.is_some_and(|since| at > since)) =>
			{
				Some(next)
			},
			_ => None,
		}
	}

	/// The magnitude in force at `now`.
	pub fn magnitude_at(&self, now: BlockNumberFor<T>, held: Held<T>) -> Perquintill {
		self.due(now, held).unwrap_or(self.magnitude)
	}

	/// Apply a pending change that is due at `now`.
	pub fn apply_due_change(&mut self, now: BlockNumberFor<T>, held: Held<T>) {
		if let Some(next) = self.due(now, held) {
			self.magnitude = next;
			self.pending = None;
		}
	}

	/// What this membership holds against the operator's leverage bound at `now`: the larger
	/// of the magnitude in force and a pending one (a pending decrease is still slashable, a
	/// pending increase is already promised).
	pub fn encumbered_at(&self, now: BlockNumberFor<T>, held: Held<T>) -> Perquintill {
		match (self.due(now, held), self.pending) {
			(Some(next), _) => next,
			(None, Some((next, _))) => self.magnitude.max(next),
			(None, None) => self.magnitude,
		}
	}

	/// Whether anything is allocated or promised at `now`.
	pub fn is_allocated(&self, now: BlockNumberFor<T>, held: Held<T>) -> bool {
		!self.encumbered_at(now, held).is_zero()
	}
}

/// Stake queued to leave an operator's pool: still slashable until `unlock_at`.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct Withdrawal<T: Config> {
	/// Pool shares that left the active stake.
	pub shares: BalanceOf<T>,
	/// Their value at the staker's last checkpoint (what stays frozen).
	pub value: BalanceOf<T>,
	/// First block at which the withdrawal can complete.
	pub unlock_at: BlockNumberFor<T>,
	/// `compensation_per_share` of the pool at the staker's last checkpoint: withdrawing
	/// shares bear the pool's slashes, so they share its compensation too.
	pub compensation_checkpoint: FixedU128,
}

/// A staker's restaking position with one operator.
///
/// `value` and each withdrawal's `value` are the frozen amounts, as of the staker's last
/// checkpoint. The pending loss is `value − shares × factor` (and likewise for withdrawals):
/// it is taken from the staker's bond when the staker is next touched.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct StakerLedger<T: Config> {
	/// The operator this staker delegates to.
	pub operator: T::AccountId,
	/// Active shares in the operator's pool.
	pub shares: BalanceOf<T>,
	/// Value of the active shares at the last checkpoint.
	pub value: BalanceOf<T>,
	/// `reward_per_share` of the pool at the last checkpoint.
	pub reward_checkpoint: FixedU128,
	/// `compensation_per_share` of the pool at the last checkpoint.
	pub compensation_checkpoint: FixedU128,
	/// Rewards earned up to the last checkpoint and not yet claimed.
	pub unclaimed_rewards: BalanceOf<T>,
	/// Compensation earned up to the last checkpoint and not yet claimed.
	pub unclaimed_compensation: BalanceOf<T>,
	/// Value waiting in the outflow queue to start undelegating (still active).
	pub queued_outflow: BalanceOf<T>,
	/// Withdrawals in their undelegation delay.
	pub withdrawals: BoundedVec<Withdrawal<T>, T::MaxWithdrawals>,
	/// A realized loss that could not be collected yet (the funds sat in another hold). It
	/// stays frozen, is collected at every later touch, and blocks the staker's exits and
	/// claims until it is paid.
	pub debt: BalanceOf<T>,
	/// Active shares that entered in the block of the staker's latest delegation: rewards paid
	/// to the pool in that block do not accrue to them.
	pub fresh: Option<FreshPart<T>>,
}

impl<T: Config> StakerLedger<T> {
	/// A fresh position with `operator`, checkpointed at the pool's accumulators.
	pub fn new(operator: T::AccountId, pool: &Operator<T>) -> Self {
		Self {
			operator,
			shares: Zero::zero(),
			value: Zero::zero(),
			reward_checkpoint: pool.reward_per_share,
			compensation_checkpoint: pool.compensation_per_share,
			unclaimed_rewards: Zero::zero(),
			unclaimed_compensation: Zero::zero(),
			queued_outflow: Zero::zero(),
			withdrawals: Default::default(),
			debt: Zero::zero(),
			fresh: None,
		}
	}

	/// Everything frozen for this position: active value, queued withdrawals and the debt.
	pub fn frozen(&self) -> BalanceOf<T> {
		self.withdrawals
			.iter()
			.fold(self.value, |acc, w| acc.saturating_add(w.value))
			.saturating_add(self.debt)
	}

	/// Active value and queued withdrawals: what the position is worth at its checkpoint.
	pub fn restaked(&self) -> BalanceOf<T> {
		self.frozen().saturating_sub(self.debt)
	}

	/// Loss not yet realized at the pool's current factor.
	pub fn pending_loss(&self, pool: &Operator<T>) -> BalanceOf<T> {
		let active = self.value.saturating_sub(pool.value_of(self.shares));
		self.withdrawals.iter().fold(active, |acc, w| {
			acc.saturating_add(w.value.saturating_sub(pool.value_of(w.shares)))
		})
	}

	/// Rewards and compensation earned since the last checkpoint, at block `now`. `mark` is the
	/// pool's [`FreshRewardMark`] of the block the staker's fresh shares entered in, if any:
	/// rewards paid in that block accrue to the other shares only.
	pub fn accrued(
		&self,
		pool: &Operator<T>,
		now: BlockNumberFor<T>,
		mark: Option<FixedU128>,
	) -> (BalanceOf<T>, BalanceOf<T>) {
		let owed = |to: FixedU128, from: FixedU128, shares: BalanceOf<T>| -> BalanceOf<T> {
			to.saturating_sub(from).saturating_mul_int(shares)
		};
		let (acc, checkpoint) = (pool.reward_per_share, self.reward_checkpoint);
		let rewards = match (&self.fresh, mark) {
			(Some(fresh), _) if fresh.block == now => {
				owed(acc, checkpoint, self.shares.saturating_sub(fresh.shares))
			},
			(Some(fresh), Some(end)) => {
				let end = end.max(checkpoint);
				owed(end, checkpoint, self.shares.saturating_sub(fresh.shares))
					.saturating_add(owed(acc, end, self.shares))
			},
			_ => owed(acc, checkpoint, self.shares),
		};
		let acc = pool.compensation_per_share;
		let compensation = self
			.withdrawals
			.iter()
			.fold(owed(acc, self.compensation_checkpoint, self.shares), |sum, w| {
				sum.saturating_add(owed(acc, w.compensation_checkpoint, w.shares))
			});
		(rewards, compensation)
	}

	/// Whether nothing is left in this position: no shares, no value (so no pending loss), no
	/// queued outflow, no withdrawals, nothing unclaimed, no debt.
	pub fn is_empty(&self) -> bool {
		self.shares.is_zero()
			&& self.value.is_zero()
			&& self.queued_outflow.is_zero()
			&& self.withdrawals.is_empty()
			&& self.unclaimed_rewards.is_zero()
			&& self.unclaimed_compensation.is_zero()
			&& self.debt.is_zero()
	}
}

/// A loss owed by an account whose position closed before it could be collected.
#[derive(Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, DebugNoBound)]
#[scale_info(skip_type_params(T))]
pub struct Debt<T: Config> {
	/// The operator whose pool the loss came from.
	pub operator: T::AccountId,
	/// What is still owed.
	pub amount: BalanceOf<T>,
}

/// Caps and the diversification curve, settable by root within their bounds.
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
pub struct Parameters {
	/// Most a staker may restake, as a share of its active bond.
	pub max_restake_ratio: Perbill,
	/// Most of all restaked stake one operator may hold.
	pub max_operator_share: Perbill,
	/// Most of one service's slashable stake one operator may hold.
	pub max_service_operator_share: Perbill,
	/// Most of all restaked stake that may start undelegating in one era.
	pub max_outflow_per_era: Perbill,
	/// Operator share of total restake from which reward payouts shrink.
	pub concentration_threshold: Perbill,
	/// Share of a payout a pool still gets when it is at `max_operator_share`.
	pub concentration_floor: Perbill,
}

impl Parameters {
	/// Whether every cap is a fraction in (0, 1] and the curve is well formed.
	pub fn is_valid(&self) -> bool {
		!self.max_restake_ratio.is_zero()
			&& !self.max_operator_share.is_zero()
			&& !self.max_service_operator_share.is_zero()
			&& !self.max_outflow_per_era.is_zero()
			&& self.concentration_threshold <= self.max_operator_share
	}

	/// Share of a payout a pool holding `share` of all restake receives: one up to the
	/// threshold, then linearly down to the floor at the cap.
	pub fn concentration_factor(&self, share: Perbill) -> Perbill {
		if share <= self.concentration_threshold {
			return Perbill::one();
		}
		let span = self.max_operator_share.saturating_sub(self.concentration_threshold);
		if span.is_zero() || share >= self.max_operator_share {
			return self.concentration_floor;
		}
		let over = share.saturating_sub(self.concentration_threshold);
		let cut = Perbill::from_rational(over.deconstruct(), span.deconstruct());
		let drop = cut * Perbill::one().saturating_sub(self.concentration_floor).deconstruct();
		Perbill::from_parts(Perbill::one().deconstruct().saturating_sub(drop))
	}
}

/// Value of one share when an operator registers.
pub fn initial_factor() -> FixedU128 {
	FixedU128::from_u32(1)
}

/// Value-per-share factors below this are treated as a depleted pool that takes no new stake.
pub fn min_factor() -> FixedU128 {
	FixedU128::from_rational(1, 1_000_000_000)
}

/// Outflow accounting of the current era.
#[derive(Clone, Copy, Encode, Decode, MaxEncodedLen, TypeInfo, Debug, PartialEq, Eq, Default)]
pub struct EraOutflow<Balance> {
	/// The era the figure belongs to.
	pub era: sp_staking::EraIndex,
	/// Value that started undelegating in it.
	pub amount: Balance,
}

/// Bound of the outflow queue, from the configuration.
pub struct OutflowQueueBound<T>(core::marker::PhantomData<T>);
impl<T: Config> Get<u32> for OutflowQueueBound<T> {
	fn get() -> u32 {
		T::MaxOutflowQueue::get()
	}
}

/// Bound of an operator's yield history: the eras a yield is over and the current one.
pub struct HistoryBound<T>(core::marker::PhantomData<T>);
impl<T: Config> Get<u32> for HistoryBound<T> {
	fn get() -> u32 {
		T::YieldEras::get().saturating_add(1)
	}
}
