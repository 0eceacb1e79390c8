//! Unit tests of the liquid restaking pallet on real staking, restaking, slashing and assets
//! pallets.

use crate::{mock::*, Error, Event, RedemptionCount, Redemptions, Vaults};
use frame_support::{
	assert_noop, assert_ok,
	traits::{
		fungible::InspectFreeze,
		fungibles::{metadata::Inspect as MetadataInspect, roles::Inspect as RolesInspect},
	},
};
use restaking_primitives::restaking::{DelegationInterface, SlashTier};
use sp_runtime::{
	traits::{CheckedDiv, Convert, One},
	DispatchError, FixedPointNumber, FixedU128,
};
use sp_staking::StakingInterface;

fn asset(vault: u32) -> u32 {
	VaultAsset::convert(vault)
}

fn deposit(who: AccountId, amount: Balance) {
	assert_ok!(Liquid::deposit(signed(who), VAULT, amount, 0));
}

/// Redeem and return the redemption's id.
fn redeem(who: AccountId, amount: Balance) -> u32 {
	let id = Vaults::<Runtime>::get(VAULT).unwrap().next_redemption;
	assert_ok!(Liquid::redeem(signed(who), VAULT, amount, 0));
	id
}

/// Everything the test world's accounts and pallets hold, to check nothing is created or lost.
fn total() -> Balance {
	total_issuance()
}

// ---- vaults ----

#[test]
fn an_operator_creates_its_vault_and_token() {
	ExtBuilder::build_and_execute(|| {
		// VAULT was created at genesis, by the call's own code.
		let account = account(VAULT);
		assert_eq!(free(account), RESERVE);
		assert_eq!(Vaults::<Runtime>::get(VAULT).unwrap().deposit, RESERVE);
		assert_eq!(Assets::owner(asset(VAULT)), Some(account));
		assert_eq!(Assets::issuer(asset(VAULT)), Some(account));
		assert_eq!(Assets::admin(asset(VAULT)), Some(account));
		assert_eq!(Assets::name(asset(VAULT)), b"Liquid restaking vault 0".to_vec());
		assert_eq!(Assets::symbol(asset(VAULT)), b"LRV0".to_vec());
		assert_eq!(Assets::decimals(asset(VAULT)), 12);

		// Root creates one on an operator's behalf; the operator pays the deposit.
		let before = free(OPERATOR_2);
		assert_ok!(Liquid::create_vault(RuntimeOrigin::root(), OPERATOR_2));
		assert_eq!(free(OPERATOR_2), before - VAULT_DEPOSIT);
		assert_eq!(free(crate::mock::account(1)), RESERVE);
		assert_eq!(Assets::symbol(asset(1)), b"LRV1".to_vec());
		assert_eq!(
			events_since_last_call(),
			vec![Event::VaultCreated {
				vault: 1,
				operator: OPERATOR_2,
				account: crate::mock::account(1),
				asset: asset(1),
			}]
		);
	});
}

/// A vault's record, view and token supply, and its stake, nominations and restaking position.
type Snapshot = (
	Option<crate::Vault<Runtime>>,
	Option<restaking_primitives::liquid::VaultState<AccountId, Balance>>,
	Balance,
	Option<sp_staking::Stake<Balance>>,
	Option<Vec<AccountId>>,
	Option<restaking_primitives::restaking::StakerPosition<AccountId, Balance>>,
);

/// What a vault looks like from outside.
fn vault_snapshot(vault: u32) -> Snapshot {
	let account = account(vault);
	(
		Vaults::<Runtime>::get(vault),
		Liquid::vault_state(vault),
		supply(vault),
		Staking::stake(&account).ok(),
		Staking::nominations(&account),
		Restaking::position(&account),
	)
}

#[test]
fn genesis_vaults_and_deposits_are_what_the_calls_make() {
	let deposits = [(0, ALICE, 1_000), (1, BOB, 400), (0, CHARLIE, 250)];
	let holders = [OPERATOR, OPERATOR_2, ALICE, BOB, CHARLIE];
	let observe = || {
		let balances: Vec<_> =
			holders.iter().map(|&who| (free(who), tokens(0, who), tokens(1, who))).collect();
		(vault_snapshot(0), vault_snapshot(1), balances, total())
	};
	let genesis = crate::GenesisConfig::<Runtime> {
		vaults: vec![OPERATOR, OPERATOR_2],
		deposits: deposits.to_vec(),
	};
	let at_genesis = ExtBuilder::build_with_vaults(0, genesis).execute_with(|| {
		Liquid::do_try_state(u8::MAX).expect("liquid try_state holds at genesis");
		Restaking::do_try_state(u8::MAX).expect("restaking try_state holds at genesis");
		observe()
	});
	let by_calls = ExtBuilder::build_with_vaults(0, Default::default()).execute_with(|| {
		assert_ok!(Liquid::create_vault(signed(OPERATOR), OPERATOR));
		assert_ok!(Liquid::create_vault(signed(OPERATOR_2), OPERATOR_2));
		for (vault, who, amount) in deposits {
			assert_ok!(Liquid::deposit(signed(who), vault, amount, 0));
		}
		observe()
	});
	assert_eq!(at_genesis, by_calls);
	// In units: vault 0 holds 1,250 bonded, 1,000 of it restaked through OPERATOR and
	// nominating it (a validator); vault 1 holds 400, 320 restaked through OPERATOR_2, which
	// validates nothing.
	let ((_, state_0, supply_0, stake_0, nominations_0, _), (_, state_1, ..), ..) = at_genesis;
	let (state_0, state_1) = (state_0.unwrap(), state_1.unwrap());
	assert_eq!((state_0.value, supply_0, state_0.restaked), (1_250, 1_250, 1_000));
	assert_eq!(stake_0.map(|stake| stake.active), Some(1_250));
	assert_eq!(nominations_0, Some(vec![OPERATOR]));
	assert_eq!((state_1.value, state_1.supply, state_1.restaked), (400, 400, 320));
}

#[test]
#[should_panic(expected = "genesis vault configuration is valid")]
fn a_genesis_vault_of_no_operator_is_refused() {
	let genesis = crate::GenesisConfig::<Runtime> { vaults: vec![ALICE], deposits: vec![] };
	ExtBuilder::build_with_vaults(0, genesis);
}

#[test]
#[should_panic(expected = "genesis vault configuration is valid")]
fn a_genesis_deposit_into_no_vault_is_refused() {
	let genesis = crate::GenesisConfig::<Runtime> {
		vaults: vec![OPERATOR],
		deposits: vec![(1, ALICE, 1_000)],
	};
	ExtBuilder::build_with_vaults(0, genesis);
}

#[test]
fn vault_creation_rejects_bad_input() {
	ExtBuilder::build_and_execute(|| {
		assert_noop!(
			Liquid::create_vault(signed(ALICE), OPERATOR_2),
			Error::<Runtime>::NotVaultOperator
		);
		assert_noop!(
			Liquid::create_vault(RuntimeOrigin::root(), ALICE),
			Error::<Runtime>::NotOperator
		);
		assert_noop!(
			Liquid::create_vault(signed(OPERATOR), OPERATOR),
			Error::<Runtime>::VaultExists
		);
	});
}

#[test]
fn nobody_but_the_pallet_mints_or_creates_vault_assets() {
	ExtBuilder::build_and_execute(|| {
		deposit(ALICE, 1_000);
		assert_noop!(
			Assets::mint(signed(ALICE), asset(VAULT), ALICE, 1_000),
			pallet_assets::Error::<Runtime>::NoPermission
		);
		assert_noop!(
			Assets::mint(signed(OPERATOR), asset(VAULT), OPERATOR, 1_000),
			pallet_assets::Error::<Runtime>::NoPermission
		);
		// The next vault's asset id cannot be taken first.
		assert_noop!(Assets::create(signed(ALICE), asset(1), ALICE, 1), DispatchError::BadOrigin);
		assert_eq!(supply(VAULT), 1_000);
	});
}

// ---- deposits ----

#[test]
fn a_deposit_bonds_nominates_restakes_and_mints() {
	ExtBuilder::build_and_execute(|| {
		let issuance = total();
		deposit(ALICE, 1_000);
		let account = account(VAULT);
		assert_eq!(tokens(VAULT, ALICE), 1_000);
		assert_eq!(free(ALICE), ENDOWMENT - 1_000);
		assert_eq!(Staking::stake(&account).unwrap().active, 1_000);
		assert_eq!(Staking::nominations(&account), Some(vec![OPERATOR]));
		// 80 % of the bond restakes (the restake ratio), frozen in the account.
		let position = Restaking::position(&account).unwrap();
		assert_eq!((position.operator, position.active), (OPERATOR, 800));
		assert_eq!(
			Balances::balance_frozen(&pallet_restaking::FreezeReason::Restaked.into(), &account),
			800
		);
		let state = Liquid::vault_state(VAULT).unwrap();
		assert_eq!(
			(state.value, state.supply, state.bonded, state.restaked),
			(1_000, 1_000, 1_000, 800)
		);
		assert_eq!(state.rate, FixedU128::from_u32(1));
		assert_eq!(state.services.len(), 1);
		assert!(events().contains(&Event::Deposited {
			vault: VAULT,
			who: ALICE,
			amount: 1_000,
			tokens: 1_000
		}));

		deposit(BOB, 500);
		assert_eq!(tokens(VAULT, BOB), 500);
		assert_eq!(Staking::stake(&account).unwrap().active, 1_500);
		assert_eq!(Restaking::position(&account).unwrap().active, 1_200);
		assert_eq!(total(), issuance);
	});
}

#[test]
fn deposits_reject_bad_input_and_change_nothing() {
	ExtBuilder::build_and_execute(|| {
		deposit(ALICE, 1_000);
		assert_noop!(Liquid::deposit(signed(BOB), VAULT, 0, 0), Error::<Runtime>::DepositTooSmall);
		assert_noop!(
			Liquid::deposit(signed(BOB), VAULT, MIN_DEPOSIT - 1, 0),
			Error::<Runtime>::DepositTooSmall
		);
		assert_noop!(Liquid::deposit(signed(BOB), 7, 1_000, 0), Error::<Runtime>::UnknownVault);
		assert_noop!(
			Liquid::deposit(signed(BOB), VAULT, ENDOWMENT, 0),
			sp_runtime::TokenError::NotExpendable
		);
		assert_ok!(Liquid::set_paused(RuntimeOrigin::root(), VAULT, true));
		assert_noop!(Liquid::deposit(signed(BOB), VAULT, 1_000, 0), Error::<Runtime>::VaultPaused);
	});
}

#[test]
fn vault_tokens_cannot_be_deposited_or_restaked() {
	ExtBuilder::build_and_execute(|| {
		deposit(ALICE, 1_000);
		// A vault's own account (the only holder that could bond a vault's funds) cannot
		// deposit into a vault.
		fund(account(VAULT), 100);
		assert_ok!(Liquid::create_vault(signed(OPERATOR_2), OPERATOR_2));
		assert_noop!(
			Liquid::deposit(signed(account(VAULT)), 1, 50, 0),
			Error::<Runtime>::RecursiveDeposit
		);
		// A holder of vault tokens only (no bond) cannot restake them: they are not stake.
		assert_ok!(Assets::transfer(signed(ALICE), asset(VAULT), CHARLIE, 400));
		assert_noop!(
			Restaking::delegate(signed(CHARLIE), OPERATOR, 100),
			pallet_restaking::Error::<Runtime>::NotStaker
		);
		// Nor deposit them: a deposit is of the staking currency, not of vault tokens.
		let all = free(CHARLIE);
		assert_noop!(
			Liquid::deposit(signed(CHARLIE), 1, all + 400, 0),
			sp_runtime::TokenError::FundsUnavailable
		);
	});
}

#[test]
fn tokens_are_ordinary_transferable_assets() {
	ExtBuilder::build_and_execute(|| {
		deposit(ALICE, 1_000);
		assert_ok!(Assets::transfer(signed(ALICE), asset(VAULT), BOB, 300));
		assert_eq!((tokens(VAULT, ALICE), tokens(VAULT, BOB)), (700, 300));
		// The new holder redeems them.
		let id = redeem(BOB, 300);
		assert_eq!(Redemptions::<Runtime>::get((BOB, VAULT, id)).unwrap().shares, 300);
		let position = Liquid::positions_of(&BOB);
		assert_eq!(position.len(), 1);
		assert_eq!((position[0].tokens, position[0].redeeming), (0, 300));
	});
}

// ---- the exchange rate ----

#[test]
fn base_rewards_compound_and_raise_the_rate() {
	ExtBuilder::build_and_execute(|| {
		deposit(ALICE, 1_000);
		base_reward(VAULT, 100);
		// The reward counts at once, before it is bonded.
		assert_eq!(value(VAULT), 1_100);
		assert_ok!(Liquid::poke(signed(NOBODY), VAULT));
		assert!(events().contains(&Event::Compounded { vault: VAULT, amount: 100 }));
		assert_eq!(Staking::stake(&account(VAULT)).unwrap().active, 1_100);
		assert_eq!(Restaking::position(&account(VAULT)).unwrap().active, 880);
		assert_eq!(value(VAULT), 1_100);
		// A new depositor pays the higher rate.
		deposit(BOB, 1_100);
		assert_eq!(tokens(VAULT, BOB), 1_100 * 1_001 / 1_101);
	});
}

#[test]
fn service_rewards_flow_into_the_rate() {
	ExtBuilder::build_and_execute(|| {
		deposit(ALICE, 1_000);
		// OPERATOR's pool: self-bond 1,000, the vault's 800; 10 % commission. Rewards accrue to
		// stake that entered before the payment's block.
		run_to_block(System::block_number() + 1);
		service_reward(1_000);
		let claimable = Restaking::position(&account(VAULT)).unwrap().claimable;
		assert!(claimable > 0);
		assert_eq!(value(VAULT), 1_000 + claimable);
		assert_ok!(Liquid::poke(signed(NOBODY), VAULT));
		assert_eq!(Restaking::position(&account(VAULT)).unwrap().claimable, 0);
		assert_eq!(Staking::stake(&account(VAULT)).unwrap().active, 1_000 + claimable);
		assert_eq!(value(VAULT), 1_000 + claimable);
	});
}

#[test]
fn a_service_slash_lowers_the_rate_without_touching_holders() {
	ExtBuilder::build_and_execute(|| {
		deposit(ALICE, 1_000);
		deposit(BOB, 1_000);
		let before = Liquid::vault_state(VAULT).unwrap();
		// Critical: self-bond and pool pay pro rata; 20 % of the restaked 1,600.
		service_slash(SlashTier::Critical, 1);
		let after = Liquid::vault_state(VAULT).unwrap();
		assert_eq!(after.value, before.value - 320);
		assert!(after.rate < before.rate);
		assert_eq!((tokens(VAULT, ALICE), tokens(VAULT, BOB)), (1_000, 1_000));
		// Each holder's position is worth its share of the loss.
		assert_eq!(Liquid::positions_of(&ALICE)[0].value, 840);
		// Restaking's sweep realized the loss on the vault's bond; the value is the same.
		assert_eq!(after.pending_loss, 0);
		assert_eq!(Staking::stake(&account(VAULT)).unwrap().total, 2_000 - 320);
	});
}

#[test]
fn a_base_layer_slash_of_the_vault_lowers_the_rate() {
	ExtBuilder::build_and_execute(|| {
		deposit(ALICE, 1_000);
		base_slash(account(VAULT), 100);
		assert_eq!(value(VAULT), 900);
		assert_eq!(Liquid::positions_of(&ALICE)[0].value, 900);
	});
}

#[test]
fn a_deposit_then_a_redemption_never_gains() {
	ExtBuilder::build_and_execute(|| {
		deposit(ALICE, 1_000);
		base_reward(VAULT, 333);
		service_slash(SlashTier::Major, 1);
		let before = free(BOB);
		deposit(BOB, 777);
		let minted = tokens(VAULT, BOB);
		let state = Liquid::vault_state(VAULT).unwrap();
		let worth = Liquid::positions_of(&BOB)[0].value;
		assert!(worth <= 777, "{minted} tokens worth {worth} at rate {:?}", state.rate);
		let id = redeem(BOB, minted);
		for _ in 0..12 {
			next_era();
			assert_ok!(Liquid::poke(signed(NOBODY), VAULT));
		}
		assert_ok!(Liquid::withdraw(signed(BOB), VAULT, BOB, id));
		assert!(free(BOB) <= before, "{} > {before}", free(BOB));
	});
}

// ---- vesting: the reward sandwich ----

/// Alice holds 1,000; Bob deposits 100 just before an era's base-layer reward of 100 is paid
/// out, redeems in the same block (released at once, within the cap) and is paid after the
/// unlock. Returns what Bob was paid and what Alice's tokens are worth once everything vested.
fn sandwich(vesting: u64) -> (Balance, Balance) {
	RewardVesting::set(vesting);
	deposit(ALICE, 1_000);
	run_to_block(10);
	let before = free(BOB);
	deposit(BOB, 100);
	base_reward(VAULT, 100);
	let bob = redeem(BOB, 100);
	set_era(BONDING_DURATION);
	run_to_block(System::block_number() + UNDELEGATION_DELAY.max(vesting));
	assert_ok!(Liquid::withdraw(signed(BOB), VAULT, BOB, bob));
	(free(BOB) + 100 - before, Liquid::positions_of(&ALICE)[0].value)
}

#[test]
fn a_deposit_just_before_a_payout_gains_nothing_of_it() {
	// Gains counted at once: Bob takes 9 of the 100 paid for an era he was not staked in.
	ExtBuilder::build_and_execute(|| {
		assert_eq!(sandwich(0), (100 * 1_201 / 1_101, 1_000 * (1_201 - 109) / 1_001));
	});
	// Gains vesting over an era: Bob is paid his 100, Alice's 1,000 get the whole reward (to
	// the planck the rate's virtual share keeps).
	ExtBuilder::build_and_execute(|| {
		assert_eq!(sandwich(30), (100, 1_000 * 1_101 / 1_001));
	});
}

#[test]
fn a_gain_vests_linearly_and_the_view_shows_it() {
	ExtBuilder::build_and_execute(|| {
		RewardVesting::set(30);
		deposit(ALICE, 1_000);
		base_reward(VAULT, 100);
		// Not yet booked: the view counts the whole gain as unvested.
		let state = Liquid::vault_state(VAULT).unwrap();
		assert_eq!((state.value, state.unvested), (1_100, 100));
		assert_eq!(state.rate, FixedU128::one());
		let start = System::block_number();
		assert_ok!(Liquid::poke(signed(NOBODY), VAULT));
		assert!(events().contains(&Event::GainVesting {
			vault: VAULT,
			gain: 100,
			unvested: 100,
			until: start + 30
		}));
		// A third of the way: two thirds wait (rounded up, for the holders who stay).
		run_to_block(start + 10);
		assert_eq!(Liquid::vault_state(VAULT).unwrap().unvested, 67);
		assert_eq!(Liquid::positions_of(&ALICE)[0].value, 1_000 * 1_034 / 1_001);
		// Bob enters a third of the way and stays to the end: of the reward he gains only his
		// share of what vests while he holds (about 1,000 × 67 / 2,033 units). The view
		// announces the rate he gets: the vested part counted, the rest not.
		let state = Liquid::vault_state(VAULT).unwrap();
		assert_eq!(state.rate, FixedU128::from_rational(1_034, 1_001));
		assert_eq!(state.deposit_rate, Some(state.rate));
		deposit(BOB, 1_000);
		let bob = tokens(VAULT, BOB);
		assert_eq!(bob, 1_000 * 1_001 / 1_034);
		run_to_block(start + 30);
		let state = Liquid::vault_state(VAULT).unwrap();
		assert_eq!(state.unvested, 0);
		assert_eq!(Liquid::positions_of(&BOB)[0].value, bob * 2_101 / (1_001 + bob));
		// A second gain while the first still vests: both vest over the next 30 blocks, so
		// the new one counts no sooner than its own span allows.
		run_to_block(start + 40);
		base_reward(VAULT, 100);
		assert_ok!(Liquid::poke(signed(NOBODY), VAULT));
		base_reward(VAULT, 300);
		run_to_block(start + 55);
		assert_ok!(Liquid::poke(signed(NOBODY), VAULT));
		let record = Vaults::<Runtime>::get(VAULT).unwrap();
		assert_eq!((record.unvested.amount, record.unvested.until), (50 + 300, start + 85));
		run_to_block(start + 70);
		assert_eq!(Liquid::vault_state(VAULT).unwrap().unvested, 175);
	});
}

#[test]
fn a_loss_counts_at_once_and_cuts_what_still_vests() {
	ExtBuilder::build_and_execute(|| {
		RewardVesting::set(30);
		deposit(ALICE, 1_000);
		base_reward(VAULT, 100);
		assert_ok!(Liquid::poke(signed(NOBODY), VAULT));
		assert_eq!(Staking::stake(&account(VAULT)).unwrap().total, 1_100);
		// A tenth of the bond is slashed: the rate falls a tenth at once, and a tenth of the
		// unvested gain is gone too.
		base_slash(account(VAULT), 110);
		let state = Liquid::vault_state(VAULT).unwrap();
		assert_eq!((state.value, state.unvested), (990, 90));
		assert_eq!(Liquid::positions_of(&ALICE)[0].value, 1_000 * 901 / 1_001);
		assert_ok!(Liquid::poke(signed(NOBODY), VAULT));
		assert_eq!(Vaults::<Runtime>::get(VAULT).unwrap().unvested.amount, 90);
		run_to_block(System::block_number() + 30);
		assert_eq!(Liquid::positions_of(&ALICE)[0].value, 1_000 * 991 / 1_001);
	});
}

/// A base-layer slash lands in the block of a reward payout, before anything updates the
/// vault: the reward cannot hide the slash. Bob redeems in that block at the rate after the
/// slash (the loss counts at once, the reward vests), not at the rate before it.
#[test]
fn a_reward_paid_in_a_slashs_block_cannot_hide_it_from_a_redeemer() {
	ExtBuilder::build_and_execute(|| {
		RewardVesting::set(30);
		deposit(ALICE, 900);
		deposit(BOB, 100);
		run_to_block(10);
		let before = free(BOB);
		// 1 % of the bond is slashed, and a reward of the same size is paid out.
		base_slash(account(VAULT), 10);
		base_reward(VAULT, 10);
		let state = Liquid::vault_state(VAULT).unwrap();
		assert_eq!((state.value, state.unvested), (1_000, 10));
		let bob = redeem(BOB, 100);
		set_era(BONDING_DURATION);
		run_to_block(System::block_number() + UNDELEGATION_DELAY.max(30));
		assert_ok!(Liquid::withdraw(signed(BOB), VAULT, BOB, bob));
		// 100 tokens of 1,000 at (990 + 1) / (1,000 + 1): Bob bears his 1 of the slash.
		assert_eq!(free(BOB) - before, 100 * 991 / 1_001);
		// Alice keeps her 900 less her 9 of the slash, plus the whole reward once it vested
		// (and the planck Bob's redemption rounded off): the 901 left.
		assert_eq!(Liquid::positions_of(&ALICE)[0].value, 900 * (901 + 1) / (900 + 1));
	});
}

/// Compensation paid in a slash's block makes up for the slash at once: it does not vest
/// like a reward, so a holder who leaves after a covered slash loses nothing of the cover,
/// and a depositor after it gains nothing of it.
#[test]
fn compensation_in_a_slashs_block_counts_at_once() {
	ExtBuilder::build_and_execute(|| {
		RewardVesting::set(30);
		deposit(ALICE, 1_000);
		run_to_block(10);
		let slash = service_slash(SlashTier::Critical, 1);
		let took = value(VAULT);
		assert!(took < 1_000);
		let from_pool = pallet_slashing::Records::<Runtime>::get(slash).unwrap().from_pool;
		assert_ok!(<Restaking as restaking_primitives::restaking::RestakingInterface<
			AccountId,
			Balance,
		>>::compensate(&OPERATOR, &NOBODY, from_pool));
		let state = Liquid::vault_state(VAULT).unwrap();
		assert!(state.value > took);
		assert_eq!(state.unvested, 0);
		System::reset_events();
		assert_ok!(Liquid::poke(signed(NOBODY), VAULT));
		assert!(!events().iter().any(|e| matches!(e, Event::GainVesting { .. })));
		assert_eq!(Liquid::positions_of(&ALICE)[0].value, 1_000 * (state.value + 1) / 1_001);
	});
}

// ---- the decimals offset and slippage bounds ----

/// The donation attack on an almost empty vault: the attacker keeps one token unit, donates
/// 900,000 to the vault's account and waits for the next depositor. With a decimals offset of
/// six the depositor's value stays within one unit of its deposit and the donation is lost to
/// the attacker; without one, the vault is closed to every deposit smaller than the donation.
#[test]
fn a_donation_to_an_empty_vault_leaves_the_next_depositor_within_one_unit() {
	fn attack() -> Result<Balance, sp_runtime::DispatchError> {
		deposit(ALICE, 100);
		let all = tokens(VAULT, ALICE);
		let id = redeem(ALICE, all - 1);
		// Released a tenth per era, then unlocked after the bonding duration and the delay.
		while Vaults::<Runtime>::get(VAULT).unwrap().queue_head == 0 {
			next_era();
			assert_ok!(Liquid::poke(signed(NOBODY), VAULT));
		}
		set_era(era() + BONDING_DURATION);
		run_to_block(System::block_number() + UNDELEGATION_DELAY);
		assert_ok!(Liquid::withdraw(signed(ALICE), VAULT, ALICE, id));
		assert_eq!(tokens(VAULT, ALICE), 1);
		assert_ok!(Balances::transfer_allow_death(signed(ALICE), account(VAULT), 900_000));
		Liquid::deposit(signed(BOB), VAULT, 1_000, 0)?;
		Ok(Liquid::positions_of(&BOB)[0].value)
	}
	ExtBuilder::build_with_offset_and_execute(6, || {
		let before = total();
		let bob = attack().expect("the deposit enters");
		assert!((999..=1_000).contains(&bob), "Bob's 1,000 are worth {bob}");
		// The attacker's last token unit is worth less than one unit: the donation is gone.
		assert!(Liquid::positions_of(&ALICE)[0].value <= 1);
		assert_eq!(total(), before);
	});
	ExtBuilder::build_with_offset_and_execute(0, || {
		assert_eq!(attack(), Err(Error::<Runtime>::DepositTooSmall.into()));
	});
}

#[test]
fn vault_tokens_have_the_offset_in_their_decimals_and_a_new_vault_rates_one() {
	ExtBuilder::build_with_offset_and_execute(6, || {
		assert_eq!(<Assets as MetadataInspect<AccountId>>::decimals(asset(VAULT)), 18);
		let state = Liquid::vault_state(VAULT).unwrap();
		assert_eq!((state.rate, state.deposit_rate), (FixedU128::one(), Some(FixedU128::one())));
		deposit(ALICE, 1_000);
		assert_eq!(tokens(VAULT, ALICE), 1_000_000_000);
		assert_eq!(Liquid::positions_of(&ALICE)[0].value, 1_000);
		base_reward(VAULT, 500);
		let state = Liquid::vault_state(VAULT).unwrap();
		assert_eq!(state.rate, FixedU128::from_rational(1_501 * 1_000_000, 1_001_000_000));
		// A deposit mints what `deposit_rate` announced, to the rounding of one token unit.
		let announced = FixedU128::from_u32(700 * 1_000_000)
			.checked_div(&state.deposit_rate.unwrap())
			.unwrap()
			.into_inner()
			/ FixedU128::accuracy();
		deposit(BOB, 700);
		assert!(
			tokens(VAULT, BOB).abs_diff(announced) <= 1,
			"{} vs {announced}",
			tokens(VAULT, BOB)
		);
	});
}

/// Both slippage bounds: a deposit whose rate rose (a reward landed first) and a redemption
/// whose rate fell (a slash executed first) fail with `RateMoved` and change nothing.
#[test]
fn slippage_bounds_refuse_a_moved_rate() {
	ExtBuilder::build_with_offset_and_execute(3, || {
		deposit(ALICE, 1_000);
		// Bob expects 500,000 tokens for 500; a reward lands before his deposit.
		base_reward(VAULT, 100);
		assert_noop!(
			Liquid::deposit(signed(BOB), VAULT, 500, 500_000),
			Error::<Runtime>::RateMoved
		);
		let minted = 500 * 1_001_000 / 1_101;
		assert_ok!(Liquid::deposit(signed(BOB), VAULT, 500, minted));
		assert_eq!(tokens(VAULT, BOB), minted);
		// Alice expects 1,000 tokens' worth... of her 1,000,000 tokens; a slash executes first.
		let worth = Liquid::positions_of(&ALICE)[0].value;
		assert!(worth >= 1_099, "{worth}");
		service_slash(SlashTier::Critical, 1);
		let after = Liquid::positions_of(&ALICE)[0].value;
		assert!(after < worth);
		assert_noop!(
			Liquid::redeem(signed(ALICE), VAULT, 1_000_000, worth),
			Error::<Runtime>::RateMoved
		);
		assert_ok!(Liquid::redeem(signed(ALICE), VAULT, 1_000_000, after));
	});
}

/// `vaultState` shows a waiting slash of the operator, and no deposit rate while it waits.
#[test]
fn vault_state_shows_a_pending_slash_and_withholds_the_deposit_rate() {
	ExtBuilder::build_and_execute(|| {
		deposit(ALICE, 1_000);
		let state = Liquid::vault_state(VAULT).unwrap();
		assert_eq!((state.slash_pending, state.deposit_rate), (false, Some(state.rate)));
		request_slash(SlashTier::Critical, 1);
		let state = Liquid::vault_state(VAULT).unwrap();
		assert_eq!((state.slash_pending, state.deposit_rate), (true, None));
		assert_noop!(Liquid::deposit(signed(BOB), VAULT, 1_000, 0), Error::<Runtime>::SlashPending);
		run_to_block(System::block_number() + WINDOW + 1);
		let state = Liquid::vault_state(VAULT).unwrap();
		assert!(!state.slash_pending);
		assert!(state.deposit_rate.is_some_and(|rate| rate < FixedU128::one()));
		assert_ok!(Liquid::set_paused(RuntimeOrigin::root(), VAULT, true));
		assert_eq!(Liquid::vault_state(VAULT).unwrap().deposit_rate, None);
	});
}

// ---- redemptions ----

#[test]
fn redemptions_reject_bad_input_and_change_nothing() {
	ExtBuilder::build_and_execute(|| {
		deposit(ALICE, 1_000);
		assert_noop!(Liquid::redeem(signed(ALICE), VAULT, 0, 0), Error::<Runtime>::ZeroTokens);
		assert_noop!(
			Liquid::redeem(signed(ALICE), VAULT, 1_001, 0),
			Error::<Runtime>::InsufficientTokens
		);
		assert_noop!(
			Liquid::redeem(signed(BOB), VAULT, 1, 0),
			Error::<Runtime>::InsufficientTokens
		);
		assert_noop!(Liquid::redeem(signed(ALICE), VAULT, 5, 0), Error::<Runtime>::RedeemTooSmall);
		assert_noop!(Liquid::redeem(signed(ALICE), 9, 100, 0), Error::<Runtime>::UnknownVault);
		assert_ok!(Liquid::set_paused(RuntimeOrigin::root(), VAULT, true));
		assert_noop!(Liquid::redeem(signed(ALICE), VAULT, 100, 0), Error::<Runtime>::VaultPaused);
		assert_noop!(
			Liquid::set_paused(RuntimeOrigin::root(), VAULT, true),
			Error::<Runtime>::PauseUnchanged
		);
		assert_noop!(Liquid::set_paused(signed(OPERATOR), VAULT, false), DispatchError::BadOrigin);
		assert_noop!(
			Liquid::withdraw(signed(ALICE), VAULT, ALICE, 0),
			Error::<Runtime>::UnknownRedemption
		);
	});
}

#[test]
fn the_last_tokens_redeem_even_below_the_minimum() {
	ExtBuilder::build_and_execute(|| {
		deposit(ALICE, 1_000);
		assert_ok!(Assets::transfer(signed(ALICE), asset(VAULT), BOB, 5));
		assert_ok!(Liquid::redeem(signed(BOB), VAULT, 5, 0));
		assert_eq!(tokens(VAULT, BOB), 0);
	});
}

#[docify::export]
#[test]
fn a_redemption_waits_for_bonding_and_undelegation_then_pays_its_value() {
	ExtBuilder::build_and_execute(|| {
		// Given ALICE and BOB hold 1,000 tokens each of a vault worth 2,000.
		deposit(ALICE, 1_000);
		deposit(BOB, 1_000);
		assert_eq!(
			events_since_last_call(),
			vec![
				Event::Deposited { vault: VAULT, who: ALICE, amount: 1_000, tokens: 1_000 },
				Event::Deposited { vault: VAULT, who: BOB, amount: 1_000, tokens: 1_000 },
			]
		);
		let before = free(ALICE);
		let issuance = total();

		// When ALICE redeems 100 tokens (5 % of the vault, under the 10 % cap).
		let id = redeem(ALICE, 100);

		// Then they are released at once: unbonded and undelegated, to unlock when both the
		// bonding duration and the undelegation delay have passed.
		assert_eq!(
			events_since_last_call(),
			vec![
				Event::RedemptionQueued { vault: VAULT, who: ALICE, id, tokens: 100, value: 100 },
				Event::RedemptionsReleased {
					vault: VAULT,
					count: 1,
					shares: 100,
					value: 100,
					unbonded: 100,
					undelegated: 100,
					unlock_era: BONDING_DURATION,
					unlock_at: 1 + UNDELEGATION_DELAY,
				},
			]
		);
		assert_eq!(tokens(VAULT, ALICE), 900);
		assert_eq!(supply(VAULT), 1_900);
		let state = Liquid::vault_state(VAULT).unwrap();
		assert_eq!((state.value, state.redeeming, state.queued), (2_000, 100, 0));
		let stake = Staking::stake(&account(VAULT)).unwrap();
		assert_eq!((stake.active, stake.total), (1_900, 2_000));
		assert_noop!(
			Liquid::withdraw(signed(ALICE), VAULT, ALICE, id),
			Error::<Runtime>::NotUnlocked
		);
		// The bonding duration passes, but not the undelegation delay.
		set_era(BONDING_DURATION);
		assert_noop!(
			Liquid::withdraw(signed(ALICE), VAULT, ALICE, id),
			Error::<Runtime>::NotUnlocked
		);

		// When both have passed and ALICE withdraws.
		run_to_block(1 + UNDELEGATION_DELAY);
		assert_ok!(Liquid::withdraw(signed(ALICE), VAULT, ALICE, id));

		// Then she is paid the value of her tokens, and nothing was created or lost.
		assert_eq!(
			events_since_last_call(),
			vec![Event::Withdrawn { vault: VAULT, who: ALICE, id, amount: 100 }]
		);
		assert_eq!(free(ALICE), before + 100);
		assert_eq!(Redemptions::<Runtime>::get((ALICE, VAULT, id)), None);
		let state = Liquid::vault_state(VAULT).unwrap();
		assert_eq!((state.value, state.supply, state.redeeming), (1_900, 1_900, 0));
		assert_eq!(state.rate, FixedU128::from_u32(1));
		assert_eq!(total(), issuance);
	});
}

/// A redemption due for payout while a slash of the vault's operator waits is paid only
/// after the slash, and bears its share of it; no deposit enters meanwhile.
#[test]
fn a_redeemer_cannot_escape_a_pending_slash() {
	ExtBuilder::build_and_execute(|| {
		deposit(ALICE, 1_000);
		deposit(BOB, 1_000);
		let id = redeem(ALICE, 100);
		set_era(BONDING_DURATION);
		run_to_block(1 + UNDELEGATION_DELAY);
		let before = free(ALICE);
		request_slash(SlashTier::Critical, 1);
		let value_before = Liquid::vault_state(VAULT).unwrap().value;
		assert_noop!(
			Liquid::withdraw(signed(ALICE), VAULT, ALICE, id),
			Error::<Runtime>::SlashPending
		);
		assert_noop!(
			Liquid::deposit(signed(CHARLIE), VAULT, 1_000, 0),
			Error::<Runtime>::SlashPending
		);
		run_to_block(System::block_number() + WINDOW + 1);
		let value_after = Liquid::vault_state(VAULT).unwrap().value;
		assert!(value_after < value_before);
		assert_ok!(Liquid::withdraw(signed(ALICE), VAULT, ALICE, id));
		// Alice's 100 lost what the vault lost, in proportion.
		assert_eq!(free(ALICE) - before, 100 * value_after / value_before);
	});
}

#[test]
fn a_run_on_the_vault_drains_first_come_first_served_under_the_cap() {
	ExtBuilder::build_and_execute(|| {
		deposit(ALICE, 1_000);
		deposit(BOB, 1_000);
		// Both redeem everything: 2,000 against a cap of 10 % (200) of the value per era.
		let alice = redeem(ALICE, 1_000);
		let bob = redeem(BOB, 1_000);
		let released = || Vaults::<Runtime>::get(VAULT).unwrap().released_shares;
		assert_eq!(released(), 200);
		assert_eq!(Liquid::vault_state(VAULT).unwrap().queued, 1_800);
		assert_noop!(Liquid::withdraw(signed(BOB), VAULT, BOB, bob), Error::<Runtime>::NotReleased);
		let mut history = vec![released()];
		for _ in 0..9 {
			next_era();
			assert_ok!(Liquid::poke(signed(NOBODY), VAULT));
			// A second poke in the same era releases nothing more: the cap is spent.
			assert_ok!(Liquid::poke(signed(NOBODY), VAULT));
			history.push(released());
		}
		// The value stays 2,000 while nothing is paid, so every era releases 200.
		assert_eq!(history, vec![200, 400, 600, 800, 1_000, 1_200, 1_400, 1_600, 1_800, 2_000]);
		// Alice was first: fully released in era 4, unlocked from era 7.
		let entry = Redemptions::<Runtime>::get((ALICE, VAULT, alice)).unwrap();
		assert_eq!((entry.released, entry.unlock_era), (1_000, 4 + BONDING_DURATION));
		set_era(9 + BONDING_DURATION);
		run_to_block(System::block_number() + UNDELEGATION_DELAY);
		let (a, b) = (free(ALICE), free(BOB));
		assert_ok!(Liquid::withdraw(signed(ALICE), VAULT, ALICE, alice));
		// Anyone may pay a redemption out; the funds go to its owner.
		assert_ok!(Liquid::withdraw(signed(NOBODY), VAULT, BOB, bob));
		assert_eq!((free(ALICE) - a, free(BOB) - b), (1_000, 1_000));
		// Empty: only the reserve is left.
		let state = Liquid::vault_state(VAULT).unwrap();
		assert_eq!((state.value, state.supply, state.redeeming), (0, 0, 0));
		assert_eq!(free(account(VAULT)), RESERVE);
		assert_eq!(RedemptionCount::<Runtime>::get(ALICE, VAULT), 0);
	});
}

#[test]
fn an_early_redemption_pays_out_while_later_ones_still_release() {
	ExtBuilder::build_and_execute(|| {
		deposit(ALICE, 1_000);
		deposit(BOB, 1_000);
		let alice = redeem(ALICE, 200);
		let bob = redeem(BOB, 1_000);
		for _ in 0..6 {
			next_era();
			assert_ok!(Liquid::poke(signed(NOBODY), VAULT));
		}
		run_to_block(System::block_number() + UNDELEGATION_DELAY);
		assert_noop!(Liquid::withdraw(signed(BOB), VAULT, BOB, bob), Error::<Runtime>::NotUnlocked);
		let before = free(ALICE);
		assert_ok!(Liquid::withdraw(signed(ALICE), VAULT, ALICE, alice));
		assert_eq!(free(ALICE) - before, 200);
	});
}

#[test]
fn rewards_after_a_release_go_to_the_holders_not_to_new_depositors() {
	ExtBuilder::build_and_execute(|| {
		deposit(ALICE, 1_000);
		deposit(BOB, 1_000);
		// Released at once (the cap is 200): worth at most 200 from now on.
		let alice = redeem(ALICE, 200);
		base_reward(VAULT, 300);
		// The reward belongs to the 1,800 tokens: Bob's 1,000 are worth 1,166.
		assert_eq!(Liquid::positions_of(&BOB)[0].value, 1_000 * 2_101 / 1_801);
		let before = free(CHARLIE);
		deposit(CHARLIE, 2_300);
		let worth = Liquid::positions_of(&CHARLIE)[0].value;
		assert!(worth <= 2_300, "Charlie's 2,300 bought tokens worth {worth}");
		assert!(2_300 - worth <= 2, "and not much less: {worth}");
		// Alice's released redemption is paid what it was worth when released.
		set_era(BONDING_DURATION);
		run_to_block(System::block_number() + UNDELEGATION_DELAY);
		let paid = free(ALICE);
		assert_ok!(Liquid::withdraw(signed(ALICE), VAULT, ALICE, alice));
		assert_eq!(free(ALICE) - paid, 200);
		assert_eq!(free(CHARLIE), before - 2_300);
		assert_eq!(Liquid::positions_of(&BOB)[0].value, 1_000 * 2_101 / 1_801);
	});
}

#[test]
fn queued_and_unbonding_redemptions_stay_slashable() {
	ExtBuilder::build_and_execute(|| {
		deposit(ALICE, 1_000);
		deposit(BOB, 1_000);
		let id = redeem(ALICE, 200);
		// Released and unbonding; then the operator is slashed (critical, 20 %).
		service_slash(SlashTier::Critical, 1);
		set_era(BONDING_DURATION);
		run_to_block(System::block_number() + UNDELEGATION_DELAY);
		let before = free(ALICE);
		assert_ok!(Liquid::withdraw(signed(ALICE), VAULT, ALICE, id));
		let paid = free(ALICE) - before;
		// The vault lost 320 of 2,000 (16 %); the redemption carries its share.
		assert!((167..=168).contains(&paid), "paid {paid}");
		assert_eq!(Liquid::positions_of(&BOB)[0].value, 840);
	});
}

#[test]
fn a_pause_stops_deposits_and_redemptions_but_never_strands_funds() {
	ExtBuilder::build_and_execute(|| {
		deposit(ALICE, 1_000);
		let first = redeem(ALICE, 100);
		let second = redeem(ALICE, 300);
		assert_ok!(Liquid::set_paused(RuntimeOrigin::root(), VAULT, true));
		assert!(events().contains(&Event::PauseSet { vault: VAULT, paused: true }));
		// Releases go on while paused.
		for _ in 0..4 {
			next_era();
			assert_ok!(Liquid::poke(signed(NOBODY), VAULT));
		}
		set_era(era() + BONDING_DURATION);
		run_to_block(System::block_number() + UNDELEGATION_DELAY);
		let before = free(ALICE);
		assert_ok!(Liquid::withdraw(signed(ALICE), VAULT, ALICE, first));
		assert_ok!(Liquid::withdraw(signed(ALICE), VAULT, ALICE, second));
		assert_eq!(free(ALICE) - before, 400);
		assert_ok!(Liquid::set_paused(RuntimeOrigin::root(), VAULT, false));
		deposit(BOB, 100);
	});
}

#[test]
fn the_redemption_queue_is_bounded() {
	ExtBuilder::build_and_execute(|| {
		deposit(ALICE, 10_000);
		for _ in 0..8 {
			redeem(ALICE, 10);
		}
		assert_noop!(
			Liquid::redeem(signed(ALICE), VAULT, 10, 0),
			Error::<Runtime>::TooManyRedemptions
		);
	});
}

#[test]
fn exposure_shows_the_holders_share_of_every_service() {
	ExtBuilder::build_and_execute(|| {
		deposit(ALICE, 3_000);
		deposit(BOB, 1_000);
		let state = Liquid::vault_state(VAULT).unwrap();
		assert_eq!(state.services[0].service, SERVICE);
		// The vault restakes 3,200; all of OPERATOR's stake is allocated to SERVICE.
		assert_eq!(state.services[0].slashable, 3_200);
		let alice = Liquid::positions_of(&ALICE);
		assert_eq!(alice[0].services[0].slashable, 2_400);
		assert_eq!(alice[0].value, 3_000);
		assert!(Liquid::positions_of(&CHARLIE).is_empty());
	});
}

#[test]
fn a_refused_release_waits_for_a_later_era() {
	ExtBuilder::build_and_execute(|| {
		// A 1 % restaking outflow cap: 100 of the 10,000 restaked (self-bonds and the vault's
		// 8,000) may start undelegating per era; the rest waits in restaking's outflow queue.
		let mut parameters = pallet_restaking::ActiveParameters::<Runtime>::get();
		parameters.max_outflow_per_era = sp_runtime::Perbill::from_percent(1);
		assert_ok!(Restaking::set_parameters(RuntimeOrigin::root(), parameters));
		deposit(ALICE, 10_000);
		let id = redeem(ALICE, 10_000);
		let position = Restaking::position(&account(VAULT)).unwrap();
		assert!(position.queued_outflow > 0);
		// The next era's release needs a second outflow while the first still waits: the
		// restaking pallet refuses, and the release waits without moving anything.
		set_era(1);
		let before = Vaults::<Runtime>::get(VAULT).unwrap();
		assert_ok!(Liquid::poke(signed(NOBODY), VAULT));
		assert!(events().iter().any(|e| matches!(
			e,
			Event::ReleaseDeferred { error, .. }
				if *error == pallet_restaking::Error::<Runtime>::AlreadyInOutflowQueue.into()
		)));
		assert_eq!(Vaults::<Runtime>::get(VAULT).unwrap(), before);
		// Once restaking lets the waiting outflow out, releases go on to the end.
		parameters.max_outflow_per_era = sp_runtime::Perbill::from_percent(100);
		assert_ok!(Restaking::set_parameters(RuntimeOrigin::root(), parameters));
		for _ in 0..40 {
			next_era();
			assert_ok!(Liquid::poke(signed(NOBODY), VAULT));
		}
		assert_eq!(Vaults::<Runtime>::get(VAULT).unwrap().released_shares, 10_000);
		set_era(era() + BONDING_DURATION);
		run_to_block(System::block_number() + UNDELEGATION_DELAY);
		assert_ok!(Liquid::poke(signed(NOBODY), VAULT));
		let before = free(ALICE);
		assert_ok!(Liquid::withdraw(signed(ALICE), VAULT, ALICE, id));
		assert_eq!(free(ALICE) - before, 10_000);
	});
}

#[test]
fn an_operator_over_its_concentration_cap_takes_no_more_stake() {
	ExtBuilder::build_and_execute(|| {
		deposit(ALICE, 1_000);
		// Two operators: a 60 % cap binds. OPERATOR holds 1,800 of 2,800 restaked (64 %).
		let mut parameters = pallet_restaking::ActiveParameters::<Runtime>::get();
		parameters.max_operator_share = sp_runtime::Perbill::from_percent(60);
		parameters.concentration_threshold = sp_runtime::Perbill::from_percent(60);
		assert_ok!(Restaking::set_parameters(RuntimeOrigin::root(), parameters));
		assert_noop!(
			Liquid::deposit(signed(BOB), VAULT, 1_000, 0),
			pallet_restaking::Error::<Runtime>::OperatorConcentrationExceeded
		);
		// A reward cannot be restaked either: it stays liquid, still part of the value.
		base_reward(VAULT, 100);
		assert_ok!(Liquid::poke(signed(NOBODY), VAULT));
		assert!(events().iter().any(|e| matches!(e, Event::CompoundDeferred { .. })));
		assert_eq!(Staking::stake(&account(VAULT)).unwrap().active, 1_000);
		assert_eq!(value(VAULT), 1_100);
	});
}

/// Alice's redemption is released at rate 1, a reward raises the rate, Bob's is released at
/// the higher rate, then a 10 % base-layer slash hits the vault; both are paid in `order`.
/// Returns what Alice and Bob were paid.
fn released_then_slashed(alice_first: bool) -> (Balance, Balance) {
	let mut paid = (0, 0);
	ExtBuilder::build_and_execute(|| {
		deposit(ALICE, 3_000);
		deposit(BOB, 1_000);
		deposit(CHARLIE, 6_000);
		let alice = redeem(ALICE, 300);
		base_reward(VAULT, 1_500);
		let bob = redeem(BOB, 100);
		let vault = Vaults::<Runtime>::get(VAULT).unwrap();
		assert_eq!(vault.released_shares, 400);
		// Bob's 100 shares reserved their value at the higher rate.
		let bob_reserved = Redemptions::<Runtime>::get((BOB, VAULT, bob)).unwrap().reserved;
		assert_eq!(bob_reserved, 100 * 11_201 / 9_701);
		let total = Staking::stake(&account(VAULT)).unwrap().total;
		base_slash(account(VAULT), total / 10);
		set_era(BONDING_DURATION);
		run_to_block(System::block_number() + UNDELEGATION_DELAY);
		let (a, b) = (free(ALICE), free(BOB));
		let order =
			if alice_first { [(ALICE, alice), (BOB, bob)] } else { [(BOB, bob), (ALICE, alice)] };
		for (who, id) in order {
			assert_ok!(Liquid::withdraw(signed(NOBODY), VAULT, who, id));
		}
		paid = (free(ALICE) - a, free(BOB) - b);
		// Both lost the vault's 10 %, to rounding.
		assert!(paid.0.abs_diff(270) <= 1, "Alice {}", paid.0);
		assert!(paid.1.abs_diff(bob_reserved * 9 / 10) <= 1, "Bob {}", paid.1);
	});
	paid
}

#[test]
fn released_redemptions_share_losses_and_are_paid_alike_in_any_order() {
	let first = released_then_slashed(true);
	let second = released_then_slashed(false);
	assert!(first.0.abs_diff(second.0) <= 1 && first.1.abs_diff(second.1) <= 1);
}

/// `try_state` finds a broken invariant at the level that checks it, and only there.
mod try_state_levels {
	use super::*;

	#[test]
	fn vault_indices_are_checked_at_level_one_redemption_counts_at_level_two() {
		ExtBuilder::build_and_execute(|| {
			// Given the vault of OPERATOR.
			assert_ok!(Liquid::do_try_state(u8::MAX));

			// When ALICE is counted a redemption she never made.
			RedemptionCount::<Runtime>::mutate(ALICE, VAULT, |count| *count += 1);
			// Then only the check over every redemption sees it.
			assert_ok!(Liquid::do_try_state(1));
			assert_eq!(Liquid::do_try_state(2), Err("redemption counts".into()));
			RedemptionCount::<Runtime>::remove(ALICE, VAULT);

			// When the operator's index names another vault.
			crate::VaultOf::<Runtime>::insert(OPERATOR, VAULT + 1);
			// Then level 1 sees it, level 0 checks nothing.
			assert_eq!(Liquid::do_try_state(1), Err("operator index".into()));
			assert_ok!(Liquid::do_try_state(0));
			crate::VaultOf::<Runtime>::insert(OPERATOR, VAULT);
		});
	}
}
