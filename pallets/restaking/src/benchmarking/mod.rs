//! Benchmarks of the restaking pallet (FRAME benchmarks v2).
//!
//! Every call is measured in its worst case: full bounded lists, a pending loss to realize
//! through the base layer, the most memberships an operator may have. The slash entry point
//! and the base-layer slash handler take a delegator-count component `d`: their cost must not
//! depend on it.

mod setup;

use super::*;
use crate::Pallet as Restaking;
use frame_benchmarking::v2::*;
use frame_support::traits::{EnsureOrigin, Get};
use frame_support::weights::Weight;
use frame_system::RawOrigin;
use restaking_primitives::restaking::{
	RestakingBenchmarking, RestakingInterface, SlashTier, StakingExtension,
};
pub use setup::BenchmarkSetup;
use setup::*;
use sp_runtime::{
	traits::{Saturating, Zero},
	Perbill, Perquintill,
};

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn register_service() {
		let owner: T::AccountId = whitelisted_caller();
		fund::<T>(&owner);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner),
			metadata::<T>(),
			Zero::zero(),
			T::MaxOperatorsPerService::get(),
			true,
			Some(risk_profile::<T>()),
		);
		assert!(Services::<T>::contains_key(0));
		assert!(RiskProfiles::<T>::contains_key(0));
	}

	#[benchmark]
	fn update_service() {
		let (owner, service) = new_service::<T>(0);
		#[extrinsic_call]
		_(
			RawOrigin::Signed(owner),
			service,
			Some(metadata::<T>()),
			Some(unit::<T>()),
			Some(T::MaxOperatorsPerService::get()),
			Some(true),
			Some(risk_profile::<T>()),
		);
		assert!(Services::<T>::get(service).unwrap().requires_approval);
		assert!(RiskProfiles::<T>::contains_key(service));
	}

	#[benchmark]
	fn set_service_paused() {
		let (owner, service) = new_service::<T>(0);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), service, true);
		assert_eq!(Services::<T>::get(service).unwrap().status, ServiceStatus::Paused);
	}

	#[benchmark]
	fn retire_service() {
		let (owner, service) = new_service::<T>(0);
		Restaking::<T>::do_fund_service(owner.clone(), service, unit::<T>()).unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), service);
		assert_eq!(Services::<T>::get(service).unwrap().status, ServiceStatus::Retired);
	}

	#[benchmark]
	fn fund_service() {
		let (owner, service) = new_service::<T>(0);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), service, unit::<T>());
		assert_eq!(Services::<T>::get(service).unwrap().reward_budget, unit::<T>());
	}

	#[benchmark]
	fn register_operator() {
		let who: T::AccountId = whitelisted_caller();
		fund::<T>(&who);
		let bond = T::MinSelfBond::get().max(unit::<T>());
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), bond, Perbill::from_percent(5), metadata::<T>());
		assert!(Operators::<T>::contains_key(&who));
	}

	#[benchmark]
	fn set_commission() {
		let who = new_operator::<T>("operator", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), T::MaxCommission::get());
		assert!(Operators::<T>::get(&who).unwrap().pending_commission.is_some());
	}

	#[benchmark]
	fn bond_more() {
		let who = new_operator::<T>("operator", 0);
		let before = Operators::<T>::get(&who).unwrap().self_bond;
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), unit::<T>());
		assert_eq!(
			Operators::<T>::get(&who).unwrap().self_bond,
			before.saturating_add(unit::<T>())
		);
	}

	#[benchmark]
	fn deregister_operator() {
		let who = new_operator::<T>("operator", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(!Operators::<T>::contains_key(&who));
	}

	#[benchmark]
	fn opt_in() {
		let (_, service) = new_service::<T>(0);
		// The service's operator list is one short of full.
		for i in 1..T::MaxOperatorsPerService::get() {
			let other = new_operator::<T>("other", i);
			Restaking::<T>::do_opt_in(other, service).unwrap();
		}
		let who = new_operator::<T>("operator", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), service);
		assert!(Memberships::<T>::contains_key(&who, service));
	}

	#[benchmark]
	fn opt_out() {
		let (_, service, who) = crowded_service::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), service);
		assert!(!Memberships::<T>::contains_key(&who, service));
	}

	#[benchmark]
	fn approve_operator() {
		let (owner, service) = new_service::<T>(0);
		Restaking::<T>::do_update_service(
			owner.clone(),
			service,
			None,
			None,
			None,
			Some(true),
			None,
		)
		.unwrap();
		let who = new_operator::<T>("operator", 0);
		Restaking::<T>::do_opt_in(who.clone(), service).unwrap();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), service, who.clone());
		assert!(Memberships::<T>::get(&who, service).unwrap().approved);
	}

	#[benchmark]
	fn allocate() {
		// The operator is in as many services as it may be, and the service is full of
		// allocated operators, so the leverage and concentration checks read everything. The
		// concentration cap is opened so that no setup step is refused by it.
		ActiveParameters::<T>::mutate(|p| p.max_service_operator_share = Perbill::one());
		let who = new_operator::<T>("operator", 0);
		let (_, service) = new_service::<T>(0);
		for i in 1..T::MaxOperatorsPerService::get() {
			let other = new_operator::<T>("other", i);
			Restaking::<T>::do_opt_in(other.clone(), service).unwrap();
			Restaking::<T>::do_allocate(other, service, Perquintill::from_percent(1)).unwrap();
		}
		for i in 1..T::MaxServicesPerOperator::get() {
			let (_, other) = new_service::<T>(i);
			Restaking::<T>::do_opt_in(who.clone(), other).unwrap();
		}
		Restaking::<T>::do_opt_in(who.clone(), service).unwrap();
		pass_allocation_delay::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), service, Perquintill::from_percent(1));
		assert!(Memberships::<T>::get(&who, service).unwrap().pending.is_some());
	}

	#[benchmark]
	fn delegate() {
		// An existing delegator with a pending loss: delegating realizes it first.
		let operator = new_operator::<T>("operator", 0);
		let service = allocated_service::<T>(&operator, 0);
		let who = new_delegator::<T>(&operator, 0);
		leave_pending_loss::<T>(&operator, service);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), operator, unit::<T>());
		assert!(Stakers::<T>::get(&who).is_some());
	}

	#[benchmark]
	fn undelegate() {
		// A pending loss to realize, and an amount that overflows the era's cap into a
		// nearly full outflow queue.
		let operator = new_operator::<T>("operator", 0);
		let service = allocated_service::<T>(&operator, 0);
		let who = new_delegator::<T>(&operator, 0);
		for i in 1..T::MaxOutflowQueue::get() {
			let other = new_delegator::<T>(&operator, i);
			OutflowQueue::<T>::mutate(|q| q.try_push(other.clone()).unwrap());
			Stakers::<T>::mutate(&other, |l| l.as_mut().unwrap().queued_outflow = 1u32.into());
		}
		leave_pending_loss::<T>(&operator, service);
		let era = T::StakingExtension::active_era();
		CurrentOutflow::<T>::put(EraOutflow { era, amount: Zero::zero() });
		let mut params = ActiveParameters::<T>::get();
		params.max_outflow_per_era = Perbill::from_parts(1);
		ActiveParameters::<T>::put(params);
		let amount = Stakers::<T>::get(&who).unwrap().value / 2u32.into();
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), amount);
		assert!(!Stakers::<T>::get(&who).unwrap().queued_outflow.is_zero());
	}

	#[benchmark]
	fn withdraw_unbonded() {
		// `MaxWithdrawals` matured withdrawals and a pending loss.
		let (_, who) = delegator_with_withdrawals_and_loss::<T>();
		let now = frame_system::Pallet::<T>::block_number();
		frame_system::Pallet::<T>::set_block_number(
			now.saturating_add(T::UndelegationDelay::get()),
		);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(Stakers::<T>::get(&who).unwrap().withdrawals.is_empty());
	}

	#[benchmark]
	fn settle() {
		// A pending loss on the active stake and on `MaxWithdrawals` withdrawals.
		let (operator, who) = delegator_with_withdrawals_and_loss::<T>();
		let caller: T::AccountId = whitelisted_caller();
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), who.clone());
		let pool = Operators::<T>::get(&operator).unwrap();
		assert!(Stakers::<T>::get(&who).unwrap().pending_loss(&pool).is_zero());
	}

	#[benchmark]
	fn claim() {
		let (owner, service, operator) = rewarded_operator::<T>(1);
		// The delegator that entered in the payment's block (`new_staker` index 1): its claim
		// in a later block also settles the block's fresh-reward mark.
		let who: T::AccountId = account("staker", 1, SEED);
		let block = frame_system::Pallet::<T>::block_number();
		Restaking::<T>::do_pay_rewards(owner.clone(), service, operator.clone(), unit::<T>())
			.unwrap();
		next_block::<T>();
		Restaking::<T>::do_pay_rewards(owner, service, operator.clone(), unit::<T>()).unwrap();
		assert!(FreshRewardMarks::<T>::contains_key(&operator, block));
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(Stakers::<T>::get(&who).unwrap().unclaimed_rewards.is_zero());
		assert!(!FreshRewardMarks::<T>::contains_key(&operator, block));
	}

	#[benchmark]
	fn pay_rewards() {
		let (owner, service, operator) = rewarded_operator::<T>(1);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), service, operator.clone(), unit::<T>());
		assert!(!Operators::<T>::get(&operator).unwrap().reward_per_share.is_zero());
		// The payment opened a record in a full history.
		let history = PoolHistory::<T>::get(&operator);
		assert!(history.is_full());
		assert_eq!(history.last().map(|r| r.era), Some(T::StakingExtension::active_era()));
	}

	#[benchmark]
	fn set_parameters() -> Result<(), BenchmarkError> {
		let origin =
			T::ParametersOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let params = T::DefaultParameters::get();
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, params);
		assert_eq!(ActiveParameters::<T>::get(), params);
		Ok(())
	}

	#[benchmark]
	fn close_pool() {
		let who = new_operator::<T>("operator", 0);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()));
		assert!(Operators::<T>::get(&who).unwrap().closing);
	}

	#[benchmark]
	fn release_delegator() {
		// A delegator of a closing pool with a pending loss, active value to undelegate (merged
		// into its newest withdrawal, the staker being at `MaxWithdrawals`) and matured
		// withdrawals to complete.
		let (operator, who) = delegator_with_withdrawals_and_loss::<T>();
		let now = frame_system::Pallet::<T>::block_number();
		frame_system::Pallet::<T>::set_block_number(
			now.saturating_add(T::UndelegationDelay::get()),
		);
		Restaking::<T>::do_close_pool(operator).expect("closes");
		let caller: T::AccountId = whitelisted_caller();
		#[extrinsic_call]
		_(RawOrigin::Signed(caller), who.clone());
		let ledger = Stakers::<T>::get(&who).unwrap();
		assert!(ledger.value.saturating_sub(ledger.queued_outflow).is_zero());
		assert_eq!(ledger.withdrawals.len(), 1);
	}

	#[benchmark]
	fn remove_operator() {
		// The member leaves at once, from a full list of the service's operators.
		let (owner, service, who) = crowded_service::<T>();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), service, who.clone());
		assert!(!Memberships::<T>::contains_key(&who, service));
	}

	/// The slash the slashing pallet applies: O(1) in the number of delegators `d`.
	#[benchmark]
	fn slash_operator(d: Linear<1, 1_000>) {
		let operator = new_operator::<T>("operator", 0);
		let service = allocated_service::<T>(&operator, 0);
		for i in 0..d {
			new_delegator::<T>(&operator, i);
		}
		// A block starts with no events; the setup's would make every event of the measured
		// code rewrite a blob that grows with `d`.
		frame_system::Pallet::<T>::reset_events();
		let before = Operators::<T>::get(&operator).unwrap().factor;
		let at_request = Restaking::<T>::slashable_stake(&operator, service).expect("allocated");
		#[block]
		{
			Restaking::<T>::do_slash(
				&operator,
				service,
				Perbill::from_percent(10),
				SlashTier::Critical,
				at_request,
			)
			.expect("slashes");
		}
		assert!(Operators::<T>::get(&operator).unwrap().factor < before);
	}

	/// A base-layer slash of an operator reaching restaking: O(1) in its delegators `d`.
	#[benchmark]
	fn base_slash_operator(d: Linear<1, 1_000>) {
		let operator = base_slashable_operator::<T>(d);
		let before = Operators::<T>::get(&operator).unwrap().factor;
		#[block]
		{
			Restaking::<T>::on_base_slash(&operator, unit::<T>());
		}
		assert!(Operators::<T>::get(&operator).unwrap().factor < before);
	}

	/// The idle hook's release of queued outflow: `n` stakers released from a full queue, after
	/// which the era's cap is used up (at `n = 0` the hook reads the queue and the cap and
	/// finds no room). Each staker has `MaxWithdrawals` withdrawals, so its release merges into
	/// the newest, and a pending loss on all of its value.
	#[benchmark]
	fn idle_release_outflow(n: Linear<0, { T::MaxOutflowQueue::get() }>) {
		unlimited_outflow::<T>();
		let operator = new_operator::<T>("operator", 0);
		let service = allocated_service::<T>(&operator, 0);
		let queued = unit::<T>();
		for i in 0..T::MaxOutflowQueue::get() {
			let who = delegator_with_withdrawals::<T>(&operator, i, MOSTLY_ACTIVE);
			OutflowQueue::<T>::mutate(|q| q.try_push(who.clone()).unwrap());
			Stakers::<T>::mutate(&who, |l| l.as_mut().unwrap().queued_outflow = queued);
		}
		leave_pending_loss::<T>(&operator, service);
		// Room for exactly `n` releases in this era.
		CurrentOutflow::<T>::kill();
		let (mut outflow, capacity) = Restaking::<T>::outflow_capacity();
		outflow.amount = capacity.saturating_sub(queued.saturating_mul(n.into()));
		CurrentOutflow::<T>::put(outflow);
		frame_system::Pallet::<T>::reset_events();
		#[block]
		{
			Restaking::<T>::release_queued_outflow(Weight::MAX);
		}
		assert_eq!(OutflowQueue::<T>::get().len() as u32, T::MaxOutflowQueue::get() - n);
	}

	/// The idle sweep of pending losses: `n` stakers settled from the cursor, each with
	/// `MaxWithdrawals` withdrawals and a pending loss on all of its value; one more is left
	/// for the next sweep, so the cursor is written.
	#[benchmark]
	fn idle_sweep(n: Linear<0, 100>) {
		// Only the benchmark's stakers, so that every staker visited has a loss to realize
		// (the genesis state may have delegators of its own).
		let _ = Stakers::<T>::clear(u32::MAX, None);
		unlimited_outflow::<T>();
		let operator = new_operator::<T>("operator", 0);
		let service = allocated_service::<T>(&operator, 0);
		for i in 0..=n {
			delegator_with_withdrawals::<T>(&operator, i, MOSTLY_ACTIVE);
		}
		leave_pending_loss::<T>(&operator, service);
		frame_system::Pallet::<T>::reset_events();
		let visited;
		#[block]
		{
			visited = Restaking::<T>::settle_from_cursor(n);
		}
		assert_eq!(visited, n);
		let pool = Operators::<T>::get(&operator).unwrap();
		let settled = Stakers::<T>::iter_values()
			.filter(|ledger| ledger.operator == operator && ledger.pending_loss(&pool).is_zero())
			.count();
		assert_eq!(settled as u32, n);
	}

	/// One service's overcollateralization check after an exit (`undelegate`, a deallocation,
	/// `remove_operator`; `register_service` and `update_service` read the same): the service
	/// declares a profit and has `o` operators besides the one whose committed stake falls to
	/// nothing, so the check reads the profile and every one of them. (A runtime's service
	/// without a slashing policy has `f_s = 0`, so no breach is reported here: one event
	/// deposit is left out.)
	#[benchmark]
	fn floor_check(o: Linear<0, { T::MaxOperatorsPerService::get() - 1 }>) {
		let who = new_operator::<T>("operator", 0);
		let service = allocated_service::<T>(&who, 0);
		for i in 0..o {
			let other = new_operator::<T>("other", i);
			Restaking::<T>::do_opt_in(other.clone(), service).unwrap();
			Restaking::<T>::do_allocate(other, service, Perquintill::one()).unwrap();
		}
		pass_allocation_delay::<T>();
		RiskProfiles::<T>::insert(service, risk_profile::<T>());
		let pool = Operators::<T>::get(&who).unwrap();
		let before = Restaking::<T>::committed_stake(&pool);
		#[block]
		{
			Restaking::<T>::check_floor_after_stake_exit(&who, &pool, before, Zero::zero());
		}
		assert!(T::MinOvercollateralization::get().is_some(), "the benchmark needs a floor");
	}

	// The benchmarks named `scaling_*` feed the scaling report (`benchmarks/scaling.py`) and
	// are not weights of this pallet: `benchmarks/run.sh` leaves them out.

	/// The eager baseline of `base_slash_operator`: the same slash, then every delegator's
	/// share of it realized at once.
	#[benchmark]
	fn scaling_eager_base_slash(d: Linear<1, 1_000>) {
		let operator = base_slashable_operator::<T>(d);
		let settled;
		#[block]
		{
			Restaking::<T>::on_base_slash(&operator, unit::<T>());
			settled = BenchmarkSetup::<T>::settle_each_delegator(&operator);
		}
		assert_eq!(settled, d);
	}

	/// The control of `base_slash_operator`: a pool with one delegator, while `d` other
	/// accounts delegate to another operator (whatever slope this shows is a bigger state).
	#[benchmark]
	fn scaling_control_base_slash(d: Linear<1, 1_000>) {
		BenchmarkSetup::<T>::allocated_operator(1, d);
		let operator = base_slashable_operator::<T>(1);
		let before = Operators::<T>::get(&operator).unwrap().factor;
		#[block]
		{
			Restaking::<T>::on_base_slash(&operator, unit::<T>());
		}
		assert!(Operators::<T>::get(&operator).unwrap().factor < before);
	}

	/// A reward payment into the pool of an operator with `d` delegators.
	#[benchmark]
	fn scaling_pay_rewards(d: Linear<1, 1_000>) {
		let (owner, service, operator) = rewarded_operator::<T>(d);
		frame_system::Pallet::<T>::reset_events();
		#[extrinsic_call]
		pay_rewards(RawOrigin::Signed(owner), service, operator.clone(), reward::<T>());
		assert!(!Operators::<T>::get(&operator).unwrap().reward_per_share.is_zero());
	}

	/// The control of `scaling_pay_rewards`: a pool with one delegator, while `d` other
	/// accounts delegate to another operator.
	#[benchmark]
	fn scaling_control_pay_rewards(d: Linear<1, 1_000>) {
		BenchmarkSetup::<T>::allocated_operator(1, d);
		let (owner, service, operator) = rewarded_operator::<T>(1);
		frame_system::Pallet::<T>::reset_events();
		#[extrinsic_call]
		pay_rewards(RawOrigin::Signed(owner), service, operator.clone(), reward::<T>());
		assert!(!Operators::<T>::get(&operator).unwrap().reward_per_share.is_zero());
	}

	/// The eager baseline of `scaling_pay_rewards`: the same payment, then every delegator's
	/// share paid out at once.
	#[benchmark]
	fn scaling_eager_pay_rewards(d: Linear<1, 1_000>) {
		let (owner, service, operator) = rewarded_operator::<T>(d);
		frame_system::Pallet::<T>::reset_events();
		let claimed;
		#[block]
		{
			Restaking::<T>::do_pay_rewards(owner, service, operator.clone(), reward::<T>())
				.expect("pays");
			claimed = BenchmarkSetup::<T>::claim_each_delegator(&operator);
		}
		assert_eq!(claimed, d);
	}

	impl_benchmark_test_suite!(
		Restaking,
		crate::mock::ExtBuilder::default().build(),
		crate::mock::Runtime
	);
}
