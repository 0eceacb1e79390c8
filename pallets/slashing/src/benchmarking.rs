//! Benchmarks of the slashing pallet (FRAME benchmarks v2).
//!
//! Every call runs in its worst case: a nearly full queue that the new entry must be inserted
//! at the front of, a nearly full slash window, a dispute bond to move, a full history to prune.
//! `execute_slash` takes a delegator-count component `d` that must show no slope: the pool is
//! slashed by one factor update.

use super::*;
use crate::Pallet as Slashing;
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		EnsureOrigin, Get,
	},
	weights::Weight,
	BoundedVec,
};
use frame_system::RawOrigin;
use restaking_primitives::restaking::{RestakingBenchmarking, ServiceId, SlashTier};
use restaking_primitives::slashing::{SlashId, SlashRecord};
use sp_core::H256;
use sp_runtime::{
	traits::{Bounded, One, Saturating, Zero},
	FixedU128, Perbill,
};

const SEED: u32 = 0;

fn fund<T: Config>(who: &T::AccountId) {
	T::Currency::set_balance(who, BalanceOf::<T>::max_value() / 1_000_000u32.into());
}

/// The account slasher of every benchmark service, funded for its request deposits.
fn slasher<T: Config>() -> T::AccountId {
	let who = account("slasher", 0, SEED);
	if T::Currency::balance(&who).is_zero() {
		fund::<T>(&who);
	}
	who
}

/// The harshest valid policy, with an account slasher and the longest window.
fn policy<T: Config>() -> PolicyOf<T> {
	let max = T::MaxSlashPerWindow::get();
	SlashPolicy {
		slasher: Slasher::Account(slasher::<T>()),
		minor: max,
		major: max,
		critical: max,
		max_per_incident: max,
		veto_window: T::MaxVetoWindow::get(),
	}
}

/// An operator allocated to a service with a policy, `d` delegators in its pool.
fn slashable_operator<T: Config>(index: u32, d: u32) -> (ServiceId, T::AccountId) {
	let (service, operator) = T::BenchmarkHelper::allocated_operator(index, d);
	Policies::<T>::insert(service, policy::<T>());
	fund::<T>(&operator);
	(service, operator)
}

/// Fill `service`'s window on `operator` up to one free entry with the smallest fractions, and
/// the queue up to one free place with entries due after any new request (so it goes to the
/// front).
fn crowd<T: Config>(service: ServiceId, operator: &T::AccountId) {
	let now = frame_system::Pallet::<T>::block_number();
	let entries: Vec<_> = (0..T::MaxSlashesPerWindow::get().saturating_sub(1))
		.map(|i| WindowEntry {
			id: SlashId::MAX - u64::from(i),
			at: now,
			fraction: Perbill::from_parts(1),
		})
		.collect();
	Windows::<T>::insert(operator, service, BoundedVec::truncate_from(entries));
	let late = now.saturating_add(T::MaxVetoWindow::get()).saturating_add(One::one());
	let queued: Vec<_> = (0..T::MaxPendingSlashes::get().saturating_sub(1))
		.map(|i| (late, SlashId::MAX / 2 + u64::from(i)))
		.collect();
	Queue::<T>::put(BoundedVec::truncate_from(queued));
}

fn request<T: Config>(service: ServiceId, operator: &T::AccountId, n: u8) -> SlashId {
	let id = NextSlashId::<T>::get();
	Slashing::<T>::request_slash(
		RawOrigin::Signed(slasher::<T>()).into(),
		service,
		operator.clone(),
		SlashTier::Critical,
		H256::repeat_byte(n),
	)
	.expect("request is valid");
	id
}

fn disputed_request<T: Config>(service: ServiceId, operator: &T::AccountId) -> SlashId {
	let id = request::<T>(service, operator, 1);
	Slashing::<T>::dispute(RawOrigin::Signed(operator.clone()).into(), id)
		.expect("the operator disputes");
	id
}

/// Fill `operator`'s history so that the next record prunes the oldest.
fn full_history<T: Config>(service: ServiceId, operator: &T::AccountId) {
	let ids: Vec<SlashId> = (0..T::MaxSlashHistory::get())
		.map(|i| SlashId::MAX / 4 + u64::from(i))
		.collect();
	for id in ids.iter() {
		Records::<T>::insert(
			id,
			SlashRecord {
				id: *id,
				service,
				operator: operator.clone(),
				tier: SlashTier::Minor,
				fraction: Perbill::zero(),
				amount: Zero::zero(),
				from_self_bond: Zero::zero(),
				from_pool: Zero::zero(),
				factor_before: FixedU128::one(),
				factor_after: FixedU128::one(),
				requested_at: Zero::zero(),
				at: Zero::zero(),
			},
		);
	}
	History::<T>::insert(operator, BoundedVec::truncate_from(ids));
}

fn pass_window<T: Config>() {
	let now = frame_system::Pallet::<T>::block_number();
	frame_system::Pallet::<T>::set_block_number(now.saturating_add(T::MaxVetoWindow::get()));
}

/// A disputed critical slash of an operator with `d` delegators, due now, with the operator's
/// window and the queue nearly full and its history full.
fn due_slash<T: Config>(d: u32) -> (SlashId, T::AccountId) {
	let (service, operator) = slashable_operator::<T>(0, d);
	crowd::<T>(service, &operator);
	full_history::<T>(service, &operator);
	let id = disputed_request::<T>(service, &operator);
	pass_window::<T>();
	// A block starts with no events; the setup's would make the measured code's events
	// rewrite a blob that grows with `d`.
	frame_system::Pallet::<T>::reset_events();
	(id, operator)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn set_policy() {
		let (service, owner) = T::BenchmarkHelper::service(0);
		Policies::<T>::insert(service, policy::<T>());
		let milder = SlashPolicy { critical: Perbill::zero(), ..policy::<T>() };
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), service, milder.clone());
		assert_eq!(Policies::<T>::get(service), Some(milder));
	}

	#[benchmark]
	fn request_slash() {
		let (service, operator) = slashable_operator::<T>(0, 1);
		crowd::<T>(service, &operator);
		let id = NextSlashId::<T>::get();
		#[extrinsic_call]
		_(
			RawOrigin::Signed(slasher::<T>()),
			service,
			operator.clone(),
			SlashTier::Critical,
			H256::repeat_byte(1),
		);
		assert!(Requests::<T>::contains_key(id));
		assert_eq!(Queue::<T>::get().first().map(|e| e.1), Some(id));
	}

	#[benchmark]
	fn dispute() {
		let (service, operator) = slashable_operator::<T>(0, 1);
		crowd::<T>(service, &operator);
		let id = request::<T>(service, &operator, 1);
		#[extrinsic_call]
		_(RawOrigin::Signed(operator), id);
		assert!(Requests::<T>::get(id).unwrap().dispute_bond.is_some());
	}

	#[benchmark]
	fn veto() -> Result<(), BenchmarkError> {
		let (service, operator) = slashable_operator::<T>(0, 1);
		crowd::<T>(service, &operator);
		let id = disputed_request::<T>(service, &operator);
		let origin =
			T::VetoOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id);
		assert!(!Requests::<T>::contains_key(id));
		Ok(())
	}

	/// A disputed critical slash of a pool with `d` delegators: flat in `d`.
	#[benchmark]
	fn execute_slash(d: Linear<1, 1_000>) {
		let (id, _) = due_slash::<T>(d);
		#[extrinsic_call]
		_(RawOrigin::Signed(slasher::<T>()), id);
		assert!(Records::<T>::contains_key(id));
	}

	// The benchmarks named `scaling_*` feed the scaling report (`benchmarks/scaling.py`) and
	// are not weights of this pallet: `benchmarks/run.sh` leaves them out.

	/// The eager baseline of `execute_slash`: the same slash, then every delegator's share of
	/// it realized at once.
	#[benchmark]
	fn scaling_eager_execute_slash(d: Linear<1, 1_000>) -> Result<(), BenchmarkError> {
		let (id, operator) = due_slash::<T>(d);
		let settled;
		#[block]
		{
			Slashing::<T>::execute_slash(RawOrigin::Signed(slasher::<T>()).into(), id)?;
			settled = T::BenchmarkHelper::settle_each_delegator(&operator);
		}
		assert_eq!(settled, d);
		Ok(())
	}

	/// The control of `execute_slash`: a pool with one delegator, while `d` other accounts
	/// delegate to another operator. Whatever slope this shows comes from a bigger state
	/// (deeper trie), not from the slashed pool's delegators.
	#[benchmark]
	fn scaling_control_execute_slash(d: Linear<1, 1_000>) {
		T::BenchmarkHelper::allocated_operator(1, d);
		let (id, _) = due_slash::<T>(1);
		#[extrinsic_call]
		execute_slash(RawOrigin::Signed(slasher::<T>()), id);
		assert!(Records::<T>::contains_key(id));
	}

	#[benchmark]
	fn pause() -> Result<(), BenchmarkError> {
		let origin =
			T::PauseOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin);
		assert!(Paused::<T>::get());
		Ok(())
	}

	#[benchmark]
	fn resume() -> Result<(), BenchmarkError> {
		Paused::<T>::put(true);
		let origin =
			T::PauseOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		#[extrinsic_call]
		_(origin as T::RuntimeOrigin);
		assert!(!Paused::<T>::get());
		Ok(())
	}

	/// `on_idle` executing `n` due slashes, each of another operator.
	#[benchmark]
	fn on_idle(n: Linear<0, 20>) {
		let mut ids = vec![];
		// (A test runtime may allow fewer waiting requests than the range.)
		for i in 0..n.min(T::MaxPendingSlashes::get()) {
			let (service, operator) = slashable_operator::<T>(i, 1);
			full_history::<T>(service, &operator);
			ids.push(disputed_request::<T>(service, &operator));
		}
		pass_window::<T>();
		let now = frame_system::Pallet::<T>::block_number();
		frame_system::Pallet::<T>::reset_events();
		#[block]
		{
			Slashing::<T>::execute_due(now, Weight::MAX);
		}
		assert!(ids.iter().all(Records::<T>::contains_key));
	}

	impl_benchmark_test_suite!(Slashing, crate::mock::ExtBuilder::build(), crate::mock::Runtime);
}
