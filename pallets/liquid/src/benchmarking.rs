//! Benchmarks of the liquid restaking pallet (FRAME benchmarks v2).
//!
//! Every call brings its vault up to date first, so each benchmark sets up the worst case of
//! that step: liquid funds to compound (bond again and restake), a new era with a redemption
//! queue to release (undelegate and unbond), and, for `withdraw`, unbonded and undelegated
//! funds to collect before paying.

use super::*;
use crate::Pallet as Liquid;
use frame_benchmarking::v2::*;
use frame_support::traits::{
	fungible::{Inspect, Mutate},
	fungibles::Inspect as AssetsInspect,
	EnsureOrigin, Get,
};
use frame_system::RawOrigin;
use restaking_primitives::{liquid::VaultId, restaking::RestakingBenchmarking};
use sp_runtime::traits::{Bounded, Saturating, Zero};
use sp_staking::StakingInterface;

const SEED: u32 = 0;

fn fund<T: Config>(who: &T::AccountId) {
	T::Currency::set_balance(who, T::Balance::max_value() / 1_000_000u32.into());
}

/// A deposit big enough for every minimum of the staking and restaking layers.
fn unit<T: Config>() -> T::Balance {
	T::Currency::minimum_balance()
		.max(T::MinDeposit::get())
		.max(T::MinRestake::get())
		.max(T::Staking::minimum_nominator_bond())
		.saturating_mul(1_000u32.into())
}

/// A vault of a fresh operator allocated to a service, with `holders` holders of one `unit`
/// each.
fn vault<T: Config>(holders: u32) -> (VaultId, T::AccountId) {
	let (_, operator) = T::BenchmarkHelper::allocated_operator(0, 0);
	fund::<T>(&operator);
	let id = Liquid::<T>::do_create_vault(operator.clone()).expect("operator has no vault");
	for i in 0..holders {
		let holder: T::AccountId = account("holder", i, SEED);
		fund::<T>(&holder);
		Liquid::<T>::do_deposit(holder, id, unit::<T>(), Zero::zero()).expect("deposit is valid");
	}
	(id, operator)
}

/// `who` redeems the tokens worth `value` now.
fn queue<T: Config>(who: &T::AccountId, id: VaultId, value: T::Balance) {
	let record = Vaults::<T>::get(id).expect("vault exists");
	let price = Liquid::<T>::pricing(id, &record);
	let tokens = Liquid::<T>::tokens_for(value, price.active_value, price.active_shares)
		.expect("no overflow");
	Liquid::<T>::do_redeem(who.clone(), id, tokens, Zero::zero()).expect("redemption is valid");
}

/// The worst case of a vault's update: a new era with `MaxReleaseBatch` redemptions of other
/// holders to release (the batch's cost) and a base-layer reward to compound.
fn pending_work<T: Config>(id: VaultId) {
	let record = Vaults::<T>::get(id).expect("vault exists");
	let whale: T::AccountId = account("whale", 0, SEED);
	fund::<T>(&whale);
	Liquid::<T>::do_deposit(
		whale.clone(),
		id,
		unit::<T>().saturating_mul(50u32.into()),
		Zero::zero(),
	)
	.expect("deposit is valid");
	let batch = T::MaxReleaseBatch::get();
	let holders: alloc::vec::Vec<T::AccountId> =
		(0..batch).map(|i| account("queued", i, SEED)).collect();
	for holder in &holders {
		fund::<T>(holder);
		Liquid::<T>::do_deposit(holder.clone(), id, unit::<T>(), Zero::zero())
			.expect("deposit is valid");
	}
	// The whale fills this era's cap and leaves a little in the queue; small redemptions of
	// the other holders queue behind it, all within the next era's cap.
	let cap = T::MaxRedeemPerEra::get().mul_ceil(Liquid::<T>::books(&record).value);
	let small = unit::<T>() / 100u32.into();
	queue::<T>(&whale, id, cap.saturating_add(small));
	for holder in &holders {
		queue::<T>(holder, id, small);
	}
	T::Staking::set_era(T::Staking::current_era().saturating_add(1));
	T::Currency::mint_into(&record.account, unit::<T>()).expect("reward lands");
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn create_vault() {
		let (_, operator) = T::BenchmarkHelper::allocated_operator(0, 0);
		fund::<T>(&operator);

		#[extrinsic_call]
		_(RawOrigin::Signed(operator.clone()), operator.clone());

		assert!(VaultOf::<T>::contains_key(&operator));
	}

	#[benchmark]
	fn deposit() {
		let (id, _) = vault::<T>(2);
		pending_work::<T>(id);
		let depositor: T::AccountId = account("depositor", 0, SEED);
		fund::<T>(&depositor);

		#[extrinsic_call]
		_(RawOrigin::Signed(depositor.clone()), id, unit::<T>(), Zero::zero());

		assert!(!T::Assets::balance(Liquid::<T>::asset_of(id), &depositor).is_zero());
	}

	#[benchmark]
	fn redeem() {
		let (id, _) = vault::<T>(2);
		pending_work::<T>(id);
		let holder: T::AccountId = account("holder", 1, SEED);
		let tokens = T::Assets::balance(Liquid::<T>::asset_of(id), &holder);

		#[extrinsic_call]
		_(RawOrigin::Signed(holder.clone()), id, tokens, Zero::zero());

		assert!(T::Assets::balance(Liquid::<T>::asset_of(id), &holder).is_zero());
	}

	#[benchmark]
	fn withdraw() {
		let (id, _) = vault::<T>(20);
		// Holder 1's redemption is released at once (under the cap); it unlocks after the
		// bonding duration and the undelegation delay, and its funds are collected first.
		let holder: T::AccountId = account("holder", 1, SEED);
		let tokens = T::Assets::balance(Liquid::<T>::asset_of(id), &holder);
		Liquid::<T>::do_redeem(holder.clone(), id, tokens, Zero::zero())
			.expect("redemption is valid");
		let era = T::Staking::current_era().saturating_add(T::Staking::bonding_duration());
		T::Staking::set_era(era);
		let now = frame_system::Pallet::<T>::block_number();
		frame_system::Pallet::<T>::set_block_number(
			now.saturating_add(T::UndelegationDelay::get()),
		);
		pending_work::<T>(id);
		let before = T::Currency::balance(&holder);
		let caller: T::AccountId = whitelisted_caller();

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id, holder.clone(), 0);

		assert!(T::Currency::balance(&holder) > before);
	}

	#[benchmark]
	fn poke() {
		let (id, _) = vault::<T>(2);
		pending_work::<T>(id);
		let caller: T::AccountId = whitelisted_caller();
		let before = Vaults::<T>::get(id).expect("vault exists");

		#[extrinsic_call]
		_(RawOrigin::Signed(caller), id);

		let after = Vaults::<T>::get(id).expect("vault exists");
		assert!(after.released_shares > before.released_shares, "the new era's release ran");
		let batch = after.queue_head.saturating_sub(before.queue_head);
		assert!(batch + 1 >= T::MaxReleaseBatch::get(), "a whole batch was released: {batch}");
		assert!(after.principal > before.principal, "the reward was compounded");
	}

	#[benchmark]
	fn set_paused() -> Result<(), BenchmarkError> {
		let (id, _) = vault::<T>(0);
		let origin =
			T::PauseOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, id, true);

		assert!(Vaults::<T>::get(id).expect("vault exists").paused);
		Ok(())
	}

	impl_benchmark_test_suite!(
		Liquid,
		crate::mock::ExtBuilder::build_with_offset(6),
		crate::mock::Runtime
	);
}
