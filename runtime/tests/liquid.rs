//! Liquid restaking in the demo runtime: Eve's vault takes two deposits, a critical service
//! slash of Eve lowers the token's rate for both holders at once, and a run on the vault
//! drains first come, first served across eras under the per-era cap, every redemption paid
//! its share of the slashed value.

mod common;

use common::{account, new_test_ext, run_to_block, run_to_era};
use frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};
use restaking_primitives::restaking::SlashTier;
use restaking_runtime::{
	configs::{MaxRedeemPerEra, VaultDecimalsOffset, VaultDeposit},
	currency::UNIT,
	time::BONDING_DURATION,
	Assets, Balances, LiquidRestaking, Restaking, Runtime, RuntimeOrigin, Slashing, System,
};
use sp_core::H256;
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie, Dave, Eve, Ferdie};

const DEPOSIT: u128 = 10_000 * UNIT;
/// The tokens an empty vault mints for `DEPOSIT`: its tokens have `VaultDecimalsOffset` more
/// decimals than the currency.
const TOKENS: u128 = DEPOSIT * 10u128.pow(VaultDecimalsOffset::get() as u32);

fn era() -> u32 {
	pallet_staking::CurrentEra::<Runtime>::get().unwrap_or(0)
}

fn check_invariants() {
	LiquidRestaking::do_try_state(u8::MAX).expect("liquid invariants hold");
	Restaking::do_try_state(u8::MAX).expect("restaking invariants hold");
	Slashing::do_try_state(u8::MAX).expect("slashing invariants hold");
}

#[test]
fn both_presets_open_daves_vault_empty() {
	use frame_support::traits::fungibles::metadata::Inspect as _;
	for preset in ["development", "local_testnet"] {
		new_test_ext(preset).execute_with(|| {
			let dave = account(Dave);
			assert_eq!(pallet_liquid_restaking::VaultOf::<Runtime>::get(&dave), Some(0));
			let state = LiquidRestaking::vault_state(0).expect("Dave's vault");
			assert_eq!((&state.operator, state.value, state.supply), (&dave, 0, 0));
			assert_eq!(Assets::symbol(0), b"LRV0".to_vec());
			// Dave paid the vault deposit; it stays in the vault's account as its reserve.
			assert_eq!(Balances::balance(&state.account), VaultDeposit::get());
			// Empty: the restaking figures of the presets are the operators' and delegators'.
			assert_eq!(Restaking::staker_exposure(state.account.clone()), None);
			check_invariants();
		});
	}
}

#[test]
fn a_service_slash_lowers_the_rate_and_a_run_drains_under_the_cap() {
	new_test_ext("development").execute_with(|| {
		let (alice, bob, eve, ferdie) =
			(account(Alice), account(Bob), account(Eve), account(Ferdie));
		run_to_block(2);
		assert_ok!(LiquidRestaking::create_vault(RuntimeOrigin::signed(eve.clone()), eve.clone()));
		// Dave's vault is vault 0, from genesis; Eve's is the next.
		let vault = pallet_liquid_restaking::VaultOf::<Runtime>::get(&eve).expect("Eve's vault");
		assert_eq!(vault, 1);
		for who in [&ferdie, &bob] {
			assert_ok!(LiquidRestaking::deposit(
				RuntimeOrigin::signed(who.clone()),
				vault,
				DEPOSIT,
				TOKENS,
			));
		}
		let state = LiquidRestaking::vault_state(vault).expect("Eve's vault");
		assert_eq!((state.value, state.supply), (2 * DEPOSIT, 2 * TOKENS));
		assert_eq!(state.rate, sp_runtime::FixedU128::from_u32(1));
		// The restake ratio (80 %) of the vault's bond restakes through Eve.
		assert_eq!(state.restaked, 2 * DEPOSIT * 8 / 10);
		// Ferdie's position shows in the exposure API, through the vault.
		let exposure = restaking_runtime_common::staker_exposure::<Runtime>(ferdie.clone())
			.expect("Ferdie holds vault tokens");
		assert_eq!(exposure.operator, None);
		assert_eq!(exposure.vaults[0].tokens, TOKENS);
		assert_eq!(exposure.vaults[0].services[0].slashable, DEPOSIT * 8 / 10);
		check_invariants();

		// Alice's oracle slashes Eve: critical, 10 % of the pool (Charlie 20,000 + the vault
		// 16,000) and of her self-bond.
		let id = pallet_slashing::NextSlashId::<Runtime>::get();
		assert_ok!(Slashing::request_slash(
			RuntimeOrigin::signed(alice),
			0,
			eve.clone(),
			SlashTier::Critical,
			H256::repeat_byte(9)
		));
		let due = pallet_slashing::Requests::<Runtime>::get(id).expect("waiting").due;
		run_to_block(due);
		assert!(Slashing::slash_record(id).is_some(), "executed");
		let loss = state.restaked / 10;
		let state = LiquidRestaking::vault_state(vault).expect("Eve's vault");
		assert_eq!(state.pending_loss, loss);
		// The genesis insurance cover on (Eve, oracle) paid Eve's pool; the vault's share of
		// that compensation is part of its value until it is claimed and bonded again.
		let own = Restaking::staker_exposure(state.account.clone()).expect("the vault restakes");
		assert!(own.pending_compensation > 0);
		assert_eq!(state.value, 2 * DEPOSIT - loss + own.pending_compensation);
		let rate = state.rate;
		assert!(rate < sp_runtime::FixedU128::from_u32(1));
		// Both holders hold the same tokens, each now worth half the value.
		assert_eq!(Assets::balance(vault, &ferdie), TOKENS);
		check_invariants();

		// A run: both redeem everything, Ferdie first.
		let ferdie_before = Balances::balance(&ferdie);
		let bob_before = Balances::balance(&bob);
		assert_ok!(LiquidRestaking::redeem(
			RuntimeOrigin::signed(ferdie.clone()),
			vault,
			TOKENS,
			0
		));
		assert_ok!(LiquidRestaking::redeem(RuntimeOrigin::signed(bob.clone()), vault, TOKENS, 0));
		let cap = MaxRedeemPerEra::get() * state.value;
		let mut released = Vec::new();
		let mut ferdie_released_in = None;
		let start = era();
		let vault_record =
			|| pallet_liquid_restaking::Vaults::<Runtime>::get(vault).expect("vault");
		while vault_record().queue_head < vault_record().queue_tail {
			let record = vault_record();
			// Never more than the cap of the era's value (the value stays while nothing is paid).
			assert!(
				record.era_released.1 <= cap + 1,
				"era {} released {}",
				era(),
				record.era_released.1
			);
			released.push(record.released_shares);
			if ferdie_released_in.is_none() && record.queue_head > 0 {
				ferdie_released_in = Some(era());
			}
			assert!(era() < start + 20, "the queue drains");
			run_to_era(era() + 1);
			assert_ok!(LiquidRestaking::poke(RuntimeOrigin::signed(account(Charlie)), vault));
		}
		released.push(vault_record().released_shares);
		// Ten per cent per era: eleven eras for everything (the first release came at once).
		assert!(released.len() >= 10, "{released:?}");
		assert!(released.windows(2).all(|w| w[0] < w[1]));
		let last_release = era();
		let ferdie_era = ferdie_released_in.expect("Ferdie released before Bob");
		assert!(ferdie_era < last_release);

		// Bob's redemption waits while Ferdie's unlocks.
		run_to_era(ferdie_era + BONDING_DURATION);
		run_to_block(
			System::block_number()
				+ <Runtime as pallet_restaking::Config>::UndelegationDelay::get(),
		);
		assert_ok!(LiquidRestaking::withdraw(
			RuntimeOrigin::signed(ferdie.clone()),
			vault,
			ferdie.clone(),
			0
		));
		assert!(era() < last_release + BONDING_DURATION);
		assert_noop!(
			LiquidRestaking::withdraw(RuntimeOrigin::signed(bob.clone()), vault, bob.clone(), 1),
			pallet_liquid_restaking::Error::<Runtime>::NotUnlocked
		);
		run_to_era(last_release + BONDING_DURATION);
		run_to_block(
			System::block_number()
				+ <Runtime as pallet_restaking::Config>::UndelegationDelay::get(),
		);
		assert_ok!(LiquidRestaking::withdraw(
			RuntimeOrigin::signed(bob.clone()),
			vault,
			bob.clone(),
			1
		));

		// Each was paid half of the value after the slash and the compensation, to the
		// roundings of the releases (a few planck), and together never more than the value.
		let half = state.value / 2;
		let mut total = 0;
		for (who, before) in [(&ferdie, ferdie_before), (&bob, bob_before)] {
			let paid = Balances::balance(who) - before;
			assert!(paid.abs_diff(half) <= 10, "paid {paid} of {half}");
			total += paid;
		}
		assert!(total <= state.value, "paid {total} of {}", state.value);
		let state = LiquidRestaking::vault_state(vault).expect("Eve's vault");
		assert_eq!((state.supply, state.redeeming), (0, 0));
		assert!(state.value <= 20, "dust left: {}", state.value);
		check_invariants();
	});
}
