//! A runtime upgrade on a chain with stakers, a vault, covers, a withdrawal request and a waiting
//! slash, whose insurance pools are stored the way storage version 0 kept them:
//! `Executive::try_runtime_upgrade` runs every migration with its pre- and post-upgrade checks,
//! and then every pallet's `try_state` holds. Needs `--features try-runtime`.

#![cfg(feature = "try-runtime")]

mod common;

use common::{account, new_test_ext, run_to_block};
use frame_support::{
	assert_ok,
	traits::{GetStorageVersion, StorageVersion, TryState, TryStateSelect, UpgradeCheckSelect},
};
use pallet_insurance::{migrations::v1::v0, Pools};
use restaking_primitives::restaking::SlashTier;
use restaking_runtime::{
	currency::UNIT, AllPalletsWithSystem, Executive, Insurance, LiquidRestaking, Restaking,
	Runtime, RuntimeOrigin, Slashing, System,
};
use sp_core::H256;
use sp_keyring::Sr25519Keyring::{Alice, Bob, Eve, Ferdie};

#[test]
fn an_upgrade_from_version_0_keeps_every_invariant() {
	new_test_ext("development").execute_with(|| {
		let (alice, bob, eve, ferdie) =
			(account(Alice), account(Bob), account(Eve), account(Ferdie));
		run_to_block(2);
		assert_ok!(LiquidRestaking::create_vault(RuntimeOrigin::signed(eve.clone()), eve.clone()));
		// Eve's vault (Dave's, from genesis, is vault 0).
		let vault = pallet_liquid_restaking::VaultOf::<Runtime>::get(&eve).expect("Eve's vault");
		assert_ok!(LiquidRestaking::deposit(
			RuntimeOrigin::signed(bob),
			vault,
			1_000 * UNIT,
			1_000 * UNIT
		));
		assert_ok!(Insurance::request_withdraw(RuntimeOrigin::signed(ferdie), 0, 10_000 * UNIT));
		assert_ok!(Slashing::request_slash(
			RuntimeOrigin::signed(alice),
			0,
			eve,
			SlashTier::Critical,
			H256::repeat_byte(9)
		));
		let pools: Vec<_> = Pools::<Runtime>::iter().collect();
		assert!(!pools.is_empty());
		for (id, pool) in pools.clone() {
			v0::Pool::put_as_v0(id, pool);
		}
		StorageVersion::new(0).put::<Insurance>();
		// Version 0 of restaking had no yield history.
		let operators: Vec<_> = pallet_restaking::Operators::<Runtime>::iter_keys().collect();
		assert_eq!(operators.len(), 2);
		let _ = pallet_restaking::PoolHistory::<Runtime>::clear(u32::MAX, None);
		StorageVersion::new(0).put::<Restaking>();

		let weight = Executive::try_runtime_upgrade(UpgradeCheckSelect::All)
			.expect("every migration and its checks pass");

		assert!(weight.ref_time() > 0);
		assert_eq!(Insurance::on_chain_storage_version(), StorageVersion::new(1));
		assert_eq!(Restaking::on_chain_storage_version(), StorageVersion::new(1));
		let era = pallet_staking::ActiveEra::<Runtime>::get().map_or(0, |e| e.index);
		for operator in operators {
			let history = pallet_restaking::PoolHistory::<Runtime>::get(&operator);
			assert_eq!(history.iter().map(|r| r.era).collect::<Vec<_>>(), vec![era]);
			assert_eq!(
				history[0].factor,
				pallet_restaking::Operators::<Runtime>::get(&operator).unwrap().factor
			);
		}
		assert_eq!(Pools::<Runtime>::iter().collect::<Vec<_>>(), pools);
		<AllPalletsWithSystem as TryState<_>>::try_state(
			System::block_number(),
			TryStateSelect::All,
		)
		.expect("every pallet's try_state holds after the upgrade");
	});
}
