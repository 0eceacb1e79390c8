//! The demo runtime's base layer: genesis presets, eras and rewards, root offences and slashes,
//! nomination pools.

mod common;

use common::{account, new_test_ext, run_to_block, run_to_era, staking_events};
use frame_support::{assert_noop, assert_ok, traits::fungible::Inspect};
use restaking_runtime::{
	configs::{BondingDuration, SessionsPerEra, SlashRewardFraction},
	currency::UNIT,
	genesis_config_presets::{ENDOWMENT, NOMINATOR_BOND, VALIDATOR_BOND},
	time::{SESSIONS_PER_ERA, SESSION_PERIOD},
	Balances, Grandpa, NominationPools, Restaking, Runtime, RuntimeOrigin, Session, Staking,
	System,
};
use sp_keyring::Sr25519Keyring::{Alice, AliceStash, Bob, BobStash, Charlie, Dave, Eve, Ferdie};
use sp_runtime::{DispatchError, Perbill};

#[test]
fn development_genesis_builds() {
	new_test_ext("development").execute_with(|| {
		let alice = account(Alice);
		assert_eq!(pallet_session::Validators::<Runtime>::get(), vec![alice.clone()]);
		assert_eq!(Session::validators(), vec![alice.clone()]);
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 1);
		assert_eq!(Grandpa::grandpa_authorities().len(), 1);
		assert_eq!(pallet_staking::ValidatorCount::<Runtime>::get(), 1);
		assert_eq!(
			Staking::ledger(sp_staking::StakingAccount::Stash(alice.clone()))
				.unwrap()
				.active,
			VALIDATOR_BOND
		);
		for nominator in [account(Bob), account(Charlie)] {
			let nominations = pallet_staking::Nominators::<Runtime>::get(&nominator).unwrap();
			assert_eq!(nominations.targets.into_inner(), vec![alice.clone()]);
			assert_eq!(
				pallet_staking::Ledger::<Runtime>::get(&nominator).unwrap().active,
				NOMINATOR_BOND
			);
		}
		// Dave operates in restaking: part of his endowment is held; only the premium of the
		// genesis cover he bought and the deposit of his genesis vault (in its account) are gone.
		let premium = restaking_runtime::Insurance::covers_of(&account(Eve), 0)[0].premium;
		let vault_deposit = restaking_runtime::configs::VaultDeposit::get();
		assert_eq!(Balances::total_balance(&account(Dave)) + premium + vault_deposit, ENDOWMENT);
		assert_eq!(pallet_sudo::Key::<Runtime>::get(), Some(alice.clone()));
		let mut committee = vec![alice, account(Bob), account(Charlie)];
		committee.sort();
		assert_eq!(
			pallet_collective::Members::<Runtime, restaking_runtime::configs::AuditCommitteeInstance>::get(),
			committee
		);
	});
}

#[test]
fn local_testnet_genesis_has_four_validators_and_restaking_stashes() {
	new_test_ext("local_testnet").execute_with(|| {
		let mut validators = Session::validators();
		validators.sort();
		let mut expected = vec![account(Alice), account(Bob), account(Charlie), account(Ferdie)];
		expected.sort();
		assert_eq!(validators, expected);
		assert_eq!(pallet_staking::ValidatorCount::<Runtime>::get(), 4);
		// Every validator is an authority of both consensus engines, one vote each.
		assert_eq!(pallet_aura::Authorities::<Runtime>::get().len(), 4);
		assert_eq!(Grandpa::grandpa_authorities().len(), 4);
		for (stash, operator) in [(AliceStash, Dave), (BobStash, Eve)] {
			let nominations = pallet_staking::Nominators::<Runtime>::get(account(stash)).unwrap();
			assert_eq!(nominations.targets.len(), 4);
			let position = pallet_restaking::Stakers::<Runtime>::get(account(stash))
				.expect("the stash restakes");
			assert_eq!(position.operator, account(operator));
		}
	});
}

#[test]
fn calendar_is_as_documented() {
	assert_eq!(SessionsPerEra::get(), SESSIONS_PER_ERA);
	assert_eq!(SESSION_PERIOD, 10);
	assert_eq!(BondingDuration::get(), 4);
}

#[test]
fn an_era_passes_and_rewards_are_paid() {
	new_test_ext("development").execute_with(|| {
		let (alice, bob, charlie) = (account(Alice), account(Bob), account(Charlie));
		run_to_era(1);
		// Sessions rotate every `SESSION_PERIOD` blocks; era 1 starts after `SESSIONS_PER_ERA`.
		assert_eq!(Session::current_index(), SESSIONS_PER_ERA);

		// Alice authored every block of era 0, so she holds all its points.
		let points = pallet_staking::ErasRewardPoints::<Runtime>::get(0);
		assert!(points.total > 0);
		assert_eq!(points.individual.get(&alice), Some(&points.total));
		let era_reward = pallet_staking::ErasValidatorReward::<Runtime>::get(0).unwrap();
		assert!(era_reward > 0);

		let before = [&alice, &bob, &charlie].map(Balances::total_balance);
		System::reset_events();
		assert_ok!(Staking::payout_stakers(RuntimeOrigin::signed(account(Dave)), alice.clone(), 0));
		let after = [&alice, &bob, &charlie].map(Balances::total_balance);

		let rewarded: Vec<_> = staking_events()
			.into_iter()
			.filter_map(|e| match e {
				pallet_staking::Event::Rewarded { stash, amount, .. } => Some((stash, amount)),
				_ => None,
			})
			.collect();
		assert_eq!(rewarded.len(), 3, "the validator and both nominators are paid");
		for (i, who) in [&alice, &bob, &charlie].into_iter().enumerate() {
			let paid = rewarded.iter().find(|(stash, _)| stash == who).unwrap().1;
			assert!(paid > 0);
			// Rewards are minted into the account (and bonded, the genesis payee).
			assert_eq!(after[i] - before[i], paid);
		}
		let total: u128 = rewarded.iter().map(|(_, amount)| amount).sum();
		assert!(total <= era_reward);
		// Nominators bonded half the validator's stake each and split by stake after the
		// validator's commission (zero in genesis): rewards are 2:1:1 up to rounding.
		let paid = |who| rewarded.iter().find(|(stash, _)| stash == who).unwrap().1;
		assert!(paid(&alice).abs_diff(2 * paid(&bob)) <= 2);
		assert_eq!(paid(&bob), paid(&charlie));

		// Paying twice is refused.
		assert_noop!(
			Staking::payout_stakers(RuntimeOrigin::signed(account(Dave)), alice, 0)
				.map_err(|e| e.error),
			pallet_staking::Error::<Runtime>::AlreadyClaimed
		);
	});
}

#[test]
fn root_offence_slashes_validator_and_nominators() {
	new_test_ext("development").execute_with(|| {
		let (alice, bob, charlie) = (account(Alice), account(Bob), account(Charlie));
		run_to_era(1);
		run_to_block(System::block_number() + 1);
		let issuance = Balances::total_issuance();
		System::reset_events();

		// Only root may create offences.
		assert_noop!(
			pallet_root_offences::Pallet::<Runtime>::create_offence(
				RuntimeOrigin::signed(account(Eve)),
				vec![(alice.clone(), Perbill::from_percent(10))],
				None,
				None,
			),
			DispatchError::BadOrigin
		);
		assert_ok!(pallet_root_offences::Pallet::<Runtime>::create_offence(
			RuntimeOrigin::root(),
			vec![(alice.clone(), Perbill::from_percent(10))],
			None,
			None,
		));

		// The slash lands at once (no defer on the dev chain): 10 % of each exposed stake.
		let slashed: Vec<_> = staking_events()
			.into_iter()
			.filter_map(|e| match e {
				pallet_staking::Event::Slashed { staker, amount } => Some((staker, amount)),
				_ => None,
			})
			.collect();
		let expect = [
			(alice.clone(), VALIDATOR_BOND / 10),
			(bob.clone(), NOMINATOR_BOND / 10),
			(charlie.clone(), NOMINATOR_BOND / 10),
		];
		for (who, amount) in &expect {
			assert!(slashed.contains(&(who.clone(), *amount)), "{who:?} slashed {amount}");
		}
		assert_eq!(
			pallet_staking::Ledger::<Runtime>::get(&bob).unwrap().active,
			NOMINATOR_BOND - NOMINATOR_BOND / 10
		);
		assert_eq!(
			pallet_staking::Ledger::<Runtime>::get(&alice).unwrap().active,
			VALIDATOR_BOND - VALIDATOR_BOND / 10
		);
		// Slashed funds are burned: issuance falls by exactly what was slashed.
		let total: u128 = expect.iter().map(|(_, amount)| amount).sum();
		assert_eq!(Balances::total_issuance(), issuance - total);
	});
}

#[test]
fn a_pool_members_funds_answer_for_a_slash_of_its_pool() {
	new_test_ext("development").execute_with(|| {
		let (alice, dave, eve) = (account(Alice), account(Dave), account(Eve));
		run_to_block(1);
		let (created, joined) = (10_000 * UNIT, 5_000 * UNIT);
		assert_ok!(NominationPools::create(
			RuntimeOrigin::signed(dave.clone()),
			created,
			dave.clone().into(),
			dave.clone().into(),
			dave.clone().into(),
		));
		let pool = pallet_nomination_pools::LastPoolId::<Runtime>::get();
		assert_ok!(NominationPools::join(RuntimeOrigin::signed(eve.clone()), joined, pool));
		let pool_account = NominationPools::generate_bonded_account(pool);
		let ledger = pallet_staking::Ledger::<Runtime>::get(&pool_account).expect("pool bonds");
		assert_eq!(ledger.active, created + joined);

		let (issuance, eve_before, alice_before) = (
			Balances::total_issuance(),
			Balances::total_balance(&eve),
			Balances::total_balance(&alice),
		);
		// The base layer slashes a tenth of the pool; members' funds stay until it is applied.
		pallet_staking::slashing::do_slash::<Runtime>(
			&pool_account,
			(created + joined) / 10,
			&mut 0,
			&mut Default::default(),
			0,
		);
		assert_eq!(Balances::total_balance(&eve), eve_before);
		assert_ok!(NominationPools::apply_slash(
			RuntimeOrigin::signed(alice.clone()),
			eve.clone().into()
		));

		// Eve loses a tenth of what she put in; the reporter earns its fraction; the rest is
		// burned.
		let lost = joined / 10;
		let reward = SlashRewardFraction::get() * lost;
		assert_eq!(Balances::total_balance(&eve), eve_before - lost);
		assert_eq!(Balances::total_balance(&alice), alice_before + reward);
		assert_eq!(Balances::total_issuance(), issuance - lost + reward);
		// Restaking is untouched by a slash of accounts that do not restake.
		Restaking::do_try_state(u8::MAX).expect("restaking invariants hold");
	});
}
