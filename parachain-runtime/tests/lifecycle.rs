//! Restaking on the parachain, on `pallet-staking-async`: the populated genesis, and a whole
//! lifecycle through the public calls (a service, an operator, a delegation, allocations, a
//! reward, a cover, a service slash taken from a bond in `pallet-staking-async`, the claim, and
//! a vault's deposit and redemption across relay-chain eras), to the unit.

mod common;

use common::{account, active_era, check_invariants, new_test_ext, rotate_to_era, run_to_block};
use frame_support::{assert_ok, traits::fungible::Inspect};
use restaking_parachain_runtime::{
	configs::VaultDecimalsOffset,
	currency::UNIT,
	genesis_config_presets::{DEMO_COVER, DEMO_DELEGATION, OPERATOR_SELF_BOND, PARA_ID},
	time::BONDING_DURATION,
	Assets, Balances, Insurance, LiquidRestaking, Restaking, Runtime, RuntimeOrigin, Slashing,
	Staking, System,
};
use restaking_primitives::restaking::SlashTier;
use sp_core::H256;
use sp_keyring::Sr25519Keyring::{Alice, Bob, Charlie, CharlieStash, Dave, Eve, Ferdie};
use sp_runtime::{Perbill, Perquintill};
use sp_staking::StakingAccount::Stash;

fn signed(who: &restaking_parachain_runtime::AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who.clone())
}

fn bonded(who: &restaking_parachain_runtime::AccountId) -> u128 {
	pallet_staking_async::Ledger::<Runtime>::get(who).map_or(0, |ledger| ledger.total)
}

#[test]
fn development_genesis_has_collators_stakers_the_restaking_world_and_a_vault() {
	new_test_ext("development").execute_with(|| {
		let (alice, bob, dave) = (account(Alice), account(Bob), account(Dave));
		assert_eq!(staging_parachain_info::Pallet::<Runtime>::parachain_id(), PARA_ID.into());
		assert_eq!(
			pallet_collator_selection::Invulnerables::<Runtime>::get().to_vec(),
			vec![alice.clone()]
		);
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 1);
		assert_eq!(pallet_staking_async::ValidatorCount::<Runtime>::get(), 1);
		let nominations = pallet_staking_async::Nominators::<Runtime>::get(&bob).expect("Bob");
		assert_eq!(nominations.targets.into_inner(), vec![alice]);

		assert_eq!(pallet_restaking::Services::<Runtime>::iter().count(), 2);
		assert_eq!(pallet_restaking::Operators::<Runtime>::count(), 2);
		let exposure = Restaking::staker_exposure(bob).expect("Bob restakes");
		assert_eq!((exposure.operator, exposure.restaked), (Some(dave), DEMO_DELEGATION));
		let risk = Restaking::system_risk();
		assert_eq!(risk.total_restaked, 2 * (OPERATOR_SELF_BOND + DEMO_DELEGATION));
		// The chain-wide stake comes from the active era's exposures, none before an election.
		assert_eq!(risk.total_staked, 0);
		assert_eq!(Insurance::pool_state(0).expect("pool 0").locked, DEMO_COVER);
		// Dave's vault, vault 0, empty.
		let vault = LiquidRestaking::vault_state(0).expect("Dave's vault");
		assert_eq!((vault.operator, vault.value, vault.supply), (account(Dave), 0, 0));
		check_invariants();
	});
}

#[test]
fn the_restaking_lifecycle_on_staking_async() {
	new_test_ext("development").execute_with(|| {
		let (alice, ferdie, operator) = (account(Alice), account(Ferdie), account(CharlieStash));
		let staked = 50_000 * UNIT;
		// Ferdie bonds on the base layer and nominates Alice.
		assert_ok!(Staking::bond(
			signed(&ferdie),
			staked,
			pallet_staking_async::RewardDestination::Staked
		));
		assert_ok!(Staking::nominate(signed(&ferdie), vec![alice.clone().into()]));

		// A service and an operator: Ferdie's sequencer (service 2), funded; Charlie's stash
		// operates it and the oracle (0), half each.
		let service = pallet_restaking::NextServiceId::<Runtime>::get();
		assert_ok!(Restaking::register_service(
			signed(&ferdie),
			b"sequencer".to_vec(),
			1_000 * UNIT,
			8,
			false,
			None
		));
		assert_ok!(Restaking::fund_service(signed(&ferdie), service, 5_000 * UNIT));
		assert_ok!(Restaking::register_operator(
			signed(&operator),
			OPERATOR_SELF_BOND,
			Perbill::from_percent(10),
			b"charlie-stash".to_vec()
		));
		for target in [service, 0] {
			assert_ok!(Restaking::opt_in(signed(&operator), target));
			assert_ok!(Restaking::allocate(
				signed(&operator),
				target,
				Perquintill::from_percent(50)
			));
		}
		// Ferdie restakes 20,000 of his bond through the operator.
		assert_ok!(Restaking::delegate(signed(&ferdie), operator.clone(), DEMO_DELEGATION));
		run_to_block(
			System::block_number() + <Runtime as pallet_restaking::Config>::AllocationDelay::get(),
		);
		let half = (OPERATOR_SELF_BOND + DEMO_DELEGATION) / 2;
		let sequencer = Restaking::service_security(service).expect("service 2");
		assert_eq!(sequencer.total_slashable, half);

		// The sequencer pays its operator; Ferdie buys cover on his oracle exposure.
		assert_ok!(Restaking::pay_rewards(
			signed(&ferdie),
			service,
			operator.clone(),
			1_000 * UNIT
		));
		let cover = 1_000 * UNIT;
		assert_ok!(Insurance::buy_cover(signed(&ferdie), 0, operator.clone(), 0, cover, 600));
		let rewards = Restaking::staker_exposure(ferdie.clone()).expect("restakes").pending_rewards;
		assert!(rewards > 0);
		check_invariants();

		// Alice's oracle slashes the operator, critically: 10 % of what it can slash.
		let id = pallet_slashing::NextSlashId::<Runtime>::get();
		assert_ok!(Slashing::request_slash(
			signed(&alice),
			0,
			operator.clone(),
			SlashTier::Critical,
			H256::repeat_byte(1)
		));
		let due = pallet_slashing::Requests::<Runtime>::get(id).expect("waiting").due;
		run_to_block(due);
		let record = Slashing::slash_record(id).expect("executed");
		// Ferdie's share of the pool on the oracle: half of his 20,000.
		let loss = DEMO_DELEGATION / 2 / 10;
		assert_eq!(record.from_pool, loss);

		// The loss is taken from Ferdie's bond in `pallet-staking-async`.
		if Restaking::staker_exposure(ferdie.clone()).expect("restakes").pending_loss > 0 {
			assert_ok!(Restaking::settle(signed(&operator), ferdie.clone()));
		}
		assert_eq!(bonded(&ferdie), staked - loss);
		assert_eq!(Staking::ledger(Stash(ferdie.clone())).expect("bonded").active, staked - loss);
		let exposure = Restaking::staker_exposure(ferdie.clone()).expect("restakes");
		assert_eq!(exposure.restaked, DEMO_DELEGATION - loss);
		// The cover paid the loss less the pool's deductible, as compensation.
		let deductible = 10 * UNIT;
		assert!((loss - deductible).abs_diff(exposure.pending_compensation) <= 1);

		// Ferdie claims his rewards and compensation.
		let before = Balances::balance(&ferdie);
		assert_ok!(Restaking::claim(signed(&ferdie)));
		assert_eq!(
			Balances::balance(&ferdie),
			before + exposure.pending_rewards + exposure.pending_compensation
		);
		check_invariants();
	});
}

#[test]
fn a_vault_takes_a_deposit_and_pays_its_redemption_across_relay_chain_eras() {
	new_test_ext("development").execute_with(|| {
		let (alice, eve, ferdie) = (account(Alice), account(Eve), account(Ferdie));
		let points = [(alice, 10)];
		let deposit = 10_000 * UNIT;
		let tokens = deposit * 10u128.pow(VaultDecimalsOffset::get() as u32);
		assert_ok!(LiquidRestaking::create_vault(signed(&eve), eve.clone()));
		// Dave's vault is vault 0, from genesis; Eve's is the next.
		let vault = pallet_liquid_restaking::VaultOf::<Runtime>::get(&eve).expect("Eve's vault");
		assert_eq!(vault, 1);
		let before = Balances::balance(&ferdie);
		assert_ok!(LiquidRestaking::deposit(signed(&ferdie), vault, deposit, tokens));
		assert_eq!(Assets::balance(vault, &ferdie), tokens);
		let state = LiquidRestaking::vault_state(vault).expect("Eve's vault");
		assert_eq!(state.value, deposit);
		// The vault's account bonds in `pallet-staking-async` and restakes through Eve.
		assert_eq!(bonded(&state.account), deposit);
		assert_eq!(state.restaked, deposit * 8 / 10);
		check_invariants();

		// Ferdie redeems everything: released a tenth an era, unlocked a bonding duration
		// and the undelegation delay after its last release.
		assert_ok!(LiquidRestaking::redeem(signed(&ferdie), vault, tokens, 0));
		let vault_record =
			|| pallet_liquid_restaking::Vaults::<Runtime>::get(vault).expect("vault");
		let start = active_era();
		while vault_record().queue_head < vault_record().queue_tail {
			assert!(active_era() < start + 20, "the queue drains");
			rotate_to_era(active_era() + 1, &points);
			assert_ok!(LiquidRestaking::poke(signed(&account(Charlie)), vault));
		}
		rotate_to_era(active_era() + BONDING_DURATION, &points);
		run_to_block(
			System::block_number()
				+ <Runtime as pallet_restaking::Config>::UndelegationDelay::get(),
		);
		assert_ok!(LiquidRestaking::withdraw(signed(&ferdie), vault, ferdie.clone(), 0));
		// Nothing was slashed: Ferdie has his deposit back, to the roundings of the releases.
		let paid = Balances::balance(&ferdie) + deposit - before;
		assert!(paid.abs_diff(deposit) <= 10, "paid {paid} of {deposit}");
		let state = LiquidRestaking::vault_state(vault).expect("Eve's vault");
		assert_eq!((state.supply, state.redeeming), (0, 0));
		check_invariants();
	});
}
