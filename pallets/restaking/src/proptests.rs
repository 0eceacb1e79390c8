//! Property tests: random sequences of restaking operations keep every invariant.
//!
//! Each case builds a fresh chain with two services and three operators, runs a random
//! sequence of delegations, undelegations, withdrawals, allocations, service slashes,
//! base-layer slashes, settlements, rewards and claims (failing calls included), and after
//! every step checks `try_state`, that no funds were created or lost (total issuance only
//! falls by what slashes took) and that no operator's `max_magnitude` ever rises.

use crate::{mock::*, *};
use proptest::prelude::*;
use restaking_primitives::restaking::{RestakingInterface, SlashTier};
use sp_runtime::{Perbill, Perquintill};

const OPERATORS: [AccountId; 3] = [OPERATOR, OPERATOR_2, OPERATOR_3];
const STAKER_COUNT: u64 = 5;

#[derive(Debug, Clone)]
enum Op {
	Delegate { staker: u64, operator: usize, amount: Balance },
	Undelegate { staker: u64, amount: Balance },
	Withdraw { staker: u64 },
	Allocate { operator: usize, service: u32, percent: u64 },
	Slash { operator: usize, service: u32, percent: u32, tier: u8 },
	BaseSlashStaker { staker: u64, amount: Balance },
	BaseSlashOperator { amount: Balance },
	Settle { staker: u64 },
	Reward { operator: usize, amount: Balance },
	Claim { staker: u64 },
	Advance { blocks: u64 },
	NewEra,
}

fn op() -> impl Strategy<Value = Op> {
	let staker = 0..STAKER_COUNT;
	let operator = 0..OPERATORS.len();
	prop_oneof![
		4 => (staker.clone(), operator.clone(), 1..4_000u128)
			.prop_map(|(staker, operator, amount)| Op::Delegate { staker, operator, amount }),
		2 => (staker.clone(), 1..3_000u128).prop_map(|(staker, amount)| Op::Undelegate { staker, amount }),
		1 => staker.clone().prop_map(|staker| Op::Withdraw { staker }),
		2 => (operator.clone(), 0..2u32, 0..=100u64)
			.prop_map(|(operator, service, percent)| Op::Allocate { operator, service, percent }),
		2 => (operator.clone(), 0..2u32, 1..=100u32, 0..3u8)
			.prop_map(|(operator, service, percent, tier)| Op::Slash { operator, service, percent, tier }),
		1 => (staker.clone(), 1..3_000u128).prop_map(|(staker, amount)| Op::BaseSlashStaker { staker, amount }),
		1 => (1..3_000u128).prop_map(|amount| Op::BaseSlashOperator { amount }),
		1 => staker.clone().prop_map(|staker| Op::Settle { staker }),
		1 => (operator, 1..500u128).prop_map(|(operator, amount)| Op::Reward { operator, amount }),
		1 => staker.prop_map(|staker| Op::Claim { staker }),
		2 => (1..15u64).prop_map(|blocks| Op::Advance { blocks }),
		1 => Just(Op::NewEra),
	]
}

/// Apply `op`; failing calls are part of the test (they must change nothing).
fn apply(op: &Op, burned_by_base: &mut Balance) {
	let staker = |i: u64| STAKER + i;
	let _ = match *op {
		Op::Delegate { staker: s, operator, amount } => {
			Restaking::delegate(signed(staker(s)), OPERATORS[operator], amount)
		},
		Op::Undelegate { staker: s, amount } => Restaking::undelegate(signed(staker(s)), amount)
			.map(|_| ())
			.map_err(|e| e.error),
		Op::Withdraw { staker: s } => Restaking::withdraw_unbonded(signed(staker(s))),
		Op::Allocate { operator, service, percent } => Restaking::allocate(
			signed(OPERATORS[operator]),
			service,
			Perquintill::from_percent(percent),
		),
		Op::Slash { operator, service, percent, tier } => {
			let tier = [SlashTier::Minor, SlashTier::Major, SlashTier::Critical][tier as usize];
			slash_now(&OPERATORS[operator], service, Perbill::from_percent(percent), tier)
				.map(|_| ())
		},
		Op::BaseSlashStaker { staker: s, amount } => {
			let before = bonded(staker(s));
			base_slash(staker(s), amount);
			*burned_by_base += before - bonded(staker(s));
			Ok(())
		},
		Op::BaseSlashOperator { amount } => {
			// OPERATOR_3 is also a base-layer staker (see `world`). Its self-bond slash goes to
			// the slash sink, like every restaking slash.
			let before = bonded(OPERATOR_3);
			base_slash(OPERATOR_3, amount);
			*burned_by_base += before - bonded(OPERATOR_3);
			Ok(())
		},
		Op::Settle { staker: s } => {
			Restaking::settle(signed(NOBODY), staker(s)).map(|_| ()).map_err(|e| e.error)
		},
		Op::Reward { operator, amount } => {
			let owner = OWNER;
			Restaking::pay_rewards(signed(owner), 0, OPERATORS[operator], amount)
		},
		Op::Claim { staker: s } => Restaking::claim(signed(staker(s))),
		Op::Advance { blocks } => {
			run_to_block(System::block_number() + blocks);
			Ok(())
		},
		Op::NewEra => {
			let era = staking::CurrentEra::<Runtime>::get().unwrap_or(0);
			set_era(era + 1);
			run_to_block(System::block_number() + 1);
			Ok(())
		},
	};
}

/// Two services, three operators all opted in to both; OPERATOR_3 is bonded on the base layer.
fn world() {
	let (a, b) = (service(OWNER), service(OWNER));
	assert_eq!((a, b), (0, 1));
	frame_support::assert_ok!(Restaking::fund_service(signed(OWNER), a, 20_000));
	frame_support::assert_ok!(Staking::bond(
		signed(OPERATOR_3),
		BOND,
		staking::RewardDestination::Stash
	));
	for who in OPERATORS {
		operator(who, 1_000);
		frame_support::assert_ok!(Restaking::opt_in(signed(who), a));
		frame_support::assert_ok!(Restaking::opt_in(signed(who), b));
	}
}

fn run(ops: Vec<Op>, leverage: u32) -> Result<(), TestCaseError> {
	let mut result = Ok(());
	ExtBuilder::default().leverage(leverage).build().execute_with(|| {
		world();
		let issuance = Balances::total_issuance();
		let mut burned_by_base = 0;
		let magnitudes = || {
			OPERATORS
				.map(|who| Operators::<Runtime>::get(who).expect("operators stay").max_magnitude)
		};
		let mut max_magnitudes = magnitudes();
		for (i, op) in ops.iter().enumerate() {
			apply(op, &mut burned_by_base);
			let now = magnitudes();
			if now.iter().zip(max_magnitudes.iter()).any(|(now, was)| now > was) {
				result = Err(TestCaseError::fail(format!("step {i} {op:?}: max magnitude rose")));
				return;
			}
			max_magnitudes = now;
			if let Err(e) = Restaking::do_try_state(u8::MAX) {
				result = Err(TestCaseError::fail(format!("step {i} {op:?}: {e:?}")));
				return;
			}
			// Restaking's slashes move funds to the sink; only the base layer burns.
			let accounted = Balances::total_issuance() + burned_by_base;
			if accounted != issuance {
				result = Err(TestCaseError::fail(format!(
					"step {i} {op:?}: issuance {issuance} != now {} + burned by the base layer {}",
					Balances::total_issuance(),
					burned_by_base
				)));
				return;
			}
			// No slash ever makes a service's slashable stake exceed the operator's stake.
			for who in OPERATORS {
				let pool = Operators::<Runtime>::get(who).expect("operators stay");
				for service in [0, 1] {
					if let Some((sb, pv)) = Restaking::slashable_stake(&who, service) {
						if sb > pool.self_bond || pv > pool.pool_value() {
							result = Err(TestCaseError::fail(format!(
								"step {i}: slashable ({sb}, {pv}) above stake"
							)));
							return;
						}
					}
				}
			}
		}
	});
	result
}

proptest! {
	#![proptest_config(ProptestConfig {
		cases: restaking_test_support::proptest_cases(2_500),
		..ProptestConfig::default()
	})]

	#[test]
	fn unique_stake_sequences_keep_invariants(ops in prop::collection::vec(op(), 1..30)) {
		run(ops, 1)?;
	}

	#[test]
	fn shared_security_sequences_keep_invariants(ops in prop::collection::vec(op(), 1..30)) {
		run(ops, 3)?;
	}
}

proptest! {
	#![proptest_config(ProptestConfig {
		cases: restaking_test_support::proptest_cases(2_500),
		..ProptestConfig::default()
	})]

	/// Unique stake: slashing one service never lowers another's slashable stake (beyond a
	/// unit of rounding).
	#[test]
	fn unique_stake_isolates_services(
		delegations in prop::collection::vec(1..4_000u128, 1..5),
		split in 1..99u64,
		percent in 1..=100u32,
		tier in 0..3u8,
	) {
		ExtBuilder::default().build().execute_with(|| {
			world();
			for (i, amount) in delegations.iter().enumerate() {
				let _ = Restaking::delegate(signed(STAKER + i as u64), OPERATOR, *amount);
			}
			allocate(OPERATOR, 0, split);
			allocate(OPERATOR, 1, 100 - split);
			let before = Restaking::slashable_stake(&OPERATOR, 1).map(|(a, b)| a + b).unwrap_or(0);
			let tier = [SlashTier::Minor, SlashTier::Major, SlashTier::Critical][tier as usize];
			let _ = slash_now(&OPERATOR, 0, Perbill::from_percent(percent), tier);
			let after = Restaking::slashable_stake(&OPERATOR, 1).map(|(a, b)| a + b).unwrap_or(0);
			prop_assert!(after + 2 >= before, "service 1 fell from {} to {}", before, after);
			Restaking::do_try_state(u8::MAX).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
			Ok(())
		})?;
	}

	/// A slash never takes more than the service's slashable stake (plus one unit per part).
	#[test]
	fn slash_is_bounded_by_the_allocation(
		amount in 10..8_000u128,
		percent_alloc in 1..=100u64,
		percent in 1..=100u32,
		tier in 0..3u8,
	) {
		ExtBuilder::default().build().execute_with(|| {
			world();
			let _ = Restaking::delegate(signed(STAKER), OPERATOR, amount);
			allocate(OPERATOR, 0, percent_alloc);
			let (sb, pv) = Restaking::slashable_stake(&OPERATOR, 0).unwrap_or((0, 0));
			let tier = [SlashTier::Minor, SlashTier::Major, SlashTier::Critical][tier as usize];
			if let Ok(outcome) = slash_now(&OPERATOR, 0, Perbill::from_percent(percent), tier) {
				prop_assert!(outcome.from_self_bond <= sb);
				prop_assert!(outcome.from_pool <= pv + 1);
			}
			Restaking::do_try_state(u8::MAX).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
			Ok(())
		})?;
	}
}
