//! Systemic risk of a restaking network: cost of corruption, overcollateralization and
//! cascades, after Durvasula and Roughgarden, "Robust Restaking Networks" (ITCS 2025), adapted
//! to allocations and capped slashes. `docs/architecture.md` states the model and its proofs;
//! in short:
//!
//! - a service `s` declares the profit an attacker makes by corrupting it, `π_s`, and the share
//!   of the stake behind it an attacker must control to corrupt it, `α_s`; its slashing policy
//!   takes at most `f_s` of an operator's slashable stake for one fault;
//! - an operator `v` has stake `σ_v` (self-bond and pool) of which `w_vs` is slashable by `s`;
//!   the stake behind `s` is `S_s = Σ_v w_vs`;
//! - an attack is services `A` and operators `B`. It is feasible if for every `s` in `A` the
//!   operators of `B` hold at least `α_s` of `S_s`; it costs them what the slashes burn:
//!   `Σ_{v∈B} min(σ_v, Σ_{s∈A} f_s·w_vs)`; it is profitable if `π(A)` exceeds that cost;
//! - with `ρ_s = π_s / (α_s·S_s)`, an operator's load is
//!   `L_v = max(max_{s: w_vs>0} ρ_s / f_s, Σ_s (w_vs / σ_v)·ρ_s)`. If every `L_v ≤ 1 / (1 + γ)`,
//!   every feasible attack costs at least `(1 + γ)·π(A)`: the network is
//!   `γ`-overcollateralized, and no attack is profitable when `γ ≥ 0`.
//!
//! Everything here is integer arithmetic on `u128` (ratios in parts per 10^18, `FixedU128`'s
//! scale), rounded so that a load is never under-estimated and `γ` never over-estimated.

use alloc::{vec, vec::Vec};
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::{FixedPointNumber, FixedU128, PerThing, Perbill, Rounding};

/// One, in the parts per 10^18 that loads and `γ` are counted in.
pub const ONE: u128 = FixedU128::DIV;

/// What a service declares about its own corruption.
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
pub struct RiskProfile<Balance> {
	/// `π_s`: the value an attacker could take by corrupting the service.
	pub profit_from_corruption: Balance,
	/// `α_s`: the share of the stake behind the service an attacker must control to corrupt it
	/// (for example a third, or two thirds, of a BFT committee). Never zero.
	pub corruption_threshold: Perbill,
}

/// The most one slash of a service takes of an operator's slashable stake (`f_s`): the
/// slashing policy's answer, read by the restaking pallet's risk figures.
pub trait SlashCeiling {
	/// `f_s` of `service`.
	fn max_slash(service: crate::restaking::ServiceId) -> Perbill;
}

/// Every slash may take all of the slashable stake.
impl SlashCeiling for () {
	fn max_slash(_: crate::restaking::ServiceId) -> Perbill {
		Perbill::one()
	}
}

/// What a runtime does when an action takes a service below its
/// [`OvercollateralizationFloor`].
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
pub enum FloorEnforcement {
	/// Every such action goes through and is reported by an event.
	Report,
	/// A declaration (a risk profile, or a milder slashing policy) that leaves the service
	/// below the floor with less margin than before is refused; exits (undelegations,
	/// deallocations, removals) are still only reported, so that no declaration can hold
	/// stake in place.
	Refuse,
}

/// A least overcollateralization per service: the cost of corrupting a service alone,
/// `f_s·α_s·C_s` over the stake `C_s` committed behind it, must stay at least `(1 + γ)·π_s`.
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
pub struct OvercollateralizationFloor {
	/// `γ`: zero asks only that corrupting a service alone does not pay.
	pub gamma: FixedU128,
	/// Refuse or report.
	pub enforcement: FloorEnforcement,
}

impl OvercollateralizationFloor {
	/// The least cost of corruption a service declaring `profit` needs: `(1 + γ)·π`, rounded
	/// up, saturating.
	pub fn required(&self, profit: u128) -> u128 {
		profit.saturating_add(mul_div(self.gamma.into_inner(), profit, ONE, Rounding::Up))
	}
}

/// A service in the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServiceModel {
	/// `π_s`.
	pub profit: u128,
	/// `α_s`.
	pub threshold: Perbill,
	/// `f_s`: the most one slash of the service takes of an operator's slashable stake.
	pub max_fraction: Perbill,
}

/// An operator's stake that a service can slash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Edge {
	/// Index of the operator in [`Network::operators`].
	pub operator: usize,
	/// Index of the service in [`Network::services`].
	pub service: usize,
	/// `w_vs`.
	pub stake: u128,
}

/// A restaking network: services, operators' stakes and who secures whom.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Network {
	/// The services.
	pub services: Vec<ServiceModel>,
	/// `σ_v` of each operator.
	pub operators: Vec<u128>,
	/// Slashable stake per operator and service; at most one edge per pair, none with zero
	/// stake matters.
	pub edges: Vec<Edge>,
}

/// What the per-operator condition certifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Certificate {
	/// No service declares a profit: every attack gains nothing.
	Unbounded,
	/// Every feasible attack costs at least `(1 + γ)·π(A)`; `γ` in parts per 10^18.
	Gamma(u128),
	/// Some operator's load is above one: the condition certifies nothing (the network may
	/// still be secure; [`Network::stress`] searches for attacks).
	None,
}

/// `a · b / c` rounded as asked ([`crate::arithmetic::mul_div`]), saturating at `u128::MAX`
/// where that has no result (for `c = 0`, unless `a · b` is zero).
fn mul_div(a: u128, b: u128, c: u128, rounding: Rounding) -> u128 {
	crate::arithmetic::mul_div(a, b, c, rounding).unwrap_or(if a == 0 || b == 0 {
		0
	} else {
		u128::MAX
	})
}

/// `x · p` for a `Perbill` `p`, rounded as asked.
fn mul_perbill(p: Perbill, x: u128, rounding: Rounding) -> u128 {
	mul_div(x, p.deconstruct().into(), Perbill::ACCURACY.into(), rounding)
}

/// What one slash of `edge`'s service takes of it: `f_s·w_vs`, rounded up as the chain rounds
/// it.
fn slash_of(services: &[ServiceModel], edge: &Edge) -> u128 {
	let fraction = services.get(edge.service).map_or(Perbill::zero(), |s| s.max_fraction);
	mul_perbill(fraction, edge.stake, Rounding::Up)
}

impl ServiceModel {
	/// The least a feasible attack on the service alone costs when `behind` is the stake
	/// behind it, `f_s·α_s·S_s` (rounded down): what a coalition holding exactly `α_s` of that
	/// stake loses. A coalition of whole operators may need more stake, and lose more.
	pub fn cost_of_corruption(&self, behind: u128) -> u128 {
		mul_perbill(
			self.max_fraction,
			mul_perbill(self.threshold, behind, Rounding::Down),
			Rounding::Down,
		)
	}
}

/// A network's figures, computed together by [`Network::assess`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assessment {
	/// `S_s` of every service.
	pub stake_behind: Vec<u128>,
	/// `L_v` of every operator, in parts per 10^18, rounded up.
	pub loads: Vec<u128>,
	/// What the per-operator condition certifies.
	pub certificate: Certificate,
}

impl Network {
	/// `S_s` of every service.
	pub fn stake_behind(&self) -> Vec<u128> {
		let mut behind = vec![0u128; self.services.len()];
		for edge in &self.edges {
			if let Some(total) = behind.get_mut(edge.service) {
				*total = total.saturating_add(edge.stake);
			}
		}
		behind
	}

	/// `ρ_s = π_s / (α_s·S_s)` of every service, in parts per 10^18, rounded up (its
	/// denominator rounded down).
	fn rho(&self, behind: &[u128]) -> Vec<u128> {
		self.services
			.iter()
			.zip(behind)
			.map(|(service, total)| {
				let needed = mul_perbill(service.threshold, *total, Rounding::Down);
				mul_div(service.profit, ONE, needed, Rounding::Up)
			})
			.collect()
	}

	/// The cost of corruption of `service` ([`ServiceModel::cost_of_corruption`]).
	pub fn cost_of_corruption(&self, service: usize) -> u128 {
		let behind = self.stake_behind().get(service).copied().unwrap_or(0);
		self.services.get(service).map_or(0, |model| model.cost_of_corruption(behind))
	}

	/// The stake behind every service, every operator's load and the certificate, each
	/// computed once.
	pub fn assess(&self) -> Assessment {
		let stake_behind = self.stake_behind();
		let loads = self.loads_given(&stake_behind);
		let certificate = self.certificate_given(&stake_behind, &loads);
		Assessment { stake_behind, loads, certificate }
	}

	/// `L_v` of every operator, in parts per 10^18, rounded up.
	pub fn loads(&self) -> Vec<u128> {
		self.loads_given(&self.stake_behind())
	}

	fn loads_given(&self, behind: &[u128]) -> Vec<u128> {
		let rho = self.rho(behind);
		let mut edge_max = vec![0u128; self.operators.len()];
		let mut sum = vec![0u128; self.operators.len()];
		for edge in self.edges.iter().filter(|e| e.stake > 0) {
			let (Some(service), Some(rho), Some(stake)) = (
				self.services.get(edge.service),
				rho.get(edge.service),
				self.operators.get(edge.operator),
			) else {
				continue;
			};
			let per_fraction = mul_div(
				*rho,
				Perbill::ACCURACY.into(),
				service.max_fraction.deconstruct().into(),
				Rounding::Up,
			);
			if let Some(max) = edge_max.get_mut(edge.operator) {
				*max = (*max).max(per_fraction);
			}
			if let Some(total) = sum.get_mut(edge.operator) {
				*total = total.saturating_add(mul_div(*rho, edge.stake, *stake, Rounding::Up));
			}
		}
		edge_max.into_iter().zip(sum).map(|(a, b)| a.max(b)).collect()
	}

	/// The largest `γ` the per-operator condition certifies: `1 / max_v L_v − 1`, rounded down.
	/// A service that declares a profit and has no stake behind it (none that its threshold
	/// can count) is corrupted for free: then nothing is certified.
	pub fn certificate(&self) -> Certificate {
		self.assess().certificate
	}

	fn certificate_given(&self, behind: &[u128], loads: &[u128]) -> Certificate {
		let unsecured = self.services.iter().zip(behind).any(|(service, total)| {
			service.profit > 0 && mul_perbill(service.threshold, *total, Rounding::Down) == 0
		});
		let worst = loads.iter().copied().max().unwrap_or(0);
		if unsecured {
			Certificate::None
		} else if worst == 0 {
			Certificate::Unbounded
		} else if worst > ONE {
			Certificate::None
		} else {
			Certificate::Gamma(mul_div(ONE, ONE, worst, Rounding::Down).saturating_sub(ONE))
		}
	}

	/// Whether `(services, operators)` is a feasible attack: for every service of `services`,
	/// the operators hold at least `α_s·S_s` (rounded up) of the stake behind it.
	pub fn feasible(&self, services: &[usize], operators: &[usize]) -> bool {
		let behind = self.stake_behind();
		services.iter().all(|&s| {
			let (Some(model), Some(total)) = (self.services.get(s), behind.get(s)) else {
				return false;
			};
			let held = self
				.edges
				.iter()
				.filter(|e| e.service == s && operators.contains(&e.operator))
				.fold(0u128, |acc, e| acc.saturating_add(e.stake));
			held >= mul_perbill(model.threshold, *total, Rounding::Up)
		})
	}

	/// What the attack's slashes burn: `Σ_{v∈B} min(σ_v, Σ_{s∈A} f_s·w_vs)`, each slash rounded
	/// up as the chain rounds it (so never below the exact figure the certificate bounds).
	pub fn attack_cost(&self, services: &[usize], operators: &[usize]) -> u128 {
		operators
			.iter()
			.map(|&v| {
				let burned = self
					.edges
					.iter()
					.filter(|e| e.operator == v && services.contains(&e.service))
					.fold(0u128, |acc, e| acc.saturating_add(slash_of(&self.services, e)));
				burned.min(self.operators.get(v).copied().unwrap_or(0))
			})
			.fold(0u128, |acc, c| acc.saturating_add(c))
	}

	/// `π(A)`.
	pub fn profit(&self, services: &[usize]) -> u128 {
		services
			.iter()
			.filter_map(|&s| self.services.get(s))
			.fold(0u128, |acc, s| acc.saturating_add(s.profit))
	}
}

/// One step of a cascade: an attack found profitable on the network as the earlier steps left it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
	/// The services corrupted.
	pub services: Vec<usize>,
	/// The operators that corrupted them.
	pub operators: Vec<usize>,
	/// `π(A)`.
	pub profit: u128,
	/// What the attack's slashes burned.
	pub burned: u128,
}

/// What a stress test found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cascade {
	/// All stake before the shock, `Σ σ_v`.
	pub total_stake: u128,
	/// Stake the shock destroyed.
	pub shocked: u128,
	/// The profitable attacks found, in order.
	pub steps: Vec<Step>,
	/// Stake the attacks burned.
	pub burned: u128,
	/// Whether the search stopped at its step limit with attacks possibly left.
	pub truncated: bool,
}

impl Network {
	/// The network after a shock that destroys `fractions[v]` of operator `v`'s stake (and of
	/// each of its edges), with the stake destroyed.
	pub fn shocked(&self, fractions: &[Perbill]) -> (Network, u128) {
		let fraction = |v: usize| fractions.get(v).copied().unwrap_or_else(Perbill::zero);
		let mut lost = 0u128;
		let operators = self
			.operators
			.iter()
			.enumerate()
			.map(|(v, stake)| {
				let cut = mul_perbill(fraction(v), *stake, Rounding::Up).min(*stake);
				lost = lost.saturating_add(cut);
				stake.saturating_sub(cut)
			})
			.collect::<Vec<_>>();
		let edges = self
			.edges
			.iter()
			.map(|e| {
				let left = e.stake.saturating_sub(mul_perbill(
					fraction(e.operator),
					e.stake,
					Rounding::Up,
				));
				Edge { stake: left.min(operators.get(e.operator).copied().unwrap_or(0)), ..*e }
			})
			.collect();
		(Network { services: self.services.clone(), operators, edges }, lost)
	}

	/// A cheap coalition that can corrupt `service`: its operators, largest stake behind it
	/// first, until they hold `α_s` of it, then any of them (smallest first) whose stake the
	/// others do not need left out; or the one operator with the least stake that holds
	/// `α_s` alone, if that is less stake. (For one service the cost is `f_s` times the stake.)
	fn coalition(&self, service: usize, behind: &[u128]) -> Option<Vec<usize>> {
		let model = self.services.get(service)?;
		let needed = mul_perbill(model.threshold, behind.get(service).copied()?, Rounding::Up);
		let mut stakes: Vec<(usize, u128)> = self
			.edges
			.iter()
			.filter(|e| e.service == service && e.stake > 0)
			.map(|e| (e.operator, e.stake))
			.collect();
		stakes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
		let alone = stakes.iter().rev().find(|(_, stake)| *stake >= needed).copied();
		let mut held = 0u128;
		let mut taken = Vec::new();
		for (operator, stake) in stakes {
			if held >= needed {
				break;
			}
			held = held.saturating_add(stake);
			taken.push((operator, stake));
		}
		if held < needed {
			return None;
		}
		for i in (0..taken.len()).rev() {
			let stake = taken[i].1;
			if held.saturating_sub(stake) >= needed {
				held = held.saturating_sub(stake);
				taken.remove(i);
			}
		}
		if let Some((operator, stake)) = alone {
			if stake < held {
				return Some(vec![operator]);
			}
		}
		let mut operators: Vec<usize> = taken.into_iter().map(|(v, _)| v).collect();
		operators.sort_unstable();
		operators.dedup();
		Some(operators)
	}

	/// Burn what the attack's slashes take: each slash `f_s` of the operator's edge to `s`
	/// (rounded up), at most its stake; the operator's other edges shrink to what it has left.
	fn execute(&mut self, services: &[usize], operators: &[usize]) -> u128 {
		let mut burned = 0u128;
		for &v in operators {
			let mut take = 0u128;
			for edge in self
				.edges
				.iter_mut()
				.filter(|e| e.operator == v && services.contains(&e.service))
			{
				let cut = slash_of(&self.services, edge);
				edge.stake = edge.stake.saturating_sub(cut);
				take = take.saturating_add(cut);
			}
			let Some(stake) = self.operators.get_mut(v) else { continue };
			let take = take.min(*stake);
			*stake = stake.saturating_sub(take);
			let left = *stake;
			for edge in self.edges.iter_mut().filter(|e| e.operator == v) {
				edge.stake = edge.stake.min(left);
			}
			burned = burned.saturating_add(take);
		}
		burned
	}

	/// Stress test: apply the shock, then repeatedly search for a profitable attack on the
	/// services not yet corrupted and carry out the most profitable one found, until none is
	/// found or `max_steps` were taken.
	///
	/// The search is a heuristic, bounded by `O(steps × services × operators × edges)`. It
	/// tries, per service, a coalition attacking it alone (its largest stakes until they reach
	/// its threshold, pruned of those not needed, or the smallest stake that reaches it alone),
	/// and all remaining services attacked at once by the union of those coalitions. Finding the
	/// cheapest attack is NP-hard in general; a profitable attack the search misses is possible,
	/// so a short cascade is evidence, not proof. The certificate ([`Self::certificate`]) is the
	/// proof.
	pub fn stress(&self, fractions: &[Perbill], max_steps: usize) -> Cascade {
		let total_stake = self.operators.iter().fold(0u128, |acc, s| acc.saturating_add(*s));
		let (mut network, shocked) = self.shocked(fractions);
		let mut standing: Vec<usize> = (0..self.services.len()).collect();
		let mut cascade = Cascade { total_stake, shocked, ..Default::default() };
		loop {
			let behind = network.stake_behind();
			let mut best: Option<(u128, Vec<usize>, Vec<usize>, u128)> = None;
			let mut consider = |services: Vec<usize>, operators: Vec<usize>, net: &Network| {
				let profit = net.profit(&services);
				let cost = net.attack_cost(&services, &operators);
				let gain = profit.saturating_sub(cost);
				if gain > 0 && best.as_ref().is_none_or(|(best_gain, ..)| gain > *best_gain) {
					best = Some((gain, services, operators, profit));
				}
			};
			let mut union: Vec<usize> = Vec::new();
			let mut attackable: Vec<usize> = Vec::new();
			for &s in standing
				.iter()
				.filter(|&&s| network.services.get(s).is_some_and(|m| m.profit > 0))
			{
				if let Some(coalition) = network.coalition(s, &behind) {
					union.extend(coalition.iter().copied());
					attackable.push(s);
					consider(vec![s], coalition, &network);
				}
			}
			if attackable.len() > 1 {
				union.sort_unstable();
				union.dedup();
				consider(attackable, union, &network);
			}
			let Some((_, services, operators, profit)) = best else { break };
			if cascade.steps.len() >= max_steps {
				cascade.truncated = true;
				break;
			}
			let burned = network.execute(&services, &operators);
			cascade.burned = cascade.burned.saturating_add(burned);
			standing.retain(|s| !services.contains(s));
			cascade.steps.push(Step { services, operators, profit, burned });
		}
		cascade
	}
}

/// The cascade bound `(1 + 1/γ)·ψ` for a shock `ψ` (a share of all stake), as a share of all
/// stake, capped at one; `None` when nothing bounds it (`γ = 0` or no certificate).
pub fn cascade_bound(certificate: Certificate, shock: Perbill) -> Option<Perbill> {
	match certificate {
		Certificate::Unbounded => Some(shock),
		Certificate::Gamma(0) | Certificate::None => None,
		Certificate::Gamma(gamma) => {
			let psi: u128 = shock.deconstruct().into();
			let parts = psi.saturating_add(mul_div(psi, ONE, gamma, Rounding::Up));
			Some(Perbill::from_parts(parts.min(Perbill::ACCURACY.into()) as u32))
		},
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	fn service(profit: u128, threshold: u32, fraction: u32) -> ServiceModel {
		ServiceModel {
			profit,
			threshold: Perbill::from_percent(threshold),
			max_fraction: Perbill::from_percent(fraction),
		}
	}

	fn edge(operator: usize, service: usize, stake: u128) -> Edge {
		Edge { operator, service, stake }
	}

	fn gamma_percent(network: &Network) -> Option<u128> {
		match network.certificate() {
			Certificate::Gamma(g) => Some(g * 100 / ONE),
			_ => None,
		}
	}

	/// One service, two operators of 100 each, fully slashable: corrupting it takes half the
	/// stake, 100, all of it burned.
	#[test]
	fn one_service_costs_its_threshold_of_the_stake() {
		let mut network = Network {
			services: vec![service(50, 50, 100)],
			operators: vec![100, 100],
			edges: vec![edge(0, 0, 100), edge(1, 0, 100)],
		};
		assert_eq!(network.stake_behind(), vec![200]);
		assert_eq!(network.cost_of_corruption(0), 100);
		// ρ = 50 / 100 = 1/2 for both operators: γ = 1.
		assert_eq!(network.loads(), vec![ONE / 2, ONE / 2]);
		assert_eq!(network.certificate(), Certificate::Gamma(ONE));
		// Either operator alone is a feasible attack costing 100 for 50 of profit.
		assert!(network.feasible(&[0], &[1]));
		assert_eq!(network.attack_cost(&[0], &[1]), 100);
		// A profit of 100 leaves no margin (γ = 0), one of 101 breaks the certificate.
		network.services[0].profit = 100;
		assert_eq!(network.certificate(), Certificate::Gamma(0));
		network.services[0].profit = 101;
		assert_eq!(network.certificate(), Certificate::None);
	}

	/// Amounts that a slash fraction does not divide: the slashes round up, as the chain's do,
	/// so the attack costs at least what the certificate counts on (`γ = 0`, profit 3).
	#[test]
	fn slashes_round_up_so_the_certificate_holds_on_odd_amounts() {
		let network = Network {
			services: vec![service(3, 100, 50)],
			operators: vec![3, 3],
			edges: vec![edge(0, 0, 3), edge(1, 0, 3)],
		};
		assert_eq!(network.certificate(), Certificate::Gamma(0));
		assert!(network.feasible(&[0], &[0, 1]));
		assert_eq!(network.attack_cost(&[0], &[0, 1]), 4);
		assert!(network.stress(&[], 16).steps.is_empty());
	}

	/// A slash that takes a tenth of the stake makes corruption ten times cheaper.
	#[test]
	fn a_capped_slash_lowers_the_cost() {
		let network = Network {
			services: vec![service(5, 50, 10)],
			operators: vec![100, 100],
			edges: vec![edge(0, 0, 100), edge(1, 0, 100)],
		};
		assert_eq!(network.cost_of_corruption(0), 10);
		// ρ / f = (5 / 100) / 0.1 = 1/2: γ = 1.
		assert_eq!(gamma_percent(&network), Some(100));
	}

	/// The paper's shared-stake example: one operator of stake 1 behind two services of profit
	/// 1/2 each (threshold one): Σ ρ = 1, so γ = 0; a third such service makes attacking all
	/// three together profitable, though attacking any one alone is not.
	#[test]
	fn shared_stake_adds_up_across_services() {
		let scale = 1_000_000u128;
		let mut network = Network {
			services: vec![service(scale / 2, 100, 100); 2],
			operators: vec![scale],
			edges: vec![edge(0, 0, scale), edge(0, 1, scale)],
		};
		assert_eq!(network.certificate(), Certificate::Gamma(0));
		network.services.push(service(scale / 2, 100, 100));
		network.edges.push(edge(0, 2, scale));
		assert_eq!(network.certificate(), Certificate::None);
		assert!(network.feasible(&[0, 1, 2], &[0]));
		assert!(network.profit(&[0, 1, 2]) > network.attack_cost(&[0, 1, 2], &[0]));
		assert!(network.profit(&[0]) < network.attack_cost(&[0], &[0]));
	}

	/// A service that declares no profit loads nobody; one that declares a profit and that
	/// nobody secures is corrupted for free, and nothing is certified.
	#[test]
	fn edge_cases() {
		let mut network = Network {
			services: vec![service(0, 33, 10), service(0, 33, 10)],
			operators: vec![100],
			edges: vec![edge(0, 0, 100)],
		};
		assert_eq!(network.loads(), vec![0]);
		assert_eq!(network.certificate(), Certificate::Unbounded);
		network.services[1].profit = 10;
		assert_eq!(network.loads(), vec![0]);
		assert_eq!(network.certificate(), Certificate::None);
		assert!(network.feasible(&[1], &[]));
		assert_eq!(network.attack_cost(&[1], &[]), 0);
		assert_eq!(network.cost_of_corruption(1), 0);
		assert_eq!(Network::default().certificate(), Certificate::Unbounded);
	}

	/// Two operators of 100 behind one service of profit 90 that needs half the stake: safe
	/// until a shock of a fifth leaves 80 each, when either alone corrupts it for 80.
	#[test]
	fn a_shock_makes_an_attack_profitable() {
		let network = Network {
			services: vec![service(90, 50, 100)],
			operators: vec![100, 100],
			edges: vec![edge(0, 0, 100), edge(1, 0, 100)],
		};
		assert_eq!(network.certificate(), Certificate::Gamma(ONE / 9));
		assert_eq!(network.stress(&[], 10), Cascade { total_stake: 200, ..Default::default() });
		let shock = vec![Perbill::from_percent(20); 2];
		let cascade = network.stress(&shock, 10);
		assert_eq!(cascade.shocked, 40);
		assert_eq!(
			cascade.steps,
			vec![Step { services: vec![0], operators: vec![0], profit: 90, burned: 80 }]
		);
		assert_eq!(cascade.burned, 80);
		assert!(!cascade.truncated);
		// The bound for γ = 1/9 and ψ = 20 %: 200 % (capped at all stake); the cascade lost 60 %.
		assert_eq!(
			cascade_bound(network.certificate(), Perbill::from_percent(20)),
			Some(Perbill::one())
		);
	}

	/// One operator's stake behind two services: neither alone repays its burn, both together
	/// do, since the stake burns only once.
	#[test]
	fn the_search_finds_a_joint_attack() {
		let network = Network {
			services: vec![service(60, 100, 100); 2],
			operators: vec![100],
			edges: vec![edge(0, 0, 100), edge(0, 1, 100)],
		};
		assert_eq!(network.certificate(), Certificate::None);
		let cascade = network.stress(&[], 10);
		assert_eq!(
			cascade.steps,
			vec![Step { services: vec![0, 1], operators: vec![0], profit: 120, burned: 100 }]
		);
		// With a step limit of zero the search reports that it stopped short.
		let stopped = network.stress(&[], 0);
		assert!(stopped.steps.is_empty() && stopped.truncated);
	}

	#[test]
	fn cascade_bound_is_one_plus_one_over_gamma_times_the_shock() {
		let shock = Perbill::from_percent(10);
		assert_eq!(cascade_bound(Certificate::Gamma(ONE), shock), Some(Perbill::from_percent(20)));
		assert_eq!(
			cascade_bound(Certificate::Gamma(ONE / 4), shock),
			Some(Perbill::from_percent(50))
		);
		assert_eq!(cascade_bound(Certificate::Gamma(ONE / 100), shock), Some(Perbill::one()));
		assert_eq!(cascade_bound(Certificate::Gamma(0), shock), None);
		assert_eq!(cascade_bound(Certificate::None, shock), None);
		assert_eq!(cascade_bound(Certificate::Unbounded, shock), Some(shock));
	}
}

/// The per-operator condition against a search of every attack on small random networks.
#[cfg(test)]
mod proptests {
	use super::*;
	use proptest::prelude::*;

	/// Up to 4 services and 5 operators, about half of them certified. Operators hold 100 to
	/// 5,000, each allocating a random share to each service; profits go up to 400; thresholds
	/// and slash caps are any `Perbill` above zero, so that slashes and thresholds round.
	fn networks() -> impl Strategy<Value = Network> {
		(1usize..=4, 1usize..=5).prop_flat_map(|(services, operators)| {
			(
				prop::collection::vec(
					(0u128..=400, 1u32..=1_000_000_000, 1u32..=1_000_000_000),
					services,
				),
				prop::collection::vec(100u128..=5_000, operators),
				prop::collection::vec(0u32..=1_000_000_000, services * operators),
			)
				.prop_map(move |(services, operators, shares)| {
					let edges = shares
						.iter()
						.enumerate()
						.map(|(i, share)| {
							let (operator, service) = (i % operators.len(), i / operators.len());
							let stake = Perbill::from_parts(*share).mul_floor(operators[operator]);
							Edge { operator, service, stake }
						})
						.filter(|e| e.stake > 0)
						.collect();
					Network {
						services: services
							.into_iter()
							.map(|(profit, threshold, fraction)| ServiceModel {
								profit,
								threshold: Perbill::from_parts(threshold),
								max_fraction: Perbill::from_parts(fraction),
							})
							.collect(),
						operators,
						edges,
					}
				})
		})
	}

	/// The members of `set` (a bit mask) below `n`.
	fn members(set: usize, n: usize) -> Vec<usize> {
		(0..n).filter(|i| set & (1 << i) != 0).collect()
	}

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(5_000))]

		/// Wherever the condition certifies `γ`, every feasible attack found by trying every
		/// pair of a non-empty service set and an operator set costs at least `(1 + γ)·π(A)`,
		/// so none is profitable.
		#[test]
		fn the_certificate_holds_against_every_attack(network in networks()) {
			let gamma = match network.certificate() {
				Certificate::Gamma(gamma) => gamma,
				Certificate::Unbounded => u128::MAX / ONE,
				Certificate::None => return Ok(()),
			};
			let (services, operators) = (network.services.len(), network.operators.len());
			for a in 1..(1usize << services) {
				let attacked = members(a, services);
				let profit = network.profit(&attacked);
				for b in 0..(1usize << operators) {
					let attackers = members(b, operators);
					if !network.feasible(&attacked, &attackers) {
						continue;
					}
					let cost = network.attack_cost(&attacked, &attackers);
					prop_assert!(profit <= cost, "profitable attack {attacked:?} by {attackers:?}");
					prop_assert!(
						cost.saturating_mul(ONE) >= profit.saturating_mul(ONE.saturating_add(gamma)),
						"attack {attacked:?} by {attackers:?} costs {cost} < (1 + γ)·{profit}"
					);
				}
			}
			// Without a shock the stress test's search finds nothing either.
			prop_assert!(network.stress(&[], 16).steps.is_empty());
		}

		/// A certified network hit by a shock (each operator losing its own share, up to all
		/// of its stake) loses, in the cascade the stress test finds, no more than
		/// `(1 + 1/γ)·ψ` of all stake, `ψ` being the share the shock destroyed.
		#[test]
		fn cascades_stay_within_the_bound(
			network in networks(),
			shocks in prop::collection::vec(0u32..=100, 5),
		) {
			let certificate = network.certificate();
			let fractions: Vec<Perbill> = shocks.iter().map(|p| Perbill::from_percent(*p)).collect();
			let cascade = network.stress(&fractions, 16);
			let psi = Perbill::from_rational_with_rounding(
				cascade.shocked,
				cascade.total_stake.max(1),
				Rounding::Up,
			)
			.unwrap_or_else(|_| Perbill::one());
			let Some(bound) = cascade_bound(certificate, psi) else { return Ok(()) };
			let lost = cascade.shocked.saturating_add(cascade.burned);
			let allowed = mul_perbill(bound, cascade.total_stake, Rounding::Up);
			prop_assert!(lost <= allowed, "lost {lost} > {allowed} ({certificate:?}, {cascade:?})");
		}
	}
}
