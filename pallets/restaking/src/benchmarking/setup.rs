//! The state the benchmarks start from: funded accounts, services, operators and delegators
//! in their worst cases, and [`BenchmarkSetup`] for the pallets built on this one.

use crate::{Pallet as Restaking, *};
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	Get,
};
use restaking_primitives::restaking::{
	RestakingBenchmarking, RestakingInterface, SlashTier, StakingExtension,
};
use sp_runtime::{
	traits::{Bounded, One, Saturating, Zero},
	Perbill, Perquintill,
};

pub(super) const SEED: u32 = 0;

/// Lots of free balance, for any account a benchmark needs.
pub(super) fn fund<T: Config>(who: &T::AccountId) {
	let amount = BalanceOf::<T>::max_value() / 1_000_000u32.into();
	T::Currency::set_balance(who, amount);
}

pub(super) fn unit<T: Config>() -> BalanceOf<T> {
	T::Currency::minimum_balance()
		.saturating_mul(1_000u32.into())
		.max(T::MinDelegation::get())
}

pub(super) fn risk_profile<T: Config>() -> restaking_primitives::risk::RiskProfile<BalanceOf<T>> {
	restaking_primitives::risk::RiskProfile {
		profit_from_corruption: unit::<T>(),
		corruption_threshold: sp_runtime::Perbill::from_percent(33),
	}
}

pub(super) fn metadata<T: Config>() -> Vec<u8> {
	vec![7u8; T::MaxMetadataLen::get() as usize]
}

pub(super) fn new_service<T: Config>(index: u32) -> (T::AccountId, ServiceId) {
	let owner: T::AccountId = account("owner", index, SEED);
	fund::<T>(&owner);
	let id = Restaking::<T>::do_register_service(
		owner.clone(),
		metadata::<T>(),
		Zero::zero(),
		T::MaxOperatorsPerService::get(),
		false,
		None,
	)
	.expect("service registers");
	(owner, id)
}

pub(super) fn new_operator<T: Config>(name: &'static str, index: u32) -> T::AccountId {
	let who: T::AccountId = account(name, index, SEED);
	fund::<T>(&who);
	let bond = T::MinSelfBond::get().max(unit::<T>()).saturating_mul(10u32.into());
	Restaking::<T>::do_register_operator(
		who.clone(),
		bond,
		Perbill::from_percent(5),
		metadata::<T>(),
	)
	.expect("operator registers");
	full_history::<T>(&who);
	who
}

/// Give `operator` a full yield history whose newest record is of an era before the current
/// one: the next payment or slash of its pool reads and writes the largest history, opens a
/// record and drops the oldest.
pub(super) fn full_history<T: Config>(operator: &T::AccountId) {
	let era = T::StakingExtension::active_era();
	let bound = HistoryBound::<T>::get();
	let full: Vec<_> = (0..bound)
		.map(|i| restaking_primitives::restaking::PoolEra {
			era: era.saturating_add(i),
			factor: crate::initial_factor(),
			rewards: unit::<T>(),
			to_operator: unit::<T>(),
			compensation: unit::<T>(),
			losses: unit::<T>(),
			reward_rate: sp_runtime::FixedU128::from_rational(1, 3),
			compensation_rate: sp_runtime::FixedU128::from_rational(1, 3),
			loss_rate: sp_runtime::FixedU128::from_rational(1, 3),
		})
		.collect();
	PoolHistory::<T>::insert(operator, frame_support::BoundedVec::truncate_from(full));
	T::BenchmarkHelper::set_era(era.saturating_add(bound));
}

pub(super) fn new_staker<T: Config>(index: u32) -> T::AccountId {
	let who: T::AccountId = account("staker", index, SEED);
	fund::<T>(&who);
	T::BenchmarkHelper::bond(&who, unit::<T>().saturating_mul(100u32.into()));
	who
}

/// A staker delegating to `operator`.
pub(super) fn new_delegator<T: Config>(operator: &T::AccountId, index: u32) -> T::AccountId {
	let who = new_staker::<T>(index);
	Restaking::<T>::do_delegate(
		who.clone(),
		operator.clone(),
		unit::<T>().saturating_mul(10u32.into()),
	)
	.expect("delegates");
	who
}

/// Let pending allocations take effect.
pub(super) fn pass_allocation_delay<T: Config>() {
	let now = frame_system::Pallet::<T>::block_number();
	frame_system::Pallet::<T>::set_block_number(now.saturating_add(T::AllocationDelay::get()));
}

/// Opt `operator` in to a fresh service with all of its magnitude, effective now.
pub(super) fn allocated_service<T: Config>(operator: &T::AccountId, index: u32) -> ServiceId {
	let (_, service) = new_service::<T>(index);
	Restaking::<T>::do_opt_in(operator.clone(), service).expect("opts in");
	Restaking::<T>::do_allocate(operator.clone(), service, Perquintill::one()).expect("allocates");
	pass_allocation_delay::<T>();
	service
}

/// Restaking state for the benchmarks of the pallets built on this one.
pub struct BenchmarkSetup<T>(core::marker::PhantomData<T>);

impl<T: Config> RestakingBenchmarking<T::AccountId> for BenchmarkSetup<T> {
	fn allocated_operator(index: u32, delegators: u32) -> (ServiceId, T::AccountId) {
		let operator = new_operator::<T>("bench-operator", index);
		let service = allocated_service::<T>(&operator, index.saturating_add(1_000));
		for i in 0..delegators {
			new_delegator::<T>(&operator, index.saturating_mul(1_000_000).saturating_add(i));
		}
		(service, operator)
	}

	fn service(index: u32) -> (ServiceId, T::AccountId) {
		let (owner, service) = new_service::<T>(index.saturating_add(2_000));
		(service, owner)
	}

	fn settle_each_delegator(operator: &T::AccountId) -> u32 {
		let mut settled = 0;
		for who in delegators_of::<T>(operator) {
			if Restaking::<T>::do_settle(&who).is_ok() {
				settled += 1;
			}
		}
		settled
	}

	fn claim_each_delegator(operator: &T::AccountId) -> u32 {
		let mut claimed = 0;
		for who in delegators_of::<T>(operator) {
			if Restaking::<T>::do_claim(who).is_ok() {
				claimed += 1;
			}
		}
		claimed
	}
}

/// Every staker delegating to `operator`, found by walking all stakers (as a pallet that keeps
/// a delegator list per operator would walk that list).
pub(super) fn delegators_of<T: Config>(operator: &T::AccountId) -> Vec<T::AccountId> {
	Stakers::<T>::iter()
		.filter(|(_, ledger)| &ledger.operator == operator)
		.map(|(who, _)| who)
		.collect()
}

/// An operator with `d` delegators, opted in to a service with a reward budget.
///
/// The `d` delegators (`new_staker` indices `0..d`) delegate in an earlier block; one more
/// (index `d`) delegates in the current block, so that a payment now also records the pool's
/// fresh-reward mark (the worst case).
pub(super) fn rewarded_operator<T: Config>(d: u32) -> (T::AccountId, ServiceId, T::AccountId) {
	let operator = new_operator::<T>("operator", 0);
	let (owner, service) = new_service::<T>(0);
	Restaking::<T>::do_opt_in(operator.clone(), service).expect("opts in");
	for i in 0..d {
		new_delegator::<T>(&operator, i);
	}
	next_block::<T>();
	new_delegator::<T>(&operator, d);
	Restaking::<T>::do_fund_service(owner.clone(), service, reward::<T>()).expect("funds");
	(owner, service, operator)
}

pub(super) fn next_block<T: Config>() {
	let now = frame_system::Pallet::<T>::block_number();
	frame_system::Pallet::<T>::set_block_number(now.saturating_add(One::one()));
}

/// A payment big enough that every one of up to 10,000 delegators earns something.
pub(super) fn reward<T: Config>() -> BalanceOf<T> {
	unit::<T>().saturating_mul(1_000u32.into())
}

/// An operator holding a pallet-staking bond, allocated to the most services, with `d`
/// delegators: the worst case of a base-layer slash.
pub(super) fn base_slashable_operator<T: Config>(d: u32) -> T::AccountId {
	let operator = new_operator::<T>("operator", 0);
	T::BenchmarkHelper::bond(&operator, unit::<T>().saturating_mul(100u32.into()));
	for i in 0..T::MaxServicesPerOperator::get() {
		let (_, service) = new_service::<T>(i);
		Restaking::<T>::do_opt_in(operator.clone(), service).expect("opts in");
		Restaking::<T>::do_allocate(
			operator.clone(),
			service,
			Perquintill::from_rational(1, u64::from(T::MaxServicesPerOperator::get())),
		)
		.expect("allocates");
	}
	pass_allocation_delay::<T>();
	for i in 0..d {
		new_delegator::<T>(&operator, i);
	}
	// A block starts with no events; the setup's would make every event of the measured code
	// rewrite a blob that grows with `d`.
	frame_system::Pallet::<T>::reset_events();
	operator
}

/// Slash `operator`'s pool so that every delegator has a pending loss.
pub(super) fn leave_pending_loss<T: Config>(operator: &T::AccountId, service: ServiceId) {
	let at_request = Restaking::<T>::slashable_stake(operator, service).expect("allocated");
	Restaking::<T>::do_slash(
		operator,
		service,
		Perbill::from_percent(10),
		SlashTier::Critical,
		at_request,
	)
	.expect("slashes");
}

/// A delegator with `MaxWithdrawals` queued withdrawals and a pending loss on everything.
pub(super) fn delegator_with_withdrawals_and_loss<T: Config>() -> (T::AccountId, T::AccountId) {
	let operator = new_operator::<T>("operator", 0);
	let service = allocated_service::<T>(&operator, 0);
	let who = delegator_with_withdrawals::<T>(&operator, 0, T::MaxWithdrawals::get() + 1);
	leave_pending_loss::<T>(&operator, service);
	(operator, who)
}

/// A service with `MaxOperatorsPerService` members, the first of them the returned operator
/// (its removal from the service's list walks the whole list): `(owner, service, operator)`.
pub(super) fn crowded_service<T: Config>() -> (T::AccountId, ServiceId, T::AccountId) {
	let (owner, service) = new_service::<T>(0);
	let who = new_operator::<T>("operator", 0);
	Restaking::<T>::do_opt_in(who.clone(), service).unwrap();
	for i in 1..T::MaxOperatorsPerService::get() {
		let other = new_operator::<T>("other", i);
		Restaking::<T>::do_opt_in(other, service).unwrap();
	}
	(owner, service, who)
}

/// Let a whole era's restaked value leave, so that setups can undelegate freely.
pub(super) fn unlimited_outflow<T: Config>() {
	let mut params = ActiveParameters::<T>::get();
	params.max_outflow_per_era = Perbill::one();
	ActiveParameters::<T>::put(params);
}

/// A divisor for [`delegator_with_withdrawals`] that leaves most of the value active: each
/// withdrawal is a twentieth of it.
pub(super) const MOSTLY_ACTIVE: u32 = 20;

/// A delegator of `operator` with `MaxWithdrawals` withdrawals, each `1 / divisor` of the value
/// it delegated (the outflow cap must let them start; see [`unlimited_outflow`]).
pub(super) fn delegator_with_withdrawals<T: Config>(
	operator: &T::AccountId,
	index: u32,
	divisor: u32,
) -> T::AccountId {
	let who = new_delegator::<T>(operator, index);
	let part = Stakers::<T>::get(&who).expect("delegated").value / divisor.into();
	for _ in 0..T::MaxWithdrawals::get() {
		Restaking::<T>::do_undelegate(who.clone(), part, crate::delegation::Exit::Staker)
			.expect("undelegates");
	}
	who
}
