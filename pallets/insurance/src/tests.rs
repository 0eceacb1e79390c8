//! Tests of the insurance pallet through its calls and its slash hook, on real
//! `pallet-balances`, `pallet-staking`, `pallet-restaking` and `pallet-slashing`. Every test ends
//! with the `try_state` of all three restaking pallets.

use crate::{mock::*, *};
use frame_support::{
	assert_noop, assert_ok,
	traits::fungible::{Inspect, InspectHold},
};
use restaking_primitives::{restaking::SlashTier, slashing::OnSlashExecuted};
use sp_runtime::{Perbill, TokenError};

const PERIOD: u64 = 100;

/// BUYER buys `amount` of cover on (OPERATOR, SERVICE) for PERIOD blocks; returns its id.
fn cover(amount: Balance) -> u64 {
	let id = NextCoverId::<Runtime>::get();
	assert_ok!(Insurance::buy_cover(signed(BUYER), POOL, OPERATOR, SERVICE, amount, PERIOD));
	id
}

/// Capital locked in pool `id`.
fn pools_locked(id: restaking_primitives::insurance::PoolId) -> Balance {
	Pools::<Runtime>::get(id).expect("pool exists").locked
}

fn pool() -> Pool<Runtime> {
	Pools::<Runtime>::get(POOL).expect("the genesis pool exists")
}

/// Request a critical slash (20 %) of OPERATOR and execute it after the window.
fn critical_slash(n: u8) -> u64 {
	let id = request(SlashTier::Critical, n);
	run_to_block(System::block_number() + WINDOW);
	id
}

/// The crate documentation's example. An owner creates a pool for a service and an
/// underwriter funds it; a buyer covers the delegators of (operator, service) for 100 blocks at
/// the quoted premium. A `Critical` slash of the operator executes (800 of its pool of 4,000),
/// the cover pays its 500 less the deductible, and each delegator claims its share.
#[docify::export]
#[test]
fn example_cover_pays_a_slash() {
	ExtBuilder::build_and_execute(|| {
		// Given a pool for SERVICE funded by an underwriter, and a cover of 500 bought from it
		// for OPERATOR's delegators for 100 blocks at the quoted premium.
		let pool = NextPoolId::<Runtime>::get();
		assert_ok!(Insurance::create_pool(signed(OWNER), vec![SERVICE], pricing(), DEDUCTIBLE));
		assert_ok!(Insurance::deposit(signed(UNDERWRITER), pool, 5_000));
		let premium = Insurance::quote(pool, &OPERATOR, SERVICE, 500, 100).unwrap();
		let buyer = free(BUYER);
		let cover = NextCoverId::<Runtime>::get();
		assert_ok!(Insurance::buy_cover(signed(BUYER), pool, OPERATOR, SERVICE, 500, 100));
		assert_eq!(free(BUYER), buyer - premium);
		assert_eq!(
			events_since_last_call(),
			vec![
				Event::PoolCreated { pool, owner: OWNER, services: vec![SERVICE] },
				Event::Deposited { pool, who: UNDERWRITER, amount: 5_000, shares: 5_000 },
				Event::CoverBought {
					cover,
					pool,
					operator: OPERATOR,
					service: SERVICE,
					amount: 500,
					premium,
					end: System::block_number() + 100,
				},
			]
		);

		// When a `Critical` slash of the operator executes.
		run_to_block(2);
		let slash = request(SlashTier::Critical, 1);
		run_to_block(System::block_number() + WINDOW);

		// Then the cover pays its 500 less the deductible, the reserve tops the pool up by
		// `ReserveCoverage` (20 %) of that, and STAKER, who holds 3,000 of the operator's pool
		// of 4,000 shares, claims three quarters of the payout.
		assert_eq!(
			events_since_last_call(),
			vec![
				Event::CoverPaid { cover, slash, amount: 500 - DEDUCTIBLE },
				Event::PoolToppedUp { pool, amount: (500 - DEDUCTIBLE) / 5 },
			]
		);
		let before = free(STAKER);
		assert_ok!(Restaking::claim(signed(STAKER)));
		assert_eq!(free(STAKER), before + 367);
	});
}

mod pools {
	use super::*;

	#[test]
	fn genesis_pool_is_funded() {
		ExtBuilder::build_and_execute(|| {
			let p = pool();
			assert_eq!((p.capital, p.total_shares, p.locked), (CAPITAL, CAPITAL, 0));
			assert_eq!(free(Insurance::pool_account(POOL)), CAPITAL + 1);
			assert_eq!(
				Balances::balance_on_hold(&HoldReason::PoolDeposit.into(), &UNDERWRITER),
				POOL_DEPOSIT
			);
		});
	}

	#[test]
	fn create_pool_rejects_bad_input() {
		ExtBuilder::build_and_execute(|| {
			let create = |services: Vec<u32>, pricing| {
				Insurance::create_pool(signed(OWNER), services, pricing, 0)
			};
			assert_noop!(create(vec![], pricing()), Error::<Runtime>::InvalidServices);
			assert_noop!(create(vec![0, 0], pricing()), Error::<Runtime>::InvalidServices);
			assert_noop!(create(vec![9], pricing()), Error::<Runtime>::InvalidServices);
			assert_noop!(create(vec![0, 1, 2], pricing()), Error::<Runtime>::InvalidServices);
			let steep =
				Pricing { base: Perbill::from_parts(500_000), slope: Perbill::from_parts(500_001) };
			assert_noop!(create(vec![0], steep), Error::<Runtime>::RateTooHigh);
			assert_ok!(create(vec![0, 1], pricing()));
			assert_eq!(
				last_event(),
				Event::PoolCreated { pool: 1, owner: OWNER, services: vec![0, 1] }
			);
		});
	}

	#[test]
	fn deposits_buy_shares_at_the_pools_value() {
		ExtBuilder::build_and_execute(|| {
			assert_noop!(Insurance::deposit(signed(BUYER), 7, 100), Error::<Runtime>::UnknownPool);
			assert_noop!(
				Insurance::deposit(signed(BUYER), POOL, 9),
				Error::<Runtime>::AmountTooLow
			);
			assert_noop!(
				Insurance::deposit(signed(BUYER), POOL, 10 * ENDOWMENT),
				TokenError::FundsUnavailable
			);
			// Premiums earned raise the value of a share: a later deposit gets fewer shares. A
			// cover's premium (19 for 100 blocks) is earned over its period: half of it (9) by
			// block 52, the rest still unearned.
			cover(1_000);
			assert_eq!((pool().premiums, pool().unearned), (0, 19));
			run_to_block(52);
			assert_ok!(Insurance::deposit(signed(BUYER), POOL, 1_000));
			assert_eq!((pool().premiums, pool().unearned), (9, 10));
			let shares = Positions::<Runtime>::get(POOL, BUYER).unwrap().shares;
			assert_eq!(shares, 1_000 * CAPITAL / (CAPITAL + 9));
		});
	}

	#[test]
	fn withdrawals_wait_the_cooldown_and_leave_locked_capital() {
		ExtBuilder::build_and_execute(|| {
			let id = cover(6_000);
			let premium = Covers::<Runtime>::get(id).unwrap().premium;
			assert_noop!(
				Insurance::withdraw(signed(UNDERWRITER), POOL),
				Error::<Runtime>::NoWithdrawal
			);
			assert_noop!(
				Insurance::request_withdraw(signed(BUYER), POOL, 1),
				Error::<Runtime>::NoPosition
			);
			assert_noop!(
				Insurance::request_withdraw(signed(UNDERWRITER), POOL, CAPITAL + 1),
				Error::<Runtime>::InsufficientShares
			);
			assert_ok!(Insurance::request_withdraw(signed(UNDERWRITER), POOL, CAPITAL));
			assert_noop!(
				Insurance::request_withdraw(signed(UNDERWRITER), POOL, 1),
				Error::<Runtime>::WithdrawalPending
			);
			assert_noop!(
				Insurance::withdraw(signed(UNDERWRITER), POOL),
				Error::<Runtime>::CooldownNotOver
			);
			run_to_block(1 + COOLDOWN);
			// 6,000 stay locked behind the cover.
			assert_noop!(
				Insurance::withdraw(signed(UNDERWRITER), POOL),
				Error::<Runtime>::CapitalLocked
			);
			// After the cover and its grace, everything (with the premium) can leave, on a
			// new request: the first one expired.
			run_to_block(2 + PERIOD + MAX_VETO_WINDOW);
			assert_noop!(
				Insurance::withdraw(signed(UNDERWRITER), POOL),
				Error::<Runtime>::WithdrawalExpired
			);
			assert_ok!(Insurance::request_withdraw(signed(UNDERWRITER), POOL, CAPITAL));
			run_to_block(System::block_number() + COOLDOWN);
			let before = free(UNDERWRITER);
			assert_ok!(Insurance::withdraw(signed(UNDERWRITER), POOL));
			assert_eq!(free(UNDERWRITER), before + CAPITAL + premium);
			assert_eq!((pool().premiums, pool().unearned), (premium, 0));
			assert!(Positions::<Runtime>::get(POOL, UNDERWRITER).is_none());
			assert!(events()
				.iter()
				.any(|e| matches!(e, Event::CoverReleased { unused: 6_000, .. })));
		});
	}
}

mod covers {
	use super::*;

	#[test]
	fn the_premium_rises_with_utilization() {
		ExtBuilder::build_and_execute(|| {
			// 1,000 of 10,000 locked after the sale: 0.01 % + 10 % of 0.09 % = 0.019 % a block,
			// over 100 blocks: 1.9 % of 1,000 = 19.
			assert_eq!(Insurance::quote(POOL, &OPERATOR, SERVICE, 1_000, PERIOD), Ok(19));
			let buyer = free(BUYER);
			cover(1_000);
			assert_eq!(free(BUYER), buyer - 19);
			// The next 1,000 brings utilization to 20 %: 0.028 % a block.
			assert_eq!(Insurance::quote(POOL, &OPERATOR, SERVICE, 1_000, PERIOD), Ok(28));
			// The premium is earned over the cover's period, not at the sale.
			let p = pool();
			assert_eq!((p.locked, p.capital, p.unearned), (1_000, CAPITAL, 19));
		});
	}

	/// The runtime API's quote answers for a sale in the next block: premiums earned block
	/// by block move the price, and the quote accounts for the block it will run in.
	#[test]
	fn the_next_blocks_quote_is_what_a_sale_there_charges() {
		ExtBuilder::build_and_execute(|| {
			cover(5_000);
			run_to_block(30);
			assert_ok!(Insurance::deposit(signed(STAKER), POOL, 100));
			let quote = Insurance::quote_next_block(POOL, &OPERATOR, SERVICE, 1_000, PERIOD);
			run_to_block(31);
			let id = cover(1_000);
			assert_eq!(Ok(Covers::<Runtime>::get(id).unwrap().premium), quote);
		});
	}

	#[test]
	fn buy_cover_rejects_bad_input() {
		ExtBuilder::build_and_execute(|| {
			let buy = |operator, service, amount, period| {
				Insurance::buy_cover(signed(BUYER), POOL, operator, service, amount, period)
			};
			assert_noop!(
				Insurance::buy_cover(signed(BUYER), 5, OPERATOR, SERVICE, 100, PERIOD),
				Error::<Runtime>::UnknownPool
			);
			assert_noop!(buy(OPERATOR, SERVICE, 0, PERIOD), Error::<Runtime>::AmountTooLow);
			assert_noop!(buy(OPERATOR, SERVICE, 100, 4), Error::<Runtime>::InvalidPeriod);
			assert_noop!(buy(OPERATOR, SERVICE, 100, 1_001), Error::<Runtime>::InvalidPeriod);
			assert_noop!(
				buy(BONDED_OPERATOR, COMMITTEE_SERVICE, 100, PERIOD),
				Error::<Runtime>::ServiceNotCovered
			);
			assert_noop!(buy(NOBODY, SERVICE, 100, PERIOD), Error::<Runtime>::NotAllocated);
			assert_noop!(
				buy(OPERATOR, SERVICE, CAPITAL + 1, PERIOD),
				Error::<Runtime>::InsufficientCapacity
			);
			cover(100);
			cover(100);
			assert_noop!(buy(OPERATOR, SERVICE, 100, PERIOD), Error::<Runtime>::TooManyCovers);
		});
	}
}

mod payouts {
	use super::*;

	#[test]
	fn a_covered_slash_compensates_the_delegators() {
		ExtBuilder::build_and_execute(|| {
			let id = cover(500);
			run_to_block(2);
			let slash = critical_slash(1);
			// The slash took 800 from the pool; the cover pays min(500, 800) − 10.
			assert!(events().contains(&Event::CoverPaid { cover: id, slash, amount: 490 }));
			let p = pool();
			assert_eq!(p.paid_out, 490);
			assert_eq!(Covers::<Runtime>::get(id).unwrap().remaining, 10);
			// STAKER holds 3,000 of the 4,000 shares: three quarters of 490.
			let before = free(STAKER);
			assert_ok!(Restaking::claim(signed(STAKER)));
			assert_eq!(free(STAKER), before + 367);
			let before = free(STAKER_2);
			assert_ok!(Restaking::claim(signed(STAKER_2)));
			assert_eq!(free(STAKER_2), before + 122);
		});
	}

	#[test]
	fn only_covers_active_at_the_request_pay() {
		ExtBuilder::build_and_execute(|| {
			let slash = request(SlashTier::Critical, 1);
			// Bought in the block of the request, after it: not covered.
			let late = cover(500);
			run_to_block(System::block_number() + WINDOW);
			assert!(!events().iter().any(|e| matches!(e, Event::CoverPaid { .. })));
			assert_eq!(Covers::<Runtime>::get(late).unwrap().remaining, 500);
			let _ = slash;
		});
	}

	#[test]
	fn a_cover_ending_in_the_veto_window_still_pays() {
		ExtBuilder::build_and_execute(|| {
			assert_ok!(Insurance::buy_cover(signed(BUYER), POOL, OPERATOR, SERVICE, 500, 5));
			run_to_block(2);
			let slash = request(SlashTier::Critical, 1);
			// The cover ends before the slash executes, but was active at the request.
			run_to_block(System::block_number() + WINDOW);
			assert!(events().contains(&Event::CoverPaid { cover: 0, slash, amount: 490 }));
		});
	}

	#[test]
	fn covers_together_pay_at_most_the_loss_and_never_twice() {
		ExtBuilder::build_and_execute(|| {
			cover(800);
			cover(800);
			run_to_block(2);
			let slash = critical_slash(1);
			// Each would pay 790; together at most the 800 lost: 400 each.
			let paid: Vec<_> = events()
				.into_iter()
				.filter_map(|e| match e {
					Event::CoverPaid { amount, .. } => Some(amount),
					_ => None,
				})
				.collect();
			assert_eq!(paid, vec![400, 400]);
			// The same slash again pays nothing.
			let record = pallet_slashing::Records::<Runtime>::get(slash).unwrap();
			let capital = pool().capital;
			Insurance::on_slash_executed(&record);
			assert_eq!(pool().capital, capital);
		});
	}

	#[test]
	fn the_reserve_tops_up_a_paying_pool() {
		ExtBuilder::build_and_execute(|| {
			// A first slash, realized on the stakers (by the idle sweep), feeds the reserve half
			// of the funds.
			critical_slash(1);
			let reserve = free(Insurance::reserve_account());
			assert!(reserve > 0);
			// A covered slash: the pool pays, the reserve refunds 20 % of the payout.
			cover(500);
			run_to_block(System::block_number() + 1);
			critical_slash(2);
			let p = pool();
			assert!(p.paid_out > 0);
			assert_eq!(p.top_ups, Perbill::from_percent(20).mul_floor(p.paid_out));
			assert!(events().contains(&Event::PoolToppedUp { pool: POOL, amount: p.top_ups }));
		});
	}

	#[test]
	fn without_delegators_nothing_is_paid() {
		ExtBuilder::build_and_execute(|| {
			let id = cover(500);
			assert_ok!(Restaking::undelegate(signed(STAKER), 3_000));
			assert_ok!(Restaking::undelegate(signed(STAKER_2), 1_000));
			run_to_block(1 + UNDELEGATION_DELAY);
			assert_ok!(Restaking::withdraw_unbonded(signed(STAKER)));
			assert_ok!(Restaking::withdraw_unbonded(signed(STAKER_2)));
			critical_slash(1);
			assert_eq!(Covers::<Runtime>::get(id).unwrap().remaining, 500);
			assert_eq!(pool().paid_out, 0);
		});
	}
}

mod attacks {
	use super::*;

	/// A delegator that began undelegating before the request bore the slash like the others
	/// and gets its part of the compensation; the one that stays gets no more than its part.
	#[test]
	fn compensation_goes_to_whoever_bore_the_loss() {
		ExtBuilder::build_and_execute(|| {
			let id = cover(500);
			assert_ok!(Restaking::undelegate(signed(STAKER_2), 1_000));
			run_to_block(2);
			let slash = critical_slash(1);
			// 800 taken from the pool, 200 of it from STAKER_2's withdrawing 1,000.
			assert!(events().contains(&Event::CoverPaid { cover: id, slash, amount: 490 }));
			let (a, b) = (free(STAKER), free(STAKER_2));
			assert_ok!(Restaking::claim(signed(STAKER)));
			assert_ok!(Restaking::claim(signed(STAKER_2)));
			// 490 per 4,000 shares: 367 for 3,000 (its loss was 600), 122 for 1,000 (200).
			assert_eq!((free(STAKER) - a, free(STAKER_2) - b), (367, 122));
		});
	}

	/// An underwriter whose cooldown has passed cannot leave while a slash its pool's cover
	/// must pay waits: the remaining underwriters would pay its part.
	#[test]
	fn an_underwriter_cannot_flee_a_waiting_claim() {
		ExtBuilder::build_and_execute(|| {
			// A second underwriter joins; the first has asked to leave.
			assert_ok!(Insurance::deposit(signed(BUYER), POOL, 10_000));
			assert_ok!(Insurance::request_withdraw(signed(UNDERWRITER), POOL, CAPITAL));
			let id = cover(500);
			run_to_block(1 + COOLDOWN);
			// The cover's target is slashed; the request waits (the slashing pallet is paused,
			// as it may be, so it waits past any window).
			let slash = request(SlashTier::Critical, 1);
			assert_ok!(Slashing::pause(RuntimeOrigin::root()));
			run_to_block(System::block_number() + WINDOW + 1);
			assert_noop!(
				Insurance::withdraw(signed(UNDERWRITER), POOL),
				Error::<Runtime>::ClaimPending
			);
			assert_ok!(Slashing::resume(RuntimeOrigin::root()));
			run_to_block(System::block_number() + 1);
			assert!(events().contains(&Event::CoverPaid { cover: id, slash, amount: 490 }));
			// The payout came from both underwriters' capital; now the first may leave with
			// half of what is left.
			let capital = pool().capital;
			let before = free(UNDERWRITER);
			assert_ok!(Insurance::withdraw(signed(UNDERWRITER), POOL));
			assert_eq!(free(UNDERWRITER) - before, capital / 2);
		});
	}

	/// A withdrawal request can be executed from a cooldown after it until the end of the
	/// second epoch after its own, then expires: no underwriter can sit ready to leave the
	/// moment a fault happens. Asked again, it waits a new cooldown, and a slash requested
	/// meanwhile on a cover's target is paid out of its capital too.
	#[test]
	fn a_withdrawal_request_expires_so_no_underwriter_waits_ready_to_flee() {
		ExtBuilder::build_and_execute(|| {
			let priced = || Insurance::pool_state(POOL).unwrap().priced_capital;
			let capital = || Insurance::pool_state(POOL).unwrap().capital;
			// Block 1 is in epoch 0: executable from block 11 until block 30 (epoch 3).
			assert_ok!(Insurance::request_withdraw(signed(UNDERWRITER), POOL, CAPITAL / 2));
			assert_eq!(
				last_event(),
				Event::WithdrawRequested {
					pool: POOL,
					who: UNDERWRITER,
					shares: CAPITAL / 2,
					withdrawable_at: 1 + COOLDOWN,
					expires: 3 * COOLDOWN,
				}
			);
			assert_eq!(priced(), CAPITAL / 2);
			let id = cover(500);
			run_to_block(2 * COOLDOWN);
			assert_noop!(
				Insurance::request_withdraw(signed(UNDERWRITER), POOL, 1),
				Error::<Runtime>::WithdrawalPending
			);
			// Expired: it cannot be executed, and its shares price cover again.
			run_to_block(3 * COOLDOWN);
			assert_noop!(
				Insurance::withdraw(signed(UNDERWRITER), POOL),
				Error::<Runtime>::WithdrawalExpired
			);
			assert_eq!(priced(), capital());
			// The fault: a slash of the cover's target is requested. Asking again now starts
			// a new cooldown; the claim is paid before it ends.
			let slash = request(SlashTier::Critical, 1);
			assert_ok!(Insurance::request_withdraw(signed(UNDERWRITER), POOL, CAPITAL / 2));
			assert_eq!(priced(), capital() / 2);
			assert_noop!(
				Insurance::withdraw(signed(UNDERWRITER), POOL),
				Error::<Runtime>::CooldownNotOver
			);
			run_to_block(System::block_number() + COOLDOWN);
			assert!(events().contains(&Event::CoverPaid { cover: id, slash, amount: 490 }));
			// It leaves with half of what is left after the payout: it bore half of the 490.
			let p = pool();
			assert_eq!(p.paid_out, 490);
			assert_eq!(p.capital, p.deposited + p.premiums + p.top_ups - p.paid_out);
			let capital = p.capital;
			let before = free(UNDERWRITER);
			assert_ok!(Insurance::withdraw(signed(UNDERWRITER), POOL));
			assert_eq!(free(UNDERWRITER) - before, capital / 2);
		});
	}

	/// Underwriter capital deposited while a claim waits would pay part of it at the old
	/// price: refused until the claim is settled.
	#[test]
	fn a_deposit_cannot_absorb_a_waiting_claim() {
		ExtBuilder::build_and_execute(|| {
			cover(500);
			run_to_block(2);
			let _ = request(SlashTier::Critical, 1);
			assert_noop!(
				Insurance::deposit(signed(BUYER), POOL, 10_000),
				Error::<Runtime>::ClaimPending
			);
			run_to_block(System::block_number() + WINDOW);
			assert_ok!(Insurance::deposit(signed(BUYER), POOL, 10_000));
		});
	}

	/// A cover bought after every waiting request on its target can pay none of them: it
	/// neither locks the pool's underwriters nor stays past its grace for them.
	#[test]
	fn a_cover_bought_after_a_request_locks_nothing() {
		ExtBuilder::build_and_execute(|| {
			assert_ok!(Insurance::request_withdraw(signed(UNDERWRITER), POOL, 1_000));
			run_to_block(1 + COOLDOWN);
			let _ = request(SlashTier::Critical, 1);
			assert_ok!(Slashing::pause(RuntimeOrigin::root()));
			let late = cover(20);
			run_to_block(System::block_number() + 1);
			assert_ok!(Insurance::withdraw(signed(UNDERWRITER), POOL));
			assert!(Covers::<Runtime>::contains_key(late));
		});
	}

	/// A buyer (or a sniper) deposits capital just before a large purchase to lower the
	/// utilization, meaning to withdraw it after the cooldown while the cover runs: the fresh
	/// capital backs the cover but does not price it, so the buyer pays the quote of the
	/// capital that stays. Once it has stayed past a cooldown it prices cover like the rest.
	#[test]
	fn a_just_in_time_deposit_cannot_lower_a_premium() {
		ExtBuilder::build_and_execute(|| {
			let quote = || Insurance::quote(POOL, &OPERATOR, SERVICE, 5_000, PERIOD).unwrap();
			// 50 % of the genesis capital: 0.055 % per block for 100 blocks.
			let honest = quote();
			assert_eq!(honest, 275);
			assert_ok!(Insurance::deposit(signed(BUYER), POOL, 90_000));
			assert_eq!(Insurance::priced_capital(&pool(), System::block_number()), CAPITAL);
			assert_eq!(quote(), honest);
			let before = free(BUYER);
			cover(5_000);
			assert_eq!(before - free(BUYER), honest);
			// The buyer leaves after the cooldown; the cover was priced on what stays.
			// And it gets back only its part of the premium earned while it underwrote (10 of
			// the cover's 100 blocks): 90 % of 27.
			assert_ok!(Insurance::request_withdraw(signed(BUYER), POOL, 90_000));
			run_to_block(1 + COOLDOWN);
			let before = free(BUYER);
			assert_ok!(Insurance::withdraw(signed(BUYER), POOL));
			assert_eq!(free(BUYER) - before, 90_000 + 27 * 9 / 10);
			assert_eq!(pool().locked, 5_000);
			// Capital that stays more than a cooldown (into the second epoch after its deposit)
			// prices cover.
			assert_ok!(Insurance::deposit(signed(STAKER), POOL, 10_000));
			let deposited = System::block_number();
			run_to_block(deposited + COOLDOWN);
			assert!(Insurance::priced_capital(&pool(), System::block_number()) < pool().capital);
			run_to_block((deposited / COOLDOWN + 2) * COOLDOWN);
			assert_eq!(Insurance::priced_capital(&pool(), System::block_number()), pool().capital);
		});
	}

	/// Shares asked to be withdrawn can leave before a cover ends: they stop pricing cover
	/// the moment they are asked for, and price it again only as new capital would.
	#[test]
	fn capital_on_its_way_out_does_not_price_cover() {
		ExtBuilder::build_and_execute(|| {
			let quote = || Insurance::quote(POOL, &OPERATOR, SERVICE, 1_000, PERIOD).unwrap();
			// 10 % utilization: 0.019 % per block.
			assert_eq!(quote(), 19);
			assert_ok!(Insurance::request_withdraw(signed(UNDERWRITER), POOL, CAPITAL / 2));
			assert_eq!(pool().leaving.at(0), CAPITAL / 2);
			// 20 % of the capital that stays: 0.028 % per block.
			assert_eq!(quote(), 28);
			let state = Insurance::pool_state(POOL).unwrap();
			assert_eq!((state.capital, state.priced_capital), (CAPITAL, CAPITAL / 2));
			run_to_block(1 + COOLDOWN);
			assert_ok!(Insurance::withdraw(signed(UNDERWRITER), POOL));
			assert_eq!(pool().leaving.at(System::block_number() / COOLDOWN), 0);
			assert_eq!(quote(), 28);
		});
	}

	/// A slash a pool's covers pay nothing of (what is left of the cover is the deductible)
	/// still brings its premium books up to date: the premium earned so far joins the capital.
	#[test]
	fn a_payout_that_pays_nothing_keeps_the_premium_books() {
		ExtBuilder::build_and_execute(|| {
			let id = cover(800);
			run_to_block(2);
			critical_slash(1);
			assert_eq!(Covers::<Runtime>::get(id).unwrap().remaining, DEDUCTIBLE);
			run_to_block(50);
			let slash = critical_slash(2);
			assert!(!events()
				.iter()
				.any(|e| matches!(e, Event::CoverPaid { slash: s, .. } if *s == slash)));
			let cover = Covers::<Runtime>::get(id).unwrap();
			assert!(cover.recognized > 0);
			assert_eq!(pool().premiums, cover.recognized);
			assert_eq!(pool().unearned, cover.premium - cover.recognized);
		});
	}

	/// Premiums a pool earns after its last underwriter left belong to nobody in the pool: they
	/// go to the reserve, and the next underwriter buys its shares at the capital it brings.
	#[test]
	fn premiums_earned_with_no_underwriter_go_to_the_reserve() {
		ExtBuilder::build_and_execute(|| {
			let flat = Pricing { base: Perbill::from_parts(100_000), slope: Perbill::zero() };
			assert_ok!(Insurance::create_pool(signed(NOBODY), vec![SERVICE], flat, 0));
			assert_ok!(Insurance::deposit(signed(NOBODY), 1, 1_000));
			// Reserve funds exist (the reserve account is alive).
			assert_ok!(Balances::transfer_allow_death(
				signed(OWNER),
				Insurance::reserve_account(),
				100
			));
			let id = NextCoverId::<Runtime>::get();
			assert_ok!(Insurance::buy_cover(signed(BUYER), 1, OPERATOR, SERVICE, 500, PERIOD));
			let premium = Covers::<Runtime>::get(id).unwrap().premium;
			assert_eq!(premium, 5);
			run_to_block(2);
			critical_slash(1);
			// The cover paid all it had: nothing is locked, and the underwriter leaves.
			assert_eq!(pools_locked(1), 0);
			assert_ok!(Insurance::request_withdraw(signed(NOBODY), 1, 1_000));
			run_to_block(System::block_number() + COOLDOWN);
			assert_ok!(Insurance::withdraw(signed(NOBODY), 1));
			let left = Pools::<Runtime>::get(1).unwrap();
			assert_eq!((left.total_shares, left.capital), (0, 0));
			assert!(left.unearned > 0);
			let reserve = free(Insurance::reserve_account());
			run_to_block(2 + PERIOD + MAX_VETO_WINDOW);
			assert_ok!(Insurance::release_covers(signed(NOBODY), 1));
			assert!(events().contains(&Event::PremiumToReserve { pool: 1, amount: left.unearned }));
			assert_eq!(free(Insurance::reserve_account()), reserve + left.unearned);
			assert_ok!(Insurance::deposit(signed(BUYER), 1, 100));
			let pool = Pools::<Runtime>::get(1).unwrap();
			assert_eq!((pool.total_shares, pool.capital, pool.unearned), (100, 100, 0));
		});
	}

	/// Fresh shares asked to be withdrawn leave the priced capital once, not twice: nobody
	/// can inflate everyone's premium by depositing and asking to leave at once.
	#[test]
	fn capital_both_fresh_and_leaving_is_left_out_once() {
		ExtBuilder::build_and_execute(|| {
			let before = Insurance::quote(POOL, &OPERATOR, SERVICE, 1_000, PERIOD).unwrap();
			assert_ok!(Insurance::deposit(signed(BUYER), POOL, 10_000));
			assert_ok!(Insurance::request_withdraw(signed(BUYER), POOL, 10_000));
			let now = System::block_number();
			assert_eq!(Insurance::priced_capital(&pool(), now), CAPITAL);
			assert_eq!(Insurance::quote(POOL, &OPERATOR, SERVICE, 1_000, PERIOD).unwrap(), before);
			assert_eq!(pool().fresh.at(now / COOLDOWN), 0);
		});
	}

	/// A stranger fills the target's cover slots from its own zero-premium pool with the
	/// cheapest covers it can buy; a real buyer still buys at the quoted price, taking the
	/// place of the weakest, and the stranger's next cheap cover displaces only its own.
	#[test]
	fn a_griefer_cannot_keep_a_real_buyer_from_cover() {
		ExtBuilder::build_and_execute(|| {
			let free_pricing = Pricing { base: Perbill::zero(), slope: Perbill::zero() };
			assert_ok!(Insurance::create_pool(signed(NOBODY), vec![SERVICE], free_pricing, 0));
			assert_ok!(Insurance::deposit(signed(NOBODY), 1, 100));
			let grief = |n| {
				let id = NextCoverId::<Runtime>::get();
				assert_ok!(Insurance::buy_cover(signed(NOBODY), 1, OPERATOR, SERVICE, 10, n));
				id
			};
			let (first, second) = (grief(1_000), grief(1_000));
			assert_eq!(Insurance::covers_of(&OPERATOR, SERVICE).len(), 2);
			run_to_block(2);
			let quoted = Insurance::quote(POOL, &OPERATOR, SERVICE, 500, PERIOD).unwrap();
			let before = free(BUYER);
			let real = cover(500);
			assert_eq!(before - free(BUYER), quoted);
			assert_eq!(Covers::<Runtime>::get(real).unwrap().premium, quoted);
			assert!(events().contains(&Event::CoverEvicted { cover: first, by: real, refund: 0 }));
			assert!(!Covers::<Runtime>::contains_key(first));
			// A block later the stranger's other cover ranks a little lower: another cheap cover
			// takes its place, not the buyer's.
			run_to_block(3);
			let third = grief(1_000);
			assert!(!Covers::<Runtime>::contains_key(second));
			let ids: Vec<_> =
				Insurance::covers_of(&OPERATOR, SERVICE).iter().map(|c| c.id).collect();
			assert_eq!(ids, vec![real, third]);
			// A cover ranking below both finds no room.
			assert_noop!(
				Insurance::buy_cover(signed(NOBODY), 1, OPERATOR, SERVICE, 10, 5),
				Error::<Runtime>::TooManyCovers
			);
			assert_eq!(pools_locked(1), 10);
		});
	}

	/// A cover evicted in the block of a request, before it, leaves no gap: the cover that
	/// took its place covers the request, and pays at least as much per slash.
	#[test]
	fn an_eviction_leaves_no_gap_before_a_request_in_its_block() {
		ExtBuilder::build_and_execute(|| {
			let (a, b) = (cover(300), cover(400));
			run_to_block(5);
			let big = NextCoverId::<Runtime>::get();
			assert_ok!(Insurance::buy_cover(signed(NOBODY), POOL, OPERATOR, SERVICE, 350, 10));
			assert!(events().iter().any(
				|e| matches!(e, Event::CoverEvicted { cover, by, .. } if *cover == a && *by == big)
			));
			let slash = request(SlashTier::Critical, 1);
			run_to_block(System::block_number() + WINDOW);
			assert!(events().contains(&Event::CoverPaid { cover: big, slash, amount: 340 }));
			assert!(events().contains(&Event::CoverPaid { cover: b, slash, amount: 390 }));
		});
	}

	/// A running cover of a full pool protects its own target: a sale on another target makes
	/// room only by evicting an ended one (that no waiting slash may claim).
	#[test]
	fn a_full_pool_evicts_only_ended_covers() {
		ExtBuilder::build_and_execute(|| {
			let both = vec![SERVICE, COMMITTEE_SERVICE];
			assert_ok!(Insurance::create_pool(signed(NOBODY), both, pricing(), DEDUCTIBLE));
			assert_ok!(Insurance::deposit(signed(NOBODY), 1, 10_000));
			let buy = |operator, service, amount, period| {
				let id = NextCoverId::<Runtime>::get();
				Insurance::buy_cover(signed(BUYER), 1, operator, service, amount, period)
					.map(|_| id)
			};
			// The pool's three places: two on BONDED_OPERATOR, one (short) on OPERATOR.
			buy(BONDED_OPERATOR, COMMITTEE_SERVICE, 100, PERIOD).unwrap();
			buy(BONDED_OPERATOR, COMMITTEE_SERVICE, 100, PERIOD).unwrap();
			let short = buy(OPERATOR, SERVICE, 100, 5).unwrap();
			// OPERATOR's list has room, the pool's has none, and every cover runs.
			assert_eq!(
				buy(OPERATOR, SERVICE, 5_000, PERIOD),
				Err(Error::<Runtime>::TooManyCovers.into())
			);
			// Once the short cover has ended, it makes room.
			run_to_block(1 + 5);
			let big = buy(OPERATOR, SERVICE, 5_000, PERIOD).unwrap();
			assert!(events().contains(&Event::CoverEvicted { cover: short, by: big, refund: 0 }));
		});
	}

	/// A cover that could pay less than `MinCover` after the deductible is no cover.
	#[test]
	fn a_cover_that_cannot_pay_is_refused() {
		ExtBuilder::build_and_execute(|| {
			assert_noop!(
				Insurance::buy_cover(
					signed(BUYER),
					POOL,
					OPERATOR,
					SERVICE,
					DEDUCTIBLE + 9,
					PERIOD
				),
				Error::<Runtime>::CoverWorthless
			);
			assert_eq!(
				Insurance::quote(POOL, &OPERATOR, SERVICE, DEDUCTIBLE + 9, PERIOD),
				Err(Error::<Runtime>::CoverWorthless.into())
			);
			cover(DEDUCTIBLE + 10);
		});
	}

	/// The buyer of an evicted cover gets back the premium of the blocks it no longer covers;
	/// the pool's lock goes, and the new cover's quote counts both.
	#[test]
	fn an_evicted_buyer_gets_its_unused_premium_back() {
		ExtBuilder::build_and_execute(|| {
			let small = cover(100);
			let premium = Covers::<Runtime>::get(small).unwrap().premium;
			let other = NextCoverId::<Runtime>::get();
			assert_ok!(Insurance::buy_cover(signed(NOBODY), POOL, OPERATOR, SERVICE, 200, PERIOD));
			// 40 of the small cover's 100 blocks have passed.
			run_to_block(42);
			let quoted = Insurance::quote(POOL, &OPERATOR, SERVICE, 1_000, PERIOD).unwrap();
			let before = (free(BUYER), pool().capital);
			let big = NextCoverId::<Runtime>::get();
			assert_ok!(Insurance::buy_cover(
				signed(STAKER),
				POOL,
				OPERATOR,
				SERVICE,
				1_000,
				PERIOD
			));
			// The pool earned 41 of its 100 blocks' premium (rounded down); the rest goes back.
			let refund = premium - premium * 41 / 100;
			assert!(refund > 0);
			assert!(events().contains(&Event::CoverEvicted { cover: small, by: big, refund }));
			assert_eq!(free(BUYER) - before.0, refund);
			assert_eq!(Covers::<Runtime>::get(big).unwrap().premium, quoted);
			let earned = premium * 41 / 100 + Covers::<Runtime>::get(other).unwrap().recognized;
			assert_eq!(pool().capital, before.1 + earned);
			assert_eq!(pool().locked, 200 + 1_000);
			assert_eq!(pool().refunded, refund);
			assert!(Covers::<Runtime>::contains_key(other));
		});
	}

	/// A cover that a waiting slash may claim is never evicted: the claim is paid.
	#[test]
	fn a_cover_with_a_waiting_claim_keeps_its_place() {
		ExtBuilder::build_and_execute(|| {
			let (a, b) = (cover(20), cover(30));
			run_to_block(2);
			let slash = request(SlashTier::Critical, 1);
			assert_eq!(
				Insurance::quote(POOL, &OPERATOR, SERVICE, 5_000, PERIOD),
				Err(Error::<Runtime>::TooManyCovers.into())
			);
			assert_noop!(
				Insurance::buy_cover(signed(STAKER), POOL, OPERATOR, SERVICE, 5_000, PERIOD),
				Error::<Runtime>::TooManyCovers
			);
			run_to_block(System::block_number() + WINDOW);
			assert!(events().contains(&Event::CoverPaid { cover: a, slash, amount: 10 }));
			assert!(events().contains(&Event::CoverPaid { cover: b, slash, amount: 20 }));
		});
	}

	/// A cover is not released while a slash requested during it waits, however late it
	/// executes: the claim is paid.
	#[test]
	fn a_late_execution_still_finds_its_cover() {
		ExtBuilder::build_and_execute(|| {
			let id = cover(500);
			// The cover's last block (it started in its sale's block, 1).
			run_to_block(PERIOD);
			let slash = request(SlashTier::Critical, 1);
			assert_ok!(Slashing::pause(RuntimeOrigin::root()));
			// Past the cover's end and grace, the cover stays while the request waits.
			run_to_block(2 + PERIOD + MAX_VETO_WINDOW + 5);
			assert_ok!(Insurance::release_covers(signed(NOBODY), POOL));
			assert!(Covers::<Runtime>::contains_key(id));
			assert_eq!(pool().locked, 500);
			assert_ok!(Slashing::resume(RuntimeOrigin::root()));
			run_to_block(System::block_number() + 1);
			assert!(events().contains(&Event::CoverPaid { cover: id, slash, amount: 490 }));
			// With nothing waiting, it is released.
			assert_ok!(Insurance::release_covers(signed(NOBODY), POOL));
			assert!(!Covers::<Runtime>::contains_key(id));
			assert_eq!(pool().locked, 0);
		});
	}
}

#[test]
fn release_covers_frees_capital_after_the_grace() {
	ExtBuilder::build_and_execute(|| {
		let id = cover(1_000);
		assert_noop!(Insurance::release_covers(signed(NOBODY), 3), Error::<Runtime>::UnknownPool);
		run_to_block(2 + PERIOD);
		assert_ok!(Insurance::release_covers(signed(NOBODY), POOL));
		assert!(Covers::<Runtime>::contains_key(id), "still within the grace");
		run_to_block(2 + PERIOD + MAX_VETO_WINDOW);
		assert_ok!(Insurance::release_covers(signed(NOBODY), POOL));
		assert!(!Covers::<Runtime>::contains_key(id));
		assert_eq!(pool().locked, 0);
		assert!(Insurance::covers_of(&OPERATOR, SERVICE).is_empty());
	});
}

#[test]
fn constants_are_consistent() {
	ExtBuilder::build().execute_with(|| {
		<Insurance as frame_support::traits::Hooks<u64>>::integrity_test();
		assert!(<Balances as Inspect<AccountId>>::minimum_balance() <= 10);
	});
}

mod migrations {
	use super::*;
	use crate::migrations::v1::{v0, MigrateToV1};
	use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

	/// Given requests of three epochs, one of them expired, stored the way version 0 kept them,
	/// when the migration runs, then each pool counts the unexpired requests per epoch exactly
	/// as the calls would have, the version is 1, and a second run changes nothing.
	#[test]
	fn v1_counts_leaving_shares_per_request_epoch() {
		ExtBuilder::build_and_execute(|| {
			// Given: STAKER and BUYER underwrite too; three requests in epochs 0, 3 and 4.
			assert_ok!(Insurance::deposit(signed(STAKER), POOL, 1_000));
			assert_ok!(Insurance::deposit(signed(BUYER), POOL, 2_000));
			assert_ok!(Insurance::request_withdraw(signed(UNDERWRITER), POOL, 700));
			run_to_block(3 * COOLDOWN + 1);
			assert_ok!(Insurance::request_withdraw(signed(STAKER), POOL, 300));
			run_to_block(4 * COOLDOWN + 1);
			assert_ok!(Insurance::request_withdraw(signed(BUYER), POOL, 500));
			let expected = pool();
			// UNDERWRITER's request (epoch 0) expired at block 30: only 300 and 500 leave.
			assert_eq!(expected.leaving.at(4), 800);
			v0::Pool::put_as_v0(POOL, expected.clone());
			StorageVersion::new(0).put::<Insurance>();

			// When
			MigrateToV1::<Runtime>::on_runtime_upgrade();

			// Then
			assert_eq!(pool(), expected);
			assert_eq!(Insurance::on_chain_storage_version(), StorageVersion::new(1));
			MigrateToV1::<Runtime>::on_runtime_upgrade();
			assert_eq!(pool(), expected);
			// The expired request is refused, the others execute when due.
			assert_noop!(
				Insurance::withdraw(signed(UNDERWRITER), POOL),
				Error::<Runtime>::WithdrawalExpired
			);
			run_to_block(5 * COOLDOWN + 1);
			assert_ok!(Insurance::withdraw(signed(BUYER), POOL));
		});
	}
}

/// `try_state` finds a broken invariant at the level that checks it, and only there.
mod try_state_levels {
	use super::*;

	#[test]
	fn deposits_are_checked_at_level_one_positions_at_level_two() {
		ExtBuilder::build_and_execute(|| {
			// Given the genesis pool and its underwriter.
			assert_ok!(Insurance::do_try_state(u8::MAX));

			// When the underwriter's position holds a share the pool does not count.
			Positions::<Runtime>::mutate(POOL, UNDERWRITER, |p| {
				p.as_mut().expect("the underwriter's position").shares += 1
			});
			// Then only the check over every position sees it.
			assert_ok!(Insurance::do_try_state(1));
			assert_eq!(
				Insurance::do_try_state(2),
				Err("pool shares differ from the positions'".into())
			);
			Positions::<Runtime>::mutate(POOL, UNDERWRITER, |p| {
				p.as_mut().expect("the underwriter's position").shares -= 1
			});

			// When the pool records a deposit its owner does not hold.
			Pools::<Runtime>::mutate(POOL, |p| p.as_mut().expect("the genesis pool").deposit += 1);
			// Then level 1 sees it, level 0 checks nothing.
			assert_eq!(Insurance::do_try_state(1), Err("held pool deposits differ".into()));
			assert_ok!(Insurance::do_try_state(0));
			Pools::<Runtime>::mutate(POOL, |p| p.as_mut().expect("the genesis pool").deposit -= 1);
		});
	}
}
