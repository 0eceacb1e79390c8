//! Property tests: random sequences of deposits, transfers, redemptions, withdrawals, rewards
//! and slashes keep every invariant of the liquid, restaking and slashing pallets and create
//! no funds; and no deposit followed by a redemption gains beyond what vests while it is held
//! (rewards paid around it included), plus the planck each release of another holder's
//! redemption leaves with the tokens while ours are among them.
//!
//! After every step: the three pallets' `try_state` (the liquid one checks shares × rate ≤
//! value, redemptions ≤ value, the redemption books, and that the staking ledger never holds
//! more than the vault bonded), and a total issuance that moved only by the rewards the test
//! minted (slashed funds go to a sink account).

use crate::{mock::*, Redemptions, Vaults};
use frame_support::traits::fungible::Inspect;
use proptest::prelude::*;
use restaking_primitives::restaking::SlashTier;
use sp_core::H256;
use sp_runtime::traits::Convert;

#[derive(Debug, Clone)]
enum Op {
	Deposit {
		who: u8,
		amount: Balance,
	},
	Transfer {
		from: u8,
		to: u8,
		amount: Balance,
	},
	/// Redeem `percent` of the holder's tokens.
	Redeem {
		who: u8,
		percent: u8,
	},
	Withdraw {
		who: u8,
	},
	BaseReward {
		amount: Balance,
	},
	ServiceReward {
		amount: Balance,
	},
	Slash {
		tier: u8,
	},
	BaseSlash {
		amount: Balance,
	},
	Settle,
	NextEra,
	/// The bonding duration and the undelegation delay pass, with a poke every era.
	Unlock,
	Poke,
}

const HOLDERS: [AccountId; 3] = [ALICE, BOB, CHARLIE];

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		4 => (0..3u8, 1..20_000u128).prop_map(|(who, amount)| Op::Deposit { who, amount }),
		2 => (0..3u8, 0..3u8, 1..5_000u128)
			.prop_map(|(from, to, amount)| Op::Transfer { from, to, amount }),
		3 => (0..3u8, 1..=100u8).prop_map(|(who, percent)| Op::Redeem { who, percent }),
		3 => (0..3u8).prop_map(|who| Op::Withdraw { who }),
		1 => (1..2_000u128).prop_map(|amount| Op::BaseReward { amount }),
		1 => (1..5_000u128).prop_map(|amount| Op::ServiceReward { amount }),
		1 => (0..3u8).prop_map(|tier| Op::Slash { tier }),
		1 => (1..1_000u128).prop_map(|amount| Op::BaseSlash { amount }),
		1 => Just(Op::Settle),
		3 => Just(Op::NextEra),
		2 => Just(Op::Unlock),
		1 => Just(Op::Poke),
	]
}

/// Apply `op`; returns what it minted (base rewards are new funds in the mock).
fn apply(op: &Op, evidence: &mut u8) -> Balance {
	let mut minted = 0;
	let _ = match *op {
		Op::Deposit { who, amount } => {
			Liquid::deposit(signed(HOLDERS[who as usize]), VAULT, amount, 0)
		},
		Op::Transfer { from, to, amount } => Assets::transfer(
			signed(HOLDERS[from as usize]),
			VaultAsset::convert(VAULT),
			HOLDERS[to as usize],
			amount,
		),
		Op::Redeem { who, percent } => {
			let who = HOLDERS[who as usize];
			let held = tokens(VAULT, who);
			Liquid::redeem(signed(who), VAULT, (held * Balance::from(percent) / 100).max(1), 0)
		},
		Op::Withdraw { who } => {
			let who = HOLDERS[who as usize];
			let ids: Vec<u32> = Redemptions::<Runtime>::iter_key_prefix((who, VAULT)).collect();
			for id in ids {
				let _ = Liquid::withdraw(signed(who), VAULT, who, id);
			}
			Ok(())
		},
		Op::BaseReward { amount } => {
			// Only a bonded vault earns base-layer rewards.
			if staking::Ledger::<Runtime>::contains_key(account(VAULT)) {
				base_reward(VAULT, amount);
				minted = amount;
			}
			Ok(())
		},
		Op::ServiceReward { amount } => {
			Restaking::pay_rewards(signed(OWNER), SERVICE, OPERATOR, amount)
		},
		Op::Slash { tier } => {
			*evidence = evidence.wrapping_add(1);
			let tier = [SlashTier::Minor, SlashTier::Major, SlashTier::Critical][tier as usize];
			// The slashing pallet's `on_idle` executes it once the window passes.
			let requested = Slashing::request_slash(
				signed(SLASHER),
				SERVICE,
				OPERATOR,
				tier,
				H256::repeat_byte(*evidence),
			);
			run_to_block(System::block_number() + WINDOW + 1);
			requested
		},
		Op::BaseSlash { amount } => {
			if staking::Ledger::<Runtime>::contains_key(account(VAULT)) {
				base_slash(account(VAULT), amount);
			}
			Ok(())
		},
		Op::Settle => Restaking::settle(signed(NOBODY), account(VAULT))
			.map(|_| ())
			.map_err(|e| e.error),
		Op::NextEra => {
			next_era();
			Ok(())
		},
		Op::Unlock => {
			for _ in 0..BONDING_DURATION {
				next_era();
				let _ = Liquid::poke(signed(NOBODY), VAULT);
			}
			run_to_block(System::block_number() + UNDELEGATION_DELAY);
			Ok(())
		},
		Op::Poke => Liquid::poke(signed(NOBODY), VAULT),
	};
	minted
}

/// Vault tokens' decimals beyond the currency's: none, or those of a runtime.
fn offset() -> impl Strategy<Value = u8> {
	prop_oneof![Just(0u8), Just(3), Just(6)]
}

/// Blocks a gain takes to vest: at once, or over a few eras of `next_era`.
fn vesting() -> impl Strategy<Value = u64> {
	prop_oneof![Just(0u64), Just(7), Just(30)]
}

fn run(offset: u8, vesting: u64, ops: Vec<Op>) -> Result<(), TestCaseError> {
	ExtBuilder::build_with_offset(offset).execute_with(|| {
		RewardVesting::set(vesting);
		let mut issuance = Balances::total_issuance();
		let mut evidence = 0u8;
		for (i, op) in ops.iter().enumerate() {
			issuance += apply(op, &mut evidence);
			let checks = Liquid::do_try_state(u8::MAX)
				.and_then(|_| Restaking::do_try_state(u8::MAX))
				.and_then(|_| Slashing::do_try_state(u8::MAX));
			if let Err(e) = checks {
				return Err(TestCaseError::fail(format!("step {i} {op:?}: {e:?}")));
			}
			if Balances::total_issuance() != issuance {
				return Err(TestCaseError::fail(format!("step {i} {op:?}: issuance changed")));
			}
		}
		Ok(())
	})
}

/// After `setup`, `NOBODY` deposits `amount`; rewards `around` are paid in the same block (an
/// era's payout it was not staked in, or a service's), `hold` blocks pass, and it redeems every
/// token it got. The deposit is worth at most `amount`, and once paid (with nothing else
/// happening) the redemption pays at most `amount` plus NOBODY's part of what vested while it
/// held: of the gains unvested once the rewards are booked, what vested by the block its
/// redemption was fully released, over the fewest active shares it shared them with.
fn round_trip(
	(offset, vesting): (u8, u64),
	setup: Vec<Op>,
	amount: Balance,
	around: Vec<Op>,
	hold: u64,
) -> Result<(), TestCaseError> {
	ExtBuilder::build_with_offset(offset).execute_with(|| {
		RewardVesting::set(vesting);
		let mut evidence = 0u8;
		let check = |when: &str| {
			Liquid::do_try_state(u8::MAX)
				.and_then(|_| Restaking::do_try_state(u8::MAX))
				.and_then(|_| Slashing::do_try_state(u8::MAX))
				.map_err(|e| TestCaseError::fail(format!("{when}: {e:?}")))
		};
		for op in &setup {
			apply(op, &mut evidence);
			check("setup")?;
		}
		let before = Balances::balance(&NOBODY);
		System::reset_events();
		if Liquid::deposit(signed(NOBODY), VAULT, amount, 0).is_err() {
			return Ok(());
		}
		let minted = tokens(VAULT, NOBODY);
		let worth = Liquid::positions_of(&NOBODY)[0].value;
		prop_assert!(worth <= amount, "{minted} tokens minted for {amount} are worth {worth}");
		let start = System::block_number();
		if vesting > 0 {
			// With gains counted at once a reward around the deposit is the sandwich itself.
			for op in &around {
				apply(op, &mut evidence);
			}
		}
		// Booked now, everything unvested follows one schedule from the start.
		let _ = Liquid::poke(signed(NOBODY), VAULT);
		check("deposit")?;
		let schedule = Vaults::<Runtime>::get(VAULT).unwrap().unvested;
		// A gain booked now (in the deposit's block) vests over the whole span from now.
		for event in events() {
			if let (crate::Event::GainVesting { until, .. }, true) = (event, vesting > 0) {
				prop_assert_eq!(until, start + vesting);
				prop_assert_eq!((schedule.from, schedule.until), (start, start + vesting));
			}
		}
		// The fewest active shares NOBODY's tokens shared the vesting with.
		let active_shares = || {
			let record = Vaults::<Runtime>::get(VAULT).unwrap();
			Liquid::pricing(VAULT, &record).active_shares
		};
		let mut fewest = active_shares();
		run_to_block(start + hold);
		fewest = fewest.min(active_shares());
		let id = Vaults::<Runtime>::get(VAULT).unwrap().next_redemption;
		if Liquid::redeem(signed(NOBODY), VAULT, minted, 0).is_err() {
			return Ok(());
		}
		let mut released_at = None;
		let mut paid = false;
		for _ in 0..40 {
			let entry = Redemptions::<Runtime>::get((NOBODY, VAULT, id));
			if released_at.is_none() && entry.is_some_and(|r| r.fully_released()) {
				released_at = Some(System::block_number());
			}
			if released_at.is_none() {
				fewest = fewest.min(active_shares());
			}
			next_era();
			let _ = Liquid::poke(signed(NOBODY), VAULT);
			check("redeeming")?;
			if Liquid::withdraw(signed(NOBODY), VAULT, NOBODY, id).is_ok() {
				paid = true;
				break;
			}
		}
		prop_assert!(paid, "the redemption was paid within 40 eras");
		// What vested while the tokens were held, and NOBODY's part of it: its tokens over the
		// fewest active shares (and the virtual ones) they shared it with.
		check("paid")?;
		let released_at = released_at.unwrap_or(System::block_number());
		// Linear over the schedule's span, rounded up, from the deposit to the release.
		let span = schedule.until.saturating_sub(schedule.from);
		let held = released_at.min(schedule.until).saturating_sub(start.max(schedule.from));
		let vested = if span == 0 {
			0
		} else {
			(schedule.amount * Balance::from(held)).div_ceil(span.into())
		};
		let virtual_shares = 10u128.pow(u32::from(offset));
		let mine = (vested * minted).div_ceil(fewest + virtual_shares);
		// Releasing a redemption rounds its value down, and the planck it leaves behind stays
		// with the tokens, which for a while include ours: each release of another
		// redemption's part (queued ahead of ours) may add a planck, never more.
		let others = events()
			.iter()
			.map(|e| match e {
				crate::Event::RedemptionsReleased { count, .. } => Balance::from(*count),
				_ => 0,
			})
			.sum::<Balance>()
			.saturating_sub(1);
		let after = Balances::balance(&NOBODY);
		prop_assert!(
			after <= before + others + mine,
			"paid {} for a deposit of {amount} ({others} other releases, {vested} vested by \
			 block {released_at} since {start}, {mine} of it NOBODY's)",
			after + amount - before
		);
		Ok(())
	})
}

/// Rewards paid around a deposit.
fn around() -> impl Strategy<Value = Vec<Op>> {
	prop::collection::vec(
		prop_oneof![
			(1..5_000u128).prop_map(|amount| Op::BaseReward { amount }),
			(1..5_000u128).prop_map(|amount| Op::ServiceReward { amount }),
		],
		0..3,
	)
}

proptest! {
	#![proptest_config(ProptestConfig {
		cases: restaking_test_support::proptest_cases(300),
		..ProptestConfig::default()
	})]

	#[test]
	fn vault_sequences_keep_invariants(
		offset in offset(),
		vesting in vesting(),
		ops in prop::collection::vec(op(), 1..40),
	) {
		run(offset, vesting, ops)?;
	}
}

proptest! {
	#![proptest_config(ProptestConfig {
		cases: restaking_test_support::proptest_cases(2_000),
		..ProptestConfig::default()
	})]

	#[test]
	fn no_deposit_and_redemption_gains_beyond_what_vests_while_held(
		offset in offset(),
		vesting in vesting(),
		setup in prop::collection::vec(op(), 0..15),
		amount in 10..50_000u128,
		around in around(),
		hold in 0..40u64,
	) {
		round_trip((offset, vesting), setup, amount, around, hold)?;
	}
}
