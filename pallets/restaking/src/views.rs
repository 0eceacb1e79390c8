//! Read-only views behind the runtime API: exposure, security and risk figures.

use alloc::{collections::btree_map::BTreeMap, vec, vec::Vec};
use restaking_primitives::{
	api::{
		AllocationView, CascadeStep, ContagionEdge, OperatorLoad, OperatorProfile, OperatorStake,
		Overcollateralization, Page, SecurityReport, ServiceCorruption, ServiceExposure,
		ServiceSecurity, Shock, StakerExposure, StressReport, SystemRisk, WithdrawalView,
		MAX_STRESS_STEPS, TOP_N,
	},
	restaking::{ServiceId, StakingExtension},
	risk::{
		cascade_bound, Assessment, Certificate, Edge, Network, ServiceModel, SlashCeiling, ONE,
	},
};
use sp_runtime::{
	traits::{SaturatedConversion, Saturating, Zero},
	FixedPointNumber, FixedU128, Perbill,
};
use sp_staking::StakingInterface;

use crate::{pallet::*, types::*, BalanceOf, BlockNumberFor};

impl<T: Config> Pallet<T> {
	/// A staker's exposure: value, pending loss and rewards, withdrawals, and what each of its
	/// operator's services can slash of it.
	pub fn staker_exposure(
		who: T::AccountId,
	) -> Option<StakerExposure<T::AccountId, BalanceOf<T>, BlockNumberFor<T>>> {
		let ledger = Stakers::<T>::get(&who)?;
		let pool = Operators::<T>::get(&ledger.operator)?;
		let restaked = pool.value_of(ledger.shares);
		let now = frame_system::Pallet::<T>::block_number();
		let (rewards, compensation) = ledger.accrued(&pool, now, Self::fresh_mark(&ledger, now));
		let pool_value = pool.pool_value();
		let services = Memberships::<T>::iter_prefix(&ledger.operator)
			.filter_map(|(service, membership)| {
				// The staker's part of the pool's slashable stake.
				let magnitude = Self::magnitude_now(&ledger.operator, service, &membership);
				let (_, pv) = Self::slashable_parts(&pool, magnitude);
				let slashable =
					Self::proportion(pv, restaked, pool_value, sp_arithmetic::Rounding::Down);
				(!slashable.is_zero()).then_some(ServiceExposure { service, slashable })
			})
			.collect();
		Some(StakerExposure {
			operator: Some(ledger.operator.clone()),
			restaked,
			pending_loss: ledger.pending_loss(&pool).saturating_add(ledger.debt),
			pending_rewards: ledger.unclaimed_rewards.saturating_add(rewards),
			pending_compensation: ledger.unclaimed_compensation.saturating_add(compensation),
			queued_outflow: ledger.queued_outflow,
			withdrawals: ledger
				.withdrawals
				.iter()
				.map(|w| WithdrawalView { value: pool.value_of(w.shares), unlock_at: w.unlock_at })
				.collect(),
			services,
			base_bond: T::Staking::active_stake(&who).unwrap_or_else(|_| Zero::zero()),
			vaults: Vec::new(),
		})
	}

	/// An operator's pool, commission and allocations.
	pub fn operator_profile(
		operator: T::AccountId,
	) -> Option<OperatorProfile<BalanceOf<T>, BlockNumberFor<T>>> {
		let pool = Operators::<T>::get(&operator)?;
		let now = frame_system::Pallet::<T>::block_number();
		let allocations = Memberships::<T>::iter_prefix(&operator)
			.map(|(service, membership)| {
				let magnitude = Self::magnitude_now(&operator, service, &membership);
				AllocationView {
					service,
					magnitude,
					pending: membership.pending.filter(|(_, at)| *at > now),
					slashable: Self::slashable_total(&pool, magnitude),
					approved: membership.approved,
				}
			})
			.collect();
		Some(OperatorProfile {
			self_bond: pool.self_bond,
			pool_value: pool.pool_value(),
			factor: pool.factor,
			commission: pool.commission_at(now),
			pending_commission: pool.pending_commission.filter(|(_, at)| *at > now),
			delegators: pool.delegator_count,
			max_magnitude: pool.max_magnitude,
			allocations,
			concentration: Perbill::from_rational(
				pool.restaked(),
				TotalRestaked::<T>::get().max(pool.restaked()),
			),
		})
	}

	/// Services after `after` (from the first if `None`), with their security.
	pub fn services_page(
		after: Option<ServiceId>,
		count: u32,
	) -> Page<ServiceId, ServiceSecurity<T::AccountId, BalanceOf<T>>> {
		let keys = match after {
			Some(id) => Services::<T>::iter_keys_from(Services::<T>::hashed_key_for(id)),
			None => Services::<T>::iter_keys(),
		};
		Page::collect(keys, count, |id| Self::service_security(*id))
	}

	/// Operators after `after` (from the first if `None`), with their pools and allocations.
	pub fn operators_page(
		after: Option<T::AccountId>,
		count: u32,
	) -> Page<T::AccountId, OperatorProfile<BalanceOf<T>, BlockNumberFor<T>>> {
		// A counted map iterates keys only together with their values.
		let entries = match after {
			Some(who) => Operators::<T>::iter_from(Operators::<T>::hashed_key_for(who)),
			None => Operators::<T>::iter(),
		};
		Page::collect(entries.map(|(who, _)| who), count, |who| Self::operator_profile(who.clone()))
	}

	/// Slashable stake per operator of `service`, largest first.
	fn service_stakes(service: ServiceId) -> Vec<(T::AccountId, BalanceOf<T>)> {
		let mut stakes: Vec<_> = Self::members_of(service, None)
			.map(|(operator, pool, membership)| {
				let magnitude = Self::magnitude_now(&operator, service, &membership);
				let stake = Self::slashable_total(&pool, magnitude);
				(operator, stake)
			})
			.collect();
		stakes.sort_by_key(|(_, stake)| core::cmp::Reverse(*stake));
		stakes
	}

	/// A service's total slashable stake, its operators, and how concentrated they are.
	pub fn service_security(
		service: ServiceId,
	) -> Option<ServiceSecurity<T::AccountId, BalanceOf<T>>> {
		let record = Services::<T>::get(service)?;
		let stakes = Self::service_stakes(service);
		let total =
			stakes.iter().fold(BalanceOf::<T>::zero(), |acc, (_, s)| acc.saturating_add(*s));
		let largest = stakes.first().map(|(_, s)| *s).unwrap_or_else(Zero::zero);
		Some(ServiceSecurity {
			owner: record.owner,
			status: record.status,
			total_slashable: total,
			largest_operator_share: Perbill::from_rational(largest, total.max(largest)),
			nakamoto_coefficient: Self::nakamoto(stakes.iter().map(|(_, s)| *s), total),
			operators: stakes
				.into_iter()
				.map(|(operator, slashable)| OperatorStake { operator, slashable })
				.collect(),
			reward_budget: record.reward_budget,
		})
	}

	/// Fewest of `sorted` (largest first) that hold at least a third of `total`. Zero when
	/// there is no stake.
	pub(crate) fn nakamoto(sorted: impl Iterator<Item = BalanceOf<T>>, total: BalanceOf<T>) -> u32 {
		if total.is_zero() {
			return 0;
		}
		// `held ≥ total / 3`, in integers: `3 × held ≥ total`.
		let mut held = BalanceOf::<T>::zero();
		let mut count = 0u32;
		for stake in sorted {
			held = held.saturating_add(stake);
			count = count.saturating_add(1);
			if held.saturating_mul(3u32.into()) >= total {
				break;
			}
		}
		count
	}

	/// Restaking's size against the base layer, leverage, concentration and the operators whose
	/// stake backs several services.
	pub fn system_risk() -> SystemRisk<T::AccountId, BalanceOf<T>> {
		let total_restaked = TotalRestaked::<T>::get();
		let total_staked = T::StakingExtension::total_staked();
		let mut slashable = BalanceOf::<T>::zero();
		let mut services_of: BTreeMap<T::AccountId, Vec<ServiceId>> = BTreeMap::new();
		let mut stakes: Vec<BalanceOf<T>> = Vec::new();
		for (operator, pool) in Operators::<T>::iter() {
			stakes.push(pool.restaked());
			for (service, exposed) in Self::exposures(&operator, &pool) {
				if !exposed.is_zero() {
					slashable = slashable.saturating_add(exposed);
					services_of.entry(operator.clone()).or_default().push(service);
				}
			}
		}
		stakes.sort_by(|a, b| b.cmp(a));
		let top = stakes
			.iter()
			.take(TOP_N)
			.fold(BalanceOf::<T>::zero(), |acc, s| acc.saturating_add(*s));
		SystemRisk {
			total_restaked,
			total_staked,
			restaked_share: Perbill::from_rational(
				total_restaked,
				total_staked.max(total_restaked),
			),
			leverage: if total_restaked.is_zero() {
				FixedU128::zero()
			} else {
				FixedU128::saturating_from_rational(slashable, total_restaked)
			},
			top_operators_share: Perbill::from_rational(top, total_restaked.max(top)),
			contagion: services_of
				.into_iter()
				.filter(|(_, services)| services.len() > 1)
				.map(|(operator, services)| ContagionEdge { operator, services })
				.collect(),
			shortfall: Shortfall::<T>::get(),
		}
	}
}

/// The corruption threshold a service without a risk profile is shown with: a third, the least
/// share of a BFT committee that can break it.
pub const DEFAULT_CORRUPTION_THRESHOLD: Perbill = Perbill::from_parts(333_333_334);

/// The restaking network as the systemic-risk model sees it, with the ids behind its indices.
pub struct RiskNetwork<AccountId> {
	/// The model.
	pub network: Network,
	/// The service of each index of `network.services`.
	pub services: Vec<ServiceId>,
	/// Whether each service declared a risk profile.
	pub declared: Vec<bool>,
	/// The operator of each index of `network.operators`.
	pub operators: Vec<AccountId>,
}

impl<T: Config> Pallet<T> {
	/// Every service that is not retired (by id), with its risk profile and `f_s` from
	/// [`Config::SlashCeiling`]; every operator's stake and what each service can slash of it
	/// now.
	pub fn risk_network() -> RiskNetwork<T::AccountId> {
		let mut services: Vec<ServiceId> = Services::<T>::iter()
			.filter(|(_, record)| record.status != ServiceStatus::Retired)
			.map(|(id, _)| id)
			.collect();
		services.sort_unstable();
		let (models, declared): (Vec<_>, Vec<_>) = services
			.iter()
			.map(|id| {
				let profile = RiskProfiles::<T>::get(id);
				let model = ServiceModel {
					profit: profile
						.map_or(0, |p| p.profit_from_corruption.saturated_into::<u128>()),
					threshold: profile
						.map_or(DEFAULT_CORRUPTION_THRESHOLD, |p| p.corruption_threshold),
					max_fraction: T::SlashCeiling::max_slash(*id),
				};
				(model, profile.is_some())
			})
			.unzip();
		let mut operators = Vec::new();
		let mut stakes = Vec::new();
		let mut edges = Vec::new();
		for (index, (operator, pool)) in Operators::<T>::iter().enumerate() {
			for (service, exposed) in Self::exposures(&operator, &pool) {
				if let (Ok(at), false) = (services.binary_search(&service), exposed.is_zero()) {
					edges.push(Edge {
						operator: index,
						service: at,
						stake: exposed.saturated_into::<u128>(),
					});
				}
			}
			stakes.push(pool.restaked().saturated_into::<u128>());
			operators.push(operator);
		}
		RiskNetwork {
			network: Network { services: models, operators: stakes, edges },
			services,
			declared,
			operators,
		}
	}

	/// Every service's cost of corruption against its profit, every operator's load, the `γ`
	/// the per-operator condition certifies and the cascade bound for a shock of `shock` of
	/// all stake (`docs/architecture.md`, "Systemic risk").
	pub fn security_report(shock: Perbill) -> SecurityReport<T::AccountId, BalanceOf<T>> {
		let RiskNetwork { network, services, declared, operators } = Self::risk_network();
		let Assessment { stake_behind, loads, certificate } = network.assess();
		let balance = |x: u128| x.saturated_into::<BalanceOf<T>>();
		let services = services
			.iter()
			.zip(&network.services)
			.zip(declared.iter().zip(&stake_behind))
			.map(|((service, model), (declared, behind))| {
				let cost = model.cost_of_corruption(*behind);
				ServiceCorruption {
					service: *service,
					declared: *declared,
					profit_from_corruption: balance(model.profit),
					corruption_threshold: model.threshold,
					max_slash: model.max_fraction,
					stake_behind: balance(*behind),
					cost_of_corruption: balance(cost),
					cost_to_profit: (model.profit > 0).then(|| {
						FixedU128::checked_from_rational(cost, model.profit)
							.unwrap_or_else(|| FixedU128::from_inner(u128::MAX))
					}),
					secure: cost > model.profit,
				}
			})
			.collect();
		let operators = operators
			.into_iter()
			.zip(network.operators.iter().zip(loads))
			.map(|(operator, (stake, load))| OperatorLoad {
				operator,
				stake: balance(*stake),
				load: FixedU128::from_inner(load),
				slack: FixedU128::from_inner(ONE.saturating_sub(load)),
			})
			.collect();
		SecurityReport {
			services,
			operators,
			overcollateralization: match certificate {
				Certificate::Unbounded => Overcollateralization::Unbounded,
				Certificate::Gamma(gamma) => {
					Overcollateralization::Gamma(FixedU128::from_inner(gamma))
				},
				Certificate::None => Overcollateralization::NotCertified,
			},
			shock,
			cascade_bound: cascade_bound(certificate, shock),
		}
	}

	/// Apply `shock` to the network, then search for profitable attacks step by step, at most
	/// `min(max_steps, MAX_STRESS_STEPS)` of them (see `Network::stress`).
	pub fn stress_test(
		shock: Shock<T::AccountId>,
		max_steps: u32,
	) -> StressReport<T::AccountId, BalanceOf<T>> {
		let RiskNetwork { network, services, operators, .. } = Self::risk_network();
		let fractions = match shock {
			Shock::Uniform(fraction) => vec![fraction; operators.len()],
			Shock::Operators(hit) => operators
				.iter()
				.map(|operator| {
					hit.iter()
						.find(|(who, _)| who == operator)
						.map_or(Perbill::zero(), |(_, fraction)| *fraction)
				})
				.collect(),
		};
		let cascade = network.stress(&fractions, max_steps.min(MAX_STRESS_STEPS) as usize);
		let balance = |x: u128| x.saturated_into::<BalanceOf<T>>();
		let share = |x: u128| {
			Perbill::from_rational(x.min(cascade.total_stake), cascade.total_stake.max(1))
		};
		let shocked = share(cascade.shocked);
		StressReport {
			total_stake: balance(cascade.total_stake),
			shocked: balance(cascade.shocked),
			steps: cascade
				.steps
				.iter()
				.map(|step| CascadeStep {
					services: step
						.services
						.iter()
						.filter_map(|&i| services.get(i).copied())
						.collect(),
					operators: step
						.operators
						.iter()
						.filter_map(|&i| operators.get(i).cloned())
						.collect(),
					profit: balance(step.profit),
					burned: balance(step.burned),
				})
				.collect(),
			burned: balance(cascade.burned),
			lost: share(cascade.shocked.saturating_add(cascade.burned)),
			shock: shocked,
			cascade_bound: cascade_bound(network.certificate(), shocked),
			truncated: cascade.truncated,
		}
	}
}
