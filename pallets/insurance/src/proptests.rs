//! Property tests: random sequences of underwriting, covers, slashes and withdrawals keep
//! every invariant of the insurance, slashing and restaking pallets, and never create funds.
//!
//! After every step: all three pallets' `try_state` (the insurance one checks capital + paid +
//! withdrawn == deposited + premiums + top-ups, locked ≤ capital, locked == the covers'
//! remaining amounts, shares == positions), and an unchanged total issuance (the mock sends
//! slashed funds to the reserve and a sink account, so nothing may vanish or appear).

use crate::mock::*;
use proptest::prelude::*;
use restaking_primitives::restaking::SlashTier;

#[derive(Debug, Clone)]
enum Op {
	Deposit { who: u8, amount: Balance },
	RequestWithdraw { who: u8, shares: Balance },
	Withdraw { who: u8 },
	BuyCover { amount: Balance, period: u64 },
	Slash { tier: u8 },
	Settle,
	Claim,
	Release,
	Advance { blocks: u64 },
}

const UNDERWRITERS: [AccountId; 2] = [UNDERWRITER, BUYER];

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		2 => (0..2u8, 1..5_000u128).prop_map(|(who, amount)| Op::Deposit { who, amount }),
		1 => (0..2u8, 1..10_000u128).prop_map(|(who, shares)| Op::RequestWithdraw { who, shares }),
		1 => (0..2u8).prop_map(|who| Op::Withdraw { who }),
		3 => (1..6_000u128, 1..60u64).prop_map(|(amount, period)| Op::BuyCover { amount, period }),
		2 => (0..3u8).prop_map(|tier| Op::Slash { tier }),
		1 => Just(Op::Settle),
		1 => Just(Op::Claim),
		1 => Just(Op::Release),
		3 => (1..20u64).prop_map(|blocks| Op::Advance { blocks }),
	]
}

fn apply(op: &Op, evidence_byte: &mut u8) {
	let _ = match *op {
		Op::Deposit { who, amount } => {
			Insurance::deposit(signed(UNDERWRITERS[who as usize]), POOL, amount)
		},
		Op::RequestWithdraw { who, shares } => {
			Insurance::request_withdraw(signed(UNDERWRITERS[who as usize]), POOL, shares)
		},
		Op::Withdraw { who } => Insurance::withdraw(signed(UNDERWRITERS[who as usize]), POOL),
		Op::BuyCover { amount, period } => {
			Insurance::buy_cover(signed(BUYER), POOL, OPERATOR, SERVICE, amount, period)
		},
		Op::Slash { tier } => {
			*evidence_byte = evidence_byte.wrapping_add(1);
			let tier = [SlashTier::Minor, SlashTier::Major, SlashTier::Critical][tier as usize];
			Slashing::request_slash(
				signed(SLASHER),
				SERVICE,
				OPERATOR,
				tier,
				evidence(*evidence_byte),
			)
		},
		Op::Settle => Restaking::settle(signed(NOBODY), STAKER).map(|_| ()).map_err(|e| e.error),
		Op::Claim => Restaking::claim(signed(STAKER)),
		Op::Release => Insurance::release_covers(signed(NOBODY), POOL),
		Op::Advance { blocks } => {
			run_to_block(System::block_number() + blocks);
			Ok(())
		},
	};
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
	ExtBuilder::build().execute_with(|| {
		let issuance = Balances::total_issuance();
		let mut evidence_byte = 0u8;
		for (i, op) in ops.iter().enumerate() {
			apply(op, &mut evidence_byte);
			let checks = Restaking::do_try_state()
				.and_then(|_| Slashing::do_try_state())
				.and_then(|_| Insurance::do_try_state());
			if let Err(e) = checks {
				return Err(TestCaseError::fail(format!("step {i} {op:?}: {e:?}")));
			}
			// Slashed funds go to the reserve or the sink account, never out of existence.
			if Balances::total_issuance() != issuance {
				return Err(TestCaseError::fail(format!("step {i} {op:?}: issuance changed")));
			}
		}
		Ok(())
	})
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 1_000, ..ProptestConfig::default() })]

	#[test]
	fn insurance_sequences_keep_invariants(ops in prop::collection::vec(op(), 1..25)) {
		run(ops)?;
	}
}
