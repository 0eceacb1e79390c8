//! Runtime APIs of the restaking system: every account's exposure, every operator's and
//! service's security, and system-wide risk. Reachable from polkadot-js as
//! `api.call.restakingApi.<method>`.

use alloc::vec::Vec;
use codec::{Codec, Decode, Encode};
use scale_info::TypeInfo;
use sp_runtime::{FixedI128, FixedU128, Perbill, Perquintill};
use sp_staking::EraIndex;

use crate::{
	restaking::{LossLedger, PoolEra, ServiceId, ServiceStatus},
	slashing::{SecurityDrop, SlashId, SlashRecord, SlashRequest},
};

/// A staker's exposure to one service through its operator.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct ServiceExposure<Balance> {
	/// The service.
	pub service: ServiceId,
	/// How much of the staker's restaked value that service can slash now.
	pub slashable: Balance,
}

/// A queued withdrawal as the staker sees it.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct WithdrawalView<Balance, BlockNumber> {
	/// Value now (after any slash not yet realized).
	pub value: Balance,
	/// First block it can complete.
	pub unlock_at: BlockNumber,
}

/// Everything an account has at stake in restaking: its own delegation (if any) and its vault
/// tokens.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct StakerExposure<AccountId, Balance, BlockNumber> {
	/// The operator the account delegates to; `None` if it only holds vault tokens (then the
	/// delegation figures below are zero).
	pub operator: Option<AccountId>,
	/// Active restaked value now.
	pub restaked: Balance,
	/// Loss from slashes not yet taken from the staker's bond.
	pub pending_loss: Balance,
	/// Rewards earned and not claimed.
	pub pending_rewards: Balance,
	/// Insurance compensation earned and not claimed.
	pub pending_compensation: Balance,
	/// Value waiting in the outflow queue.
	pub queued_outflow: Balance,
	/// Withdrawals in their undelegation delay.
	pub withdrawals: Vec<WithdrawalView<Balance, BlockNumber>>,
	/// Per service: how much of the staker's value it can slash.
	pub services: Vec<ServiceExposure<Balance>>,
	/// The staker's active bond on the base layer.
	pub base_bond: Balance,
	/// Positions held through liquid restaking vault tokens.
	pub vaults: Vec<crate::liquid::VaultPosition<AccountId, Balance>>,
}

/// An operator's allocation to one service.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct AllocationView<Balance, BlockNumber> {
	/// The service.
	pub service: ServiceId,
	/// Magnitude in force.
	pub magnitude: Perquintill,
	/// A pending change and when it applies.
	pub pending: Option<(Perquintill, BlockNumber)>,
	/// Stake the service can slash now (self-bond and pool).
	pub slashable: Balance,
	/// Whether the service's owner approved the operator.
	pub approved: bool,
}

/// An operator, its pool and its allocations.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct OperatorProfile<Balance, BlockNumber> {
	/// Own stake (first-loss).
	pub self_bond: Balance,
	/// Delegators' pool value.
	pub pool_value: Balance,
	/// Value of one pool share.
	pub factor: FixedU128,
	/// Commission in force.
	pub commission: Perbill,
	/// A commission change and when it applies.
	pub pending_commission: Option<(Perbill, BlockNumber)>,
	/// Delegators (active or withdrawing).
	pub delegators: u32,
	/// Magnitude left to allocate from (falls with slashes).
	pub max_magnitude: Perquintill,
	/// Allocations per service.
	pub allocations: Vec<AllocationView<Balance, BlockNumber>>,
	/// Share of all restaked stake this operator holds.
	pub concentration: Perbill,
}

/// One operator's part of a service's security.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct OperatorStake<AccountId, Balance> {
	/// The operator.
	pub operator: AccountId,
	/// Its stake the service can slash now.
	pub slashable: Balance,
}

/// How well a service is secured.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct ServiceSecurity<AccountId, Balance> {
	/// The service's owner.
	pub owner: AccountId,
	/// Whether it is active, paused or retired.
	pub status: ServiceStatus,
	/// Stake the service can slash now, over all its operators.
	pub total_slashable: Balance,
	/// Per operator, largest first.
	pub operators: Vec<OperatorStake<AccountId, Balance>>,
	/// Share of the total held by the largest operator.
	pub largest_operator_share: Perbill,
	/// Fewest operators that together hold at least a third of the slashable stake.
	pub nakamoto_coefficient: u32,
	/// Reward budget left.
	pub reward_budget: Balance,
}

/// Operator ↔ services sharing its stake.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct ContagionEdge<AccountId> {
	/// The operator.
	pub operator: AccountId,
	/// Services backed by the operator's stake.
	pub services: Vec<ServiceId>,
}

/// Risk of the whole restaking system.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct SystemRisk<AccountId, Balance> {
	/// Everything restaked (self-bonds and pools).
	pub total_restaked: Balance,
	/// Everything bonded on the base layer.
	pub total_staked: Balance,
	/// `total_restaked / total_staked`.
	pub restaked_share: Perbill,
	/// Slashable stake summed over services, over total restaked (above one: the same stake
	/// backs several services).
	pub leverage: FixedU128,
	/// Share of all restake held by the `TOP_N` largest operators.
	pub top_operators_share: Perbill,
	/// Operators sharing their stake between several services.
	pub contagion: Vec<ContagionEdge<AccountId>>,
	/// Losses that could not be collected.
	pub shortfall: Balance,
}

/// A waiting slash request with its id.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct PendingSlash<AccountId, Balance, BlockNumber> {
	/// The request's id.
	pub id: SlashId,
	/// The request.
	pub request: SlashRequest<AccountId, Balance, BlockNumber>,
}

/// How slashes spread from and to one operator.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct ContagionReport<Balance, BlockNumber> {
	/// Upward: services whose slashable stake through the operator fell because of base-layer
	/// slashes, newest last (a bounded history).
	pub security_drops: Vec<SecurityDrop<Balance, BlockNumber>>,
	/// Downward and in total: the losses imposed on the operator's pool, how much has been
	/// realized, and how much of that came out of delegators' bonds in the base layer.
	pub losses: LossLedger<Balance>,
	/// Losses imposed but not yet realized on delegators.
	pub pending: Balance,
	/// Service slashes executed against the operator (all of them, not only those in the
	/// bounded history).
	pub service_slashes: u32,
}

/// A service's cost of corruption against its declared profit from corruption
/// (`docs/architecture.md`, "Systemic risk").
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct ServiceCorruption<Balance> {
	/// The service.
	pub service: ServiceId,
	/// Whether its owner declared a risk profile; if not, `π_s` counts as zero.
	pub declared: bool,
	/// `π_s`: what an attacker could take by corrupting it.
	pub profit_from_corruption: Balance,
	/// `α_s`: the share of the stake behind it an attacker must control.
	pub corruption_threshold: Perbill,
	/// `f_s`: the share of an operator's slashable stake one slash of the service takes (in
	/// the demo runtime its policy's `Critical` tier, which takes self-bond and pool pro rata).
	pub max_slash: Perbill,
	/// `S_s`: the stake it can slash now, over all its operators.
	pub stake_behind: Balance,
	/// `f_s·α_s·S_s`: the least a coalition holding `α_s` of that stake loses by corrupting it.
	pub cost_of_corruption: Balance,
	/// `cost_of_corruption / π_s`; `None` when `π_s` is zero.
	pub cost_to_profit: Option<FixedU128>,
	/// Whether corrupting it alone costs more than it pays (`cost_of_corruption > π_s`). An
	/// attack on it together with other services sharing its operators' stake can still pay:
	/// only `overcollateralization` accounts for those.
	pub secure: bool,
}

/// An operator's place in the per-operator overcollateralization condition.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct OperatorLoad<AccountId, Balance> {
	/// The operator.
	pub operator: AccountId,
	/// `σ_v`: its self-bond and pool.
	pub stake: Balance,
	/// `L_v` (rounded up); the condition holds for `γ` when `L_v ≤ 1 / (1 + γ)`.
	pub load: FixedU128,
	/// `1 − L_v`, saturating at zero: how far the load is below one, where the condition
	/// stops holding even for `γ = 0`. (The operator's services could declare `1 / L_v` times
	/// their profits before that.)
	pub slack: FixedU128,
}

/// What the per-operator condition certifies about the whole network.
#[derive(Clone, Copy, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub enum Overcollateralization {
	/// No service declares a profit from corruption.
	Unbounded,
	/// Every feasible attack costs at least `(1 + γ)` times what it pays.
	Gamma(FixedU128),
	/// Some operator's load is above one, or a service with a profit has no stake: nothing is
	/// certified (the stress test looks for attacks).
	NotCertified,
}

/// The network's security against corruption (`securityReport`).
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct SecurityReport<AccountId, Balance> {
	/// Every service that is not retired.
	pub services: Vec<ServiceCorruption<Balance>>,
	/// Every operator.
	pub operators: Vec<OperatorLoad<AccountId, Balance>>,
	/// The largest `γ` the condition certifies.
	pub overcollateralization: Overcollateralization,
	/// The shock `ψ` asked about: a share of all stake.
	pub shock: Perbill,
	/// `(1 + 1/γ)·ψ`, capped at one: the paper's bound on what a `γ`-overcollateralized
	/// network loses to that shock and the attacks it enables (proven there for attacks that
	/// burn the attackers' whole stake; for the capped slashes here, checked by property tests,
	/// not proven). `None` when nothing is certified or `γ = 0`.
	pub cascade_bound: Option<Perbill>,
}

/// A shock for `stressTest`.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub enum Shock<AccountId> {
	/// Every operator loses this share of its stake.
	Uniform(Perbill),
	/// The listed operators lose these shares of their stake.
	Operators(Vec<(AccountId, Perbill)>),
}

/// One step of a cascade: a profitable attack on the network the earlier steps left.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct CascadeStep<AccountId, Balance> {
	/// The services corrupted.
	pub services: Vec<ServiceId>,
	/// The operators that corrupted them.
	pub operators: Vec<AccountId>,
	/// What the attack pays, `π(A)`.
	pub profit: Balance,
	/// What the slashes for it burn.
	pub burned: Balance,
}

/// What `stressTest` found.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct StressReport<AccountId, Balance> {
	/// All operators' stake before the shock.
	pub total_stake: Balance,
	/// Stake the shock destroyed.
	pub shocked: Balance,
	/// The attacks found, in order.
	pub steps: Vec<CascadeStep<AccountId, Balance>>,
	/// Stake the attacks burned.
	pub burned: Balance,
	/// `(shocked + burned) / total_stake`.
	pub lost: Perbill,
	/// `shocked / total_stake`: the shock `ψ` the bound is for.
	pub shock: Perbill,
	/// `(1 + 1/γ)·ψ` for the network before the shock (see `SecurityReport::cascade_bound`);
	/// `None` when nothing is certified or `γ = 0`.
	pub cascade_bound: Option<Perbill>,
	/// Whether the search stopped at its step limit with attacks possibly left.
	pub truncated: bool,
}

/// The eras a yield estimate is over: the last completed ones, at most the runtime's
/// `YieldEras` (`docs/architecture.md`, "Yield").
#[derive(Clone, Copy, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct YieldWindow {
	/// The first era counted.
	pub first_era: EraIndex,
	/// How many eras are counted (none before the operator's first record, nor the current
	/// one); zero leaves every rate at zero.
	pub eras: u32,
	/// The era in progress (not counted).
	pub current_era: EraIndex,
	/// Eras in a year, by which per-era figures are annualized.
	pub eras_per_year: u32,
}

/// One part of a yield: an amount over the window, the value it was earned on, and the rate
/// per year.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct YieldPart<Balance> {
	/// Earned (for losses: lost) over the window. For a staker's restaking parts, estimated:
	/// the per-unit rates applied to its restaked value now.
	pub amount: Balance,
	/// The value it was earned on (per era, on average).
	pub basis: Balance,
	/// `amount / basis` per era counted, times eras per year.
	pub per_year: FixedU128,
}

/// What a unit of value delegated to an operator earned and lost over the window, per year,
/// and the pool's figures behind it.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct OperatorYield<Balance> {
	/// The eras counted.
	pub window: YieldWindow,
	/// Service rewards net of commission.
	pub rewards: FixedU128,
	/// Insurance compensation.
	pub compensation: FixedU128,
	/// Realized slash losses (as value taken from the pool).
	pub losses: FixedU128,
	/// `rewards + compensation − losses`.
	pub net: FixedI128,
	/// The pool's records, oldest first: the window's eras that had any, then the current one
	/// if it has one.
	pub eras: Vec<PoolEra<Balance>>,
}

/// A staker's estimated yield: the base layer's, and its restaking's through its operator.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct StakerYield<AccountId, Balance> {
	/// The eras the restaking parts count (its operator's window).
	pub window: YieldWindow,
	/// The eras the base-layer part looks at: the last completed ones, at most `YieldEras`;
	/// those that paid the staker nothing (it backed no elected validator) count for nothing.
	pub base_window: YieldWindow,
	/// Its operator, `None` when it only stakes on the base layer.
	pub operator: Option<AccountId>,
	/// Base-layer staking: what its eras paid over its exposure in them.
	pub base: YieldPart<Balance>,
	/// Service rewards net of commission, on its active restaked value.
	pub rewards: YieldPart<Balance>,
	/// Insurance compensation, on its restaked value, withdrawals included.
	pub compensation: YieldPart<Balance>,
	/// Realized slash losses, on its restaked value, withdrawals included.
	pub losses: YieldPart<Balance>,
	/// All parts together over its base bond now, per year; `None` without a bond.
	pub net: Option<FixedI128>,
}

/// One page of a listing: at most the asked count (at least one, never more than
/// [`MAX_PAGE`]) in storage order, and the key to continue after, `None` on the last page.
#[derive(Clone, Encode, Decode, TypeInfo, Debug, PartialEq, Eq)]
pub struct Page<Key, Item> {
	/// The entries, each with its key.
	pub items: Vec<(Key, Item)>,
	/// Pass as `after` for the next page; `None` when nothing is left.
	pub next: Option<Key>,
}

/// The most entries a listing returns per page.
pub const MAX_PAGE: u32 = 100;

impl<Key: Clone, Item> Page<Key, Item> {
	/// The next page from `keys` (the listing's keys after the cursor, in storage order): at
	/// most `count` entries, `count` taken between 1 and `MAX_PAGE`, each with what `item`
	/// answers for its key (a key it answers `None` for is left out), and where to continue if
	/// any key is left.
	pub fn collect(
		keys: impl Iterator<Item = Key>,
		count: u32,
		item: impl Fn(&Key) -> Option<Item>,
	) -> Self {
		let limit = count.clamp(1, MAX_PAGE) as usize;
		let mut keys = keys.peekable();
		let mut items = Vec::new();
		while items.len() < limit {
			let Some(key) = keys.next() else { break };
			if let Some(found) = item(&key) {
				items.push((key, found));
			}
		}
		let next = keys.peek().and(items.last()).map(|(key, _)| key.clone());
		Self { items, next }
	}
}

/// The most steps `stressTest` searches.
pub const MAX_STRESS_STEPS: u32 = 64;

pub use crate::insurance::{CoverView, PoolState};

/// How many operators `SystemRisk::top_operators_share` counts.
pub const TOP_N: usize = 3;

sp_api::decl_runtime_apis! {
	/// The restaking system's state for wallets, dashboards and tests.
	///
	/// Version 2 adds `security_report` and `stress_test`; version 3 the yield estimates and
	/// the paged listings of services and operators.
	pub trait RestakingApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// An account's position, `None` if it neither restakes nor holds vault tokens.
		fn staker_exposure(who: AccountId) -> Option<StakerExposure<AccountId, Balance, BlockNumber>>;
		/// An operator's pool and allocations, `None` if not an operator.
		fn operator_profile(operator: AccountId) -> Option<OperatorProfile<Balance, BlockNumber>>;
		/// A service's security, `None` if unknown.
		fn service_security(service: ServiceId) -> Option<ServiceSecurity<AccountId, Balance>>;
		/// System-wide risk figures.
		fn system_risk() -> SystemRisk<AccountId, Balance>;
		/// Every service's cost of corruption against its declared profit, every operator's
		/// load in the overcollateralization condition, the `γ` it certifies and the cascade
		/// bound for a shock of `shock` of all stake.
		#[api_version(2)]
		fn security_report(shock: Perbill) -> SecurityReport<AccountId, Balance>;
		/// Apply `shock`, then search for profitable attacks step by step (at most
		/// `min(max_steps, MAX_STRESS_STEPS)` steps).
		#[api_version(2)]
		fn stress_test(shock: Shock<AccountId>, max_steps: u32) -> StressReport<AccountId, Balance>;
		/// What a unit delegated to `operator` earned and lost per year over the last eras,
		/// with the pool's records; `None` if not an operator.
		#[api_version(3)]
		fn operator_yield(operator: AccountId) -> Option<OperatorYield<Balance>>;
		/// `who`'s estimated yield per year: base-layer staking, service rewards, compensation
		/// and losses; `None` if it neither stakes nor restakes.
		#[api_version(3)]
		fn staker_yield(who: AccountId) -> Option<StakerYield<AccountId, Balance>>;
		/// Services after `after` (from the first if `None`), with their security.
		#[api_version(3)]
		fn services(after: Option<ServiceId>, count: u32) -> Page<ServiceId, ServiceSecurity<AccountId, Balance>>;
		/// Operators after `after` (from the first if `None`), with their pools and allocations.
		#[api_version(3)]
		fn operators(after: Option<AccountId>, count: u32) -> Page<AccountId, OperatorProfile<Balance, BlockNumber>>;
	}

	/// Slashing: requests, records and contagion.
	pub trait SlashingApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// Slash requests waiting for their window, soonest first.
		fn pending_slashes() -> Vec<PendingSlash<AccountId, Balance, BlockNumber>>;
		/// The record of an executed slash.
		fn slash_record(id: SlashId) -> Option<SlashRecord<AccountId, Balance, BlockNumber>>;
		/// An operator's executed slashes, oldest first (a bounded history).
		fn operator_slash_history(operator: AccountId) -> Vec<SlashRecord<AccountId, Balance, BlockNumber>>;
		/// How slashes spread from and to the operator.
		fn contagion_report(operator: AccountId) -> ContagionReport<Balance, BlockNumber>;
	}

	/// Liquid restaking vaults. Version 2 adds the paged listing.
	pub trait LiquidRestakingApi<AccountId, Balance>
	where
		AccountId: Codec,
		Balance: Codec,
	{
		/// A vault's value, token supply, exchange rate, redemptions and exposure; `None` if
		/// unknown.
		fn vault_state(vault: crate::liquid::VaultId) -> Option<crate::liquid::VaultState<AccountId, Balance>>;
		/// Vaults after `after` (from the first if `None`), with their state.
		#[api_version(2)]
		fn vaults(after: Option<crate::liquid::VaultId>, count: u32) -> Page<crate::liquid::VaultId, crate::liquid::VaultState<AccountId, Balance>>;
	}

	/// Insurance: pools, quotes and covers. Version 2 adds the paged listing of pools.
	pub trait InsuranceApi<AccountId, Balance, BlockNumber>
	where
		AccountId: Codec,
		Balance: Codec,
		BlockNumber: Codec,
	{
		/// A pool's figures, `None` if unknown.
		fn pool_state(pool: crate::insurance::PoolId) -> Option<PoolState<AccountId, Balance>>;
		/// The premium for `amount` of cover on `(operator, service)` from `pool` over `period`
		/// blocks bought in the next block (as nothing else changes the pool first), or the
		/// error buying it would fail with.
		fn insurance_quote(
			pool: crate::insurance::PoolId,
			operator: AccountId,
			service: ServiceId,
			amount: Balance,
			period: BlockNumber,
		) -> Result<Balance, sp_runtime::DispatchError>;
		/// Covers on `(operator, service)` not yet released.
		fn covers_of(operator: AccountId, service: ServiceId) -> Vec<CoverView<AccountId, Balance, BlockNumber>>;
		/// Pools after `after` (from the first if `None`), with their figures.
		#[api_version(2)]
		fn pools(after: Option<crate::insurance::PoolId>, count: u32) -> Page<crate::insurance::PoolId, PoolState<AccountId, Balance>>;
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn listing(keys: core::ops::Range<u32>, count: u32) -> Page<u32, u32> {
		// Odd keys have no entry.
		Page::collect(keys, count, |k| (k % 2 == 0).then_some(k * 10))
	}

	#[test]
	fn a_page_holds_at_most_count_entries_and_says_where_to_continue() {
		let first = listing(0..10, 2);
		assert_eq!(first.items, vec![(0, 0), (2, 20)]);
		assert_eq!(first.next, Some(2));
		let next = first.next.unwrap();
		let last = listing(next + 1..10, 10);
		assert_eq!(last.items, vec![(4, 40), (6, 60), (8, 80)]);
		assert_eq!(last.next, None, "nothing is left after the last page");
	}

	#[test]
	fn a_page_never_exceeds_max_page() {
		let page = Page::collect(0..1_000u32, u32::MAX, |k| Some(*k));
		assert_eq!(page.items.len(), MAX_PAGE as usize);
		assert_eq!(page.next, Some(MAX_PAGE - 1));
	}

	#[test]
	fn a_key_left_without_an_entry_makes_one_more_empty_page() {
		let page = listing(0..4, 2);
		assert_eq!(page.items, vec![(0, 0), (2, 20)]);
		// Key 3 is left, though it has no entry: the page cannot know without reading it.
		assert_eq!(page.next, Some(2));
		assert_eq!(listing(3..4, 2), Page { items: vec![], next: None });
	}

	#[test]
	fn a_count_of_zero_asks_for_one_entry() {
		assert_eq!(listing(0..4, 0), Page { items: vec![(0, 0)], next: Some(0) });
	}
}
