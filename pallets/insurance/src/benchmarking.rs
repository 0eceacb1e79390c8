//! Benchmarks of the insurance pallet (FRAME benchmarks v2).
//!
//! Worst cases: the most covered services, covers to release before a withdrawal or a sale,
//! full lists a sale evicts from, premiums to recognize on every touched cover, a reserve
//! top-up after every payout. The payout path takes the number of matching covers `c`, each
//! of its own full pool, and the operator pool's delegator count `d`; it must not depend on
//! `d`.

use super::*;
use crate::{impls::RecordOf, Pallet as Insurance};
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	Get,
};
use frame_system::RawOrigin;
use restaking_primitives::{
	insurance::PoolId,
	restaking::{RestakingBenchmarking, ServiceId, SlashTier},
	slashing::SlashRecord,
};
use sp_runtime::{
	traits::{Bounded, One, Saturating, Zero},
	FixedU128, Perbill,
};

const SEED: u32 = 0;

fn fund<T: Config>(who: &T::AccountId) {
	T::Currency::set_balance(who, BalanceOf::<T>::max_value() / 1_000_000u32.into());
}

fn unit<T: Config>() -> BalanceOf<T> {
	T::Currency::minimum_balance().max(T::MinDeposit::get()).max(T::MinCover::get())
		* 1_000u32.into()
}

/// The steepest valid curve.
fn pricing<T: Config>() -> Pricing {
	Pricing { base: Perbill::zero(), slope: T::MaxRate::get() }
}

/// A pool covering `services`, funded with plenty of capital.
fn funded_pool<T: Config>(services: Vec<ServiceId>) -> (PoolId, T::AccountId) {
	let owner: T::AccountId = account("owner", 0, SEED);
	fund::<T>(&owner);
	let pool = Insurance::<T>::do_create_pool(owner.clone(), services, pricing::<T>(), One::one())
		.expect("pool is valid");
	Insurance::<T>::do_deposit(owner.clone(), pool, unit::<T>() * 1_000u32.into())
		.expect("deposit is valid");
	(pool, owner)
}

/// Put `n` covers that ended long ago (past their grace) on `pool`, locking capital.
fn expired_covers<T: Config>(pool: PoolId, service: ServiceId, n: u32) {
	covers_on_pool::<T>(pool, service, n, Running::EndedLongAgo);
	let now = frame_system::Pallet::<T>::block_number();
	let later = now.saturating_add(T::ClaimGrace::get()).saturating_add(One::one());
	frame_system::Pallet::<T>::set_block_number(later);
}

/// When the covers `covers_on_pool` puts on a pool run.
#[derive(Clone, Copy, PartialEq)]
enum Running {
	/// Ended at block 0, long past their grace.
	EndedLongAgo,
	/// Ended in this block: within their grace, still listed until a sale evicts one.
	EndedNow,
	/// From this block for the longest period.
	Longest,
}

/// Put `n` covers of one unit, each with a premium still to earn, on `pool`, each on its own
/// operator.
fn covers_on_pool<T: Config>(pool: PoolId, service: ServiceId, n: u32, running: Running) {
	let mut record = Pools::<T>::get(pool).expect("pool exists");
	// Large enough that every block earns part of it: each cover is written when recognized.
	let premium = unit::<T>();
	let now = frame_system::Pallet::<T>::block_number();
	let (start, end) = match running {
		Running::EndedLongAgo => (Zero::zero(), Zero::zero()),
		Running::EndedNow => (now.saturating_sub(T::MinCoverPeriod::get()), now),
		Running::Longest => (now, now.saturating_add(T::MaxCoverPeriod::get())),
	};
	for i in 0..n {
		let id = NextCoverId::<T>::get();
		NextCoverId::<T>::put(id + 1);
		let operator: T::AccountId = account("covered", i, SEED);
		let amount = unit::<T>();
		Covers::<T>::insert(
			id,
			Cover {
				pool,
				buyer: operator.clone(),
				operator: operator.clone(),
				service,
				remaining: amount,
				amount,
				premium,
				recognized: Zero::zero(),
				start,
				end,
				last_paid: None,
			},
		);
		PoolCovers::<T>::mutate(pool, |ids| ids.try_push(id).expect("within the bound"));
		CoversOf::<T>::mutate(&operator, service, |ids| ids.try_push(id).expect("one each"));
		record.locked = record.locked.saturating_add(amount);
		record.unearned = record.unearned.saturating_add(premium);
	}
	// Each premium is unearned until the sale's recognition (a write per cover), and funded.
	T::Currency::mint_into(&Insurance::<T>::pool_account(pool), premium * n.into())
		.expect("premiums fund the pool");
	Pools::<T>::insert(pool, record);
}

/// Fill `(operator, service)`'s list with the weakest covers that sell, each from a pool of
/// its own (so that evicting one refunds its premium out of another pool).
fn weak_covers_on<T: Config>(operator: &T::AccountId, service: ServiceId) {
	for i in 0..T::MaxCoversPerTarget::get() {
		let owner: T::AccountId = account("weak", i, SEED);
		fund::<T>(&owner);
		let flat = Pricing { base: T::MaxRate::get(), slope: Perbill::zero() };
		let pool = Insurance::<T>::do_create_pool(owner.clone(), vec![service], flat, One::one())
			.expect("pool is valid");
		Insurance::<T>::do_deposit(owner.clone(), pool, unit::<T>()).expect("deposit is valid");
		Insurance::<T>::do_buy_cover(
			owner,
			pool,
			operator.clone(),
			service,
			T::MinCover::get().saturating_add(One::one()),
			T::MinCoverPeriod::get(),
		)
		.expect("cover sells");
	}
}

/// An executed slash of an operator with `d` delegators, covered by `c` covers, each of a
/// pool of its own whose other places are full of running covers with premiums to recognize
/// (the payout's worst case: every pool read, brought up to date, paid from and topped up);
/// the reserve is funded for the top-ups. Returns the record, the first pool and the operator.
fn covered_slash<T: Config>(c: u32, d: u32) -> (RecordOf<T>, PoolId, T::AccountId) {
	let (service, operator) = T::BenchmarkHelper::allocated_operator(0, d);
	let buyer: T::AccountId = account("buyer", 0, SEED);
	fund::<T>(&buyer);
	let mut first = None;
	for _ in 0..c {
		let (pool, _) = funded_pool::<T>(vec![service]);
		first.get_or_insert(pool);
		let others = T::MaxCoversPerPool::get().saturating_sub(1);
		covers_on_pool::<T>(pool, service, others, Running::Longest);
		Insurance::<T>::do_buy_cover(
			buyer.clone(),
			pool,
			operator.clone(),
			service,
			// Enough for every one of up to 10,000 delegators to be paid something.
			unit::<T>() * 100u32.into(),
			T::MaxCoverPeriod::get(),
		)
		.expect("cover sells");
	}
	let pool = first.expect("at least one cover");
	fund::<T>(&Insurance::<T>::reserve_account());
	let now = frame_system::Pallet::<T>::block_number();
	frame_system::Pallet::<T>::set_block_number(now.saturating_add(One::one()));
	let record = SlashRecord {
		id: 0,
		service,
		operator: operator.clone(),
		tier: SlashTier::Critical,
		fraction: Perbill::from_percent(10),
		amount: unit::<T>() * 1_000u32.into(),
		from_self_bond: Zero::zero(),
		from_pool: unit::<T>() * 1_000u32.into(),
		factor_before: FixedU128::one(),
		factor_after: FixedU128::from_rational(9, 10),
		requested_at: now.saturating_add(One::one()),
		at: now.saturating_add(One::one()),
	};
	frame_system::Pallet::<T>::reset_events();
	(record, pool, operator)
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn create_pool() {
		let services: Vec<ServiceId> = (0..T::MaxCoveredServices::get())
			.map(|i| T::BenchmarkHelper::service(i).0)
			.collect();
		let owner: T::AccountId = account("owner", 0, SEED);
		fund::<T>(&owner);
		let id = NextPoolId::<T>::get();
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), services, pricing::<T>(), One::one());
		assert!(Pools::<T>::contains_key(id));
	}

	#[benchmark]
	fn deposit() {
		let (service, _) = T::BenchmarkHelper::service(0);
		let (pool, _) = funded_pool::<T>(vec![service]);
		let who: T::AccountId = account("underwriter", 0, SEED);
		fund::<T>(&who);
		#[extrinsic_call]
		_(RawOrigin::Signed(who.clone()), pool, unit::<T>());
		assert!(Positions::<T>::contains_key(pool, who));
	}

	#[benchmark]
	fn request_withdraw() {
		let (service, _) = T::BenchmarkHelper::service(0);
		let (pool, owner) = funded_pool::<T>(vec![service]);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), pool, unit::<T>());
		assert!(Positions::<T>::get(pool, owner).unwrap().unbonding.is_some());
	}

	/// A withdrawal that first releases `c` expired covers.
	#[benchmark]
	fn withdraw(c: Linear<0, { T::MaxCoversPerPool::get() }>) {
		let (service, _) = T::BenchmarkHelper::service(0);
		let (pool, owner) = funded_pool::<T>(vec![service]);
		expired_covers::<T>(pool, service, c);
		// Requested after the covers' grace passed, executed as soon as it can be (before the
		// request expires).
		Insurance::<T>::do_request_withdraw(owner.clone(), pool, unit::<T>()).unwrap();
		let cooldown = T::UnderwriterCooldown::get();
		let now = frame_system::Pallet::<T>::block_number();
		frame_system::Pallet::<T>::set_block_number(now.saturating_add(cooldown));
		#[extrinsic_call]
		_(RawOrigin::Signed(owner.clone()), pool);
		assert!(Positions::<T>::get(pool, owner).unwrap().unbonding.is_none());
	}

	/// A sale that first releases `c` expired covers of its pool, then takes the place of the
	/// weakest cover on its full target (a cover of another pool, whose premium is refunded);
	/// with no expired cover the pool's own list is full too and a second cover makes room.
	#[benchmark]
	fn buy_cover(c: Linear<0, { T::MaxCoversPerPool::get().saturating_sub(1) }>) {
		let (service, operator) = T::BenchmarkHelper::allocated_operator(0, 1);
		let (pool, _) = funded_pool::<T>(vec![service]);
		expired_covers::<T>(pool, service, c);
		if c == 0 {
			covers_on_pool::<T>(pool, service, T::MaxCoversPerPool::get(), Running::EndedNow);
		}
		weak_covers_on::<T>(&operator, service);
		let buyer: T::AccountId = account("buyer", 0, SEED);
		fund::<T>(&buyer);
		let id = NextCoverId::<T>::get();
		#[extrinsic_call]
		_(RawOrigin::Signed(buyer), pool, operator, service, unit::<T>(), T::MaxCoverPeriod::get());
		assert!(Covers::<T>::contains_key(id));
		// One weak cover on the target made room (its pool's list is empty now), and with no
		// expired cover one of the pool's own did too.
		let weak = pool + 1..pool + 1 + T::MaxCoversPerTarget::get();
		assert_eq!(weak.filter(|p| PoolCovers::<T>::get(p).is_empty()).count(), 1);
		let listed = PoolCovers::<T>::get(pool).len() as u32;
		assert_eq!(listed, if c == 0 { T::MaxCoversPerPool::get() } else { 1 });
	}

	#[benchmark]
	fn release_covers(c: Linear<0, { T::MaxCoversPerPool::get() }>) {
		let (service, _) = T::BenchmarkHelper::service(0);
		let (pool, owner) = funded_pool::<T>(vec![service]);
		expired_covers::<T>(pool, service, c);
		#[extrinsic_call]
		_(RawOrigin::Signed(owner), pool);
		assert!(PoolCovers::<T>::get(pool).is_empty());
	}

	/// Paying `c` matching covers, each of its own full pool, into the compensation of an
	/// operator pool with `d` delegators, with a reserve top-up per pool: flat in `d`.
	#[benchmark]
	fn payout(c: Linear<1, { T::MaxCoversPerTarget::get() }>, d: Linear<1, 1_000>) {
		let (record, pool, _) = covered_slash::<T>(c, d);
		#[block]
		{
			Insurance::<T>::pay_covers(&record);
		}
		assert!(!Pools::<T>::get(pool).unwrap().paid_out.is_zero());
	}

	// The benchmarks named `scaling_*` feed the scaling report (`benchmarks/scaling.py`) and
	// are not weights of this pallet: `benchmarks/run.sh` leaves them out.

	/// The control of `payout` with one cover: a pool with one delegator, while `d` other
	/// accounts delegate to another operator (whatever slope this shows is a bigger state).
	#[benchmark]
	fn scaling_control_payout(d: Linear<1, 1_000>) {
		T::BenchmarkHelper::allocated_operator(1, d);
		let (record, pool, _) = covered_slash::<T>(1, 1);
		#[block]
		{
			Insurance::<T>::pay_covers(&record);
		}
		assert!(!Pools::<T>::get(pool).unwrap().paid_out.is_zero());
	}

	/// The eager baseline of `payout` with one cover: the same payout, then every delegator's
	/// compensation paid out at once.
	#[benchmark]
	fn scaling_eager_payout(d: Linear<1, 1_000>) {
		let (record, _, operator) = covered_slash::<T>(1, d);
		let claimed;
		#[block]
		{
			Insurance::<T>::pay_covers(&record);
			claimed = T::BenchmarkHelper::claim_each_delegator(&operator);
		}
		assert_eq!(claimed, d);
	}

	impl_benchmark_test_suite!(Insurance, crate::mock::ExtBuilder::build(), crate::mock::Runtime);
}
