//! Property tests: random sequences of underwriting, covers (from the genesis pool and from a
//! stranger's zero-premium pool), slashes, pauses, undelegations, claims and withdrawals keep
//! every invariant of the insurance, slashing and restaking pallets, and never create funds.
//!
//! After every step:
//! - all three pallets' `try_state` (the insurance one checks the pool account against capital
//!   and unearned premiums, capital + paid + withdrawn == deposited + premiums earned + top-ups,
//!   locked ≤ capital, locked == the covers' remaining amounts, unearned == the covers' premiums
//!   not yet earned, shares == positions, leaving == the unexpired withdrawal requests per
//!   epoch), and an unchanged
//!   total issuance (the mock sends slashed funds to the reserve and a sink account);
//! - capital backing a waiting claim never leaves: no underwriter deposit or withdrawal in a
//!   pool, and no release or eviction of a cover, that a waiting slash may claim (read from
//!   the slashing pallet's requests and the covers, not from the insurance pallet's guard);
//! - per slash, the covers pay at most what it took from the delegators' pool; per delegator,
//!   the compensation it claims never exceeds its pro-rata share of the slashes it bore.

use crate::{mock::*, Event};
use proptest::prelude::*;
use restaking_primitives::{insurance::PoolId, restaking::SlashTier};
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
enum Op {
	Deposit { who: u8, pool: u8, amount: Balance },
	RequestWithdraw { who: u8, pool: u8, shares: Balance },
	Withdraw { who: u8, pool: u8 },
	BuyCover { who: u8, pool: u8, amount: Balance, period: u64 },
	Slash { tier: u8 },
	Pause,
	Resume,
	Undelegate { amount: Balance },
	Settle,
	Claim { who: u8 },
	Release,
	Advance { blocks: u64 },
}

const UNDERWRITERS: [AccountId; 3] = [UNDERWRITER, BUYER, NOBODY];
const BUYERS: [AccountId; 3] = [BUYER, NOBODY, OWNER];
const DELEGATORS: [AccountId; 2] = [STAKER, STAKER_2];
/// The genesis pool, and NOBODY's pool with no premium and no deductible.
const POOLS: [PoolId; 2] = [POOL, 1];

fn op() -> impl Strategy<Value = Op> {
	prop_oneof![
		2 => (0..3u8, 0..2u8, 1..5_000u128)
			.prop_map(|(who, pool, amount)| Op::Deposit { who, pool, amount }),
		1 => (0..3u8, 0..2u8, 1..10_000u128)
			.prop_map(|(who, pool, shares)| Op::RequestWithdraw { who, pool, shares }),
		1 => (0..3u8, 0..2u8).prop_map(|(who, pool)| Op::Withdraw { who, pool }),
		3 => (0..3u8, 0..2u8, 1..6_000u128, 1..60u64)
			.prop_map(|(who, pool, amount, period)| Op::BuyCover { who, pool, amount, period }),
		2 => (0..3u8).prop_map(|tier| Op::Slash { tier }),
		1 => Just(Op::Pause),
		1 => Just(Op::Resume),
		1 => (1..1_000u128).prop_map(|amount| Op::Undelegate { amount }),
		1 => Just(Op::Settle),
		1 => (0..2u8).prop_map(|who| Op::Claim { who }),
		1 => Just(Op::Release),
		3 => (1..20u64).prop_map(|blocks| Op::Advance { blocks }),
	]
}

fn apply(op: &Op, evidence_byte: &mut u8) {
	let pool = |p: u8| POOLS[p as usize];
	let _ = match *op {
		Op::Deposit { who, pool: p, amount } => {
			Insurance::deposit(signed(UNDERWRITERS[who as usize]), pool(p), amount)
		},
		Op::RequestWithdraw { who, pool: p, shares } => {
			Insurance::request_withdraw(signed(UNDERWRITERS[who as usize]), pool(p), shares)
		},
		Op::Withdraw { who, pool: p } => {
			Insurance::withdraw(signed(UNDERWRITERS[who as usize]), pool(p))
		},
		Op::BuyCover { who, pool: p, amount, period } => Insurance::buy_cover(
			signed(BUYERS[who as usize]),
			pool(p),
			OPERATOR,
			SERVICE,
			amount,
			period,
		),
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
		Op::Pause => Slashing::pause(RuntimeOrigin::root()),
		Op::Resume => Slashing::resume(RuntimeOrigin::root()),
		Op::Undelegate { amount } => {
			Restaking::undelegate(signed(STAKER_2), amount).map(|_| ()).map_err(|e| e.error)
		},
		Op::Settle => Restaking::settle(signed(NOBODY), STAKER).map(|_| ()).map_err(|e| e.error),
		Op::Claim { who } => Restaking::claim(signed(DELEGATORS[who as usize])),
		Op::Release => Insurance::release_covers(signed(NOBODY), POOL),
		Op::Advance { blocks } => {
			run_to_block(System::block_number() + blocks);
			Ok(())
		},
	};
}

/// A delegator's shares in OPERATOR's pool (active and withdrawing) and the pool's total.
fn shares_of(who: AccountId) -> (Balance, Balance) {
	let Some(ledger) = pallet_restaking::Stakers::<Runtime>::get(who) else { return (0, 0) };
	let total = pallet_restaking::Operators::<Runtime>::get(OPERATOR).map_or(0, |p| p.total_shares);
	(ledger.shares + ledger.withdrawals.iter().map(|w| w.shares).sum::<Balance>(), total)
}

/// What the checks after a step need to know from before it.
struct Before {
	/// Pools a claim on whose covers waits.
	claiming: Vec<PoolId>,
	/// Covers a waiting slash may claim.
	claimed: Vec<u64>,
	/// Each delegator's shares and the pool's total.
	shares: Vec<(AccountId, Balance, Balance)>,
}

/// Read from the slashing pallet's waiting requests and the covers themselves, not from the
/// insurance pallet's own guard: a cover may have to pay a waiting request that is not of the
/// `Minor` tier (which takes the self-bond only) on its target, made while it ran, while it
/// has something left to pay.
fn before() -> Before {
	let requests: Vec<_> = pallet_slashing::Requests::<Runtime>::iter_values()
		.filter(|r| r.tier != SlashTier::Minor)
		.collect();
	let claimed: Vec<(u64, PoolId)> = crate::Covers::<Runtime>::iter()
		.filter(|(_, cover)| {
			cover.remaining > 0
				&& requests.iter().any(|r| {
					r.operator == cover.operator
						&& r.service == cover.service
						&& cover.covers(r.requested_at)
				})
		})
		.map(|(id, cover)| (id, cover.pool))
		.collect();
	Before {
		claiming: claimed.iter().map(|(_, pool)| *pool).collect(),
		claimed: claimed.into_iter().map(|(id, _)| id).collect(),
		shares: DELEGATORS
			.into_iter()
			.map(|who| {
				let (shares, total) = shares_of(who);
				(who, shares, total)
			})
			.collect(),
	}
}

#[derive(Default)]
struct Tally {
	/// Per delegator: its pro-rata share of what executed slashes took from the pool.
	bore: BTreeMap<AccountId, Balance>,
	/// Per delegator: compensation claimed.
	compensated: BTreeMap<AccountId, Balance>,
	executed: u32,
}

fn after(b: &Before, tally: &mut Tally) -> Result<(), String> {
	let mut paid: BTreeMap<u64, Balance> = BTreeMap::new();
	for record in System::events() {
		match record.event {
			RuntimeEvent::Insurance(
				Event::Deposited { pool, .. } | Event::Withdrawn { pool, .. },
			) if b.claiming.contains(&pool) => {
				return Err(format!("capital moved in pool {pool} while a claim on it waited"))
			},
			RuntimeEvent::Insurance(
				Event::CoverReleased { cover, .. } | Event::CoverEvicted { cover, .. },
			) if b.claimed.contains(&cover) => {
				return Err(format!("cover {cover} left while a claim on it waited"))
			},
			RuntimeEvent::Insurance(Event::CoverPaid { slash, amount, .. }) => {
				*paid.entry(slash).or_default() += amount
			},
			RuntimeEvent::Slashing(pallet_slashing::Event::SlashExecuted { id, .. }) => {
				let record = pallet_slashing::Records::<Runtime>::get(id)
					.ok_or(format!("slash {id} without a record"))?;
				tally.executed += 1;
				for (who, shares, total) in &b.shares {
					if *total > 0 {
						*tally.bore.entry(*who).or_default() += record.from_pool * shares / total;
					}
				}
			},
			RuntimeEvent::Restaking(pallet_restaking::Event::Claimed {
				staker,
				compensation,
				..
			}) => *tally.compensated.entry(staker).or_default() += compensation,
			_ => {},
		}
	}
	for (slash, amount) in paid {
		let took = pallet_slashing::Records::<Runtime>::get(slash).map_or(0, |r| r.from_pool);
		if amount > took {
			return Err(format!("covers paid {amount} for slash {slash}, which took {took}"));
		}
	}
	for who in DELEGATORS {
		let claimed = tally.compensated.get(&who).copied().unwrap_or(0);
		let bore = tally.bore.get(&who).copied().unwrap_or(0);
		// A unit of rounding per executed slash.
		if claimed > bore + Balance::from(tally.executed) {
			return Err(format!("{who} claimed {claimed} of compensation for a loss of {bore}"));
		}
	}
	Ok(())
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
	ExtBuilder::build().execute_with(|| {
		let free_pricing = crate::Pricing::default();
		assert_eq!(crate::NextPoolId::<Runtime>::get(), POOLS[1]);
		Insurance::create_pool(signed(NOBODY), vec![SERVICE], free_pricing, 0)
			.expect("NOBODY's pool");
		let issuance = Balances::total_issuance();
		let mut evidence_byte = 0u8;
		let mut tally = Tally::default();
		for (i, op) in ops.iter().enumerate() {
			let b = before();
			System::reset_events();
			apply(op, &mut evidence_byte);
			if let Err(e) = after(&b, &mut tally) {
				return Err(TestCaseError::fail(format!("step {i} {op:?}: {e}")));
			}
			let checks = Restaking::do_try_state(u8::MAX)
				.and_then(|_| Slashing::do_try_state(u8::MAX))
				.and_then(|_| Insurance::do_try_state(u8::MAX));
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
	#![proptest_config(ProptestConfig {
		cases: restaking_test_support::proptest_cases(2_000),
		..ProptestConfig::default()
	})]

	#[test]
	fn insurance_sequences_keep_invariants(ops in prop::collection::vec(op(), 1..25)) {
		run(ops)?;
	}
}
