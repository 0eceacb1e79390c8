//! `pallet-nomination-pools`' `apply_slash`, measured by this runtime's own node: the yardstick
//! for `pallet_restaking::settle` in the scaling report (`benchmarks/README.md`).
//!
//! polkadot-sdk's `pallet-nomination-pools-benchmarking` of this release requires
//! `pallet-staking-async`; this runtime runs `pallet-staking`, so the same worst case is built
//! here: a pool member with a pending slash and the most unbonding chunks, members' funds held
//! by `pallet-delegated-staking`. It is a comparison, not a weight of this runtime (the pools
//! pallet uses polkadot-sdk's own weights).

use frame_benchmarking::v2::*;
use frame_support::traits::{fungible::Mutate, Get, Imbalance};
use frame_system::RawOrigin;
use pallet_nomination_pools::{
	adapter::{Member, StakeStrategy},
	BalanceOf, LastPoolId, Pallet as Pools, PoolMembers,
};
use sp_runtime::traits::{StaticLookup, Zero};
use sp_staking::{EraIndex, StakingInterface};

/// What the comparison needs of a runtime.
pub trait Config: pallet_nomination_pools::Config + pallet_staking::Config {}

/// The benchmarks' anchor; no calls or storage of its own.
pub struct Pallet<T: Config>(core::marker::PhantomData<T>);

#[benchmarks(
	where
		BalanceOf<T>: From<u128> + Into<u128>,
		pallet_staking::BalanceOf<T>: From<u128>,
)]
mod benchmarks {
	use super::*;

	/// A member with a pending slash of half the pool and `MaxUnbonding` unbonding chunks
	/// (the worst case of polkadot-sdk's own benchmark of the call).
	#[benchmark]
	fn apply_slash() {
		let min_bond = Pools::<T>::depositor_min_bond();
		let deposit = min_bond * T::MaxUnbonding::get().into() * 4u32.into();
		let depositor: T::AccountId = account("depositor", 0, 0);
		<T as pallet_nomination_pools::Config>::Currency::set_balance(
			&depositor,
			deposit * 2u32.into(),
		);
		let depositor_lookup = T::Lookup::unlookup(depositor.clone());
		Pools::<T>::create(
			RawOrigin::Signed(depositor.clone()).into(),
			deposit,
			depositor_lookup.clone(),
			depositor_lookup.clone(),
			depositor_lookup.clone(),
		)
		.expect("the pool is created");
		let pool_account = Pools::<T>::generate_bonded_account(LastPoolId::<T>::get());

		// The base layer slashes the pool by half; the member's share of it is pending.
		let half: u128 = deposit.into() / 2;
		pallet_staking::slashing::do_slash::<T>(
			&pool_account,
			half.into(),
			&mut Zero::zero(),
			&mut pallet_staking::NegativeImbalanceOf::<T>::zero(),
			EraIndex::zero(),
		);
		let member = || Member::from(depositor.clone());
		let before = T::StakeAdapter::member_delegation_balance(member());
		assert_eq!(before, Some(deposit));

		// One unbonding chunk per era, as many as a member may have.
		for era in 1..=T::MaxUnbonding::get() {
			<T::StakeAdapter as StakeStrategy>::CoreStaking::set_era(era);
			Pools::<T>::unbond(
				RawOrigin::Signed(depositor.clone()).into(),
				depositor_lookup.clone(),
				min_bond,
			)
			.expect("the member unbonds");
		}
		<T::StakeAdapter as StakeStrategy>::CoreStaking::set_era(T::MaxUnbonding::get() + 2);
		let reporter: T::AccountId = account("reporter", 0, 0);

		#[block]
		{
			Pools::<T>::apply_slash(RawOrigin::Signed(reporter).into(), depositor_lookup)
				.expect("the slash applies");
		}

		let after = T::StakeAdapter::member_delegation_balance(member());
		assert_eq!(after, Some(deposit - half.into()));
		assert!(PoolMembers::<T>::contains_key(&depositor));
	}

	impl_benchmark_test_suite!(
		Pallet,
		sp_io::TestExternalities::new(
			<crate::RuntimeGenesisConfig as sp_runtime::BuildStorage>::build_storage(
				&Default::default()
			)
			.expect("the default genesis builds")
		),
		crate::Runtime
	);
}
