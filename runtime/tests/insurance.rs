//! Insurance in the demo runtime: the genesis pool and cover, and a covered service slash
//! followed through to the delegator's bond, its compensation claim and the pool's books,
//! to the unit.

mod common;

use common::{account, new_test_ext, run_to_block};
use frame_support::{assert_ok, traits::fungible::Inspect};
use restaking_primitives::restaking::SlashTier;
use restaking_runtime::{
	currency::UNIT,
	genesis_config_presets::{DEMO_COVER, DEMO_DELEGATION, NOMINATOR_BOND, POOL_CAPITAL},
	Balances, Insurance, Restaking, Runtime, RuntimeOrigin, Slashing,
};
use sp_core::H256;
use sp_keyring::Sr25519Keyring::{Alice, Charlie, Eve};

fn bonded(who: &restaking_runtime::AccountId) -> u128 {
	pallet_staking::Ledger::<Runtime>::get(who).map(|l| l.total).unwrap_or(0)
}

fn check_invariants() {
	Restaking::do_try_state(u8::MAX).expect("restaking invariants hold");
	Slashing::do_try_state(u8::MAX).expect("slashing invariants hold");
	Insurance::do_try_state(u8::MAX).expect("insurance invariants hold");
}

#[test]
fn dev_genesis_has_a_funded_pool_and_a_cover() {
	new_test_ext("development").execute_with(|| {
		let pool = Insurance::pool_state(0).expect("pool 0");
		assert_eq!(pool.services, vec![0, 1]);
		assert_eq!(pool.locked, DEMO_COVER);
		assert_eq!(pool.capital, POOL_CAPITAL + pool.premiums);
		let covers = Insurance::covers_of(&account(Eve), 0);
		assert_eq!(covers.len(), 1);
		// The genesis cover's premium is earned over its period.
		assert!(covers[0].premium > 0);
		assert_eq!(pool.premiums + pool.unearned, covers[0].premium);
		assert_eq!(covers[0].remaining, DEMO_COVER);
		// A quote for more cover on the same target.
		assert!(Insurance::quote(0, &account(Eve), 0, 1_000 * UNIT, 100).is_ok());
		check_invariants();
	});
}

#[test]
fn a_covered_slash_pays_the_delegator_to_the_unit() {
	new_test_ext("development").execute_with(|| {
		let (alice, charlie, eve) = (account(Alice), account(Charlie), account(Eve));
		run_to_block(2);
		let deductible = 10 * UNIT;
		let id = pallet_slashing::NextSlashId::<Runtime>::get();
		assert_ok!(Slashing::request_slash(
			RuntimeOrigin::signed(alice),
			0,
			eve.clone(),
			SlashTier::Critical,
			H256::repeat_byte(7)
		));
		let due = pallet_slashing::Requests::<Runtime>::get(id).expect("waiting").due;
		run_to_block(due);
		let record = Slashing::slash_record(id).expect("executed");
		// Charlie is Eve's only delegator: 10 % of his 20,000 restaked.
		let loss = DEMO_DELEGATION / 10;
		assert_eq!(record.from_pool, loss);
		let paid = loss.min(DEMO_COVER) - deductible;
		let pool = Insurance::pool_state(0).expect("pool 0");
		assert_eq!(pool.paid_out, paid);

		// The loss comes out of Charlie's bond; the cover comes back as compensation.
		if Restaking::staker_exposure(charlie.clone()).expect("restakes").pending_loss > 0 {
			assert_ok!(Restaking::settle(RuntimeOrigin::signed(eve), charlie.clone()));
		}
		assert_eq!(bonded(&charlie), NOMINATOR_BOND - loss);
		let owed = Restaking::staker_exposure(charlie.clone())
			.expect("restakes")
			.pending_compensation;
		// Per-share rounding may keep less than a unit of the smallest denomination.
		assert!(paid - owed <= 1, "compensation {owed} of {paid}");
		let before = Balances::balance(&charlie);
		assert_ok!(Restaking::claim(RuntimeOrigin::signed(charlie.clone())));
		assert_eq!(Balances::balance(&charlie), before + owed);
		// Net of the cover, Charlie lost the deductible (and at most one unit of rounding).
		assert!(loss - owed - deductible <= 1);
		check_invariants();
	});
}
