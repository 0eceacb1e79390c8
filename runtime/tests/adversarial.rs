//! An adversarial property test on the demo runtime: every pallet, the real `pallet-staking`,
//! nomination pools and delegated staking, driven through their calls and real blocks.
//!
//! Actors: Alice owns the oracle service and slashes for it; Dave and Eve operate; Bob and
//! Charlie delegate honestly; `FerdieStash` attacks with `EveStash` as its accomplice. It
//! bonds and restakes, owns a service Dave serves with a tiny allocation (so it can file requests of
//! its own against Dave), parks funds in service deposits and a nomination pool, moves its
//! free funds to its accomplice, unbonds and withdraws from staking, and delegates, undelegates and
//! claims at random moments around Alice's requests, rewards and Dave's deallocations. It also
//! underwrites the genesis insurance pool (deposits, withdrawal requests and withdrawals), buys
//! cover on the operators, and deposits into, redeems from and withdraws out of Eve's liquid
//! vault. A second attacker, `DaveStash`, starts out of staking with 500 UNIT restaked with Dave
//! and frozen in its account, parked in service deposits, its free funds given to the
//! accomplice: slashes of Dave then leave it owing, and it takes deposits back at random.
//! `BobStash` prepared its exits (a released vault redemption and an underwriter withdrawal
//! request past its cooldown) and tries them at random moments. Time passes in skipped blocks
//! and in whole eras (sessions ended in real blocks: elections, era rewards, unbonding), the
//! accomplice pays out Alice's era rewards when it likes, and the attacker donates to the vault.
//!
//! Each sequence starts from the same prepared state and runs 8 to 24 random steps. Checked:
//! 1. after every step, `try_state` of the restaking, slashing, insurance and liquid pallets;
//! 2. no delegation enters, and no withdrawal leaves, a pool while a slash of it waits;
//! 3. every request is sized on the stake there when it is made, and every executed slash
//!    takes its requested fraction of that stake, within three units of rounding, computed
//!    from the request's own record: each part (self-bond, pool) less only what other slashes
//!    of the operator executed since took from it, never from the other part; no request
//!    lapses while anything of that is left;
//! 4. after the sequence (its waiting slashes executed, its positions settled), no honest
//!    delegator ends with more or less than it started with plus what it claimed and the
//!    base-layer rewards paid to it, less its pro-rata share of the executed slashes (from its
//!    shares before each execution); the attackers and their accomplice together end with no
//!    more than that, what is still owed excepted (it stays frozen on their accounts);
//! 5. `Shortfall` equals what is owed, and is frozen (part of 1), and is reported;
//! 6. no underwriter capital enters or leaves an insurance pool while a claim on one of its
//!    covers waits, and no deposit enters or payout leaves the vault while a slash of its
//!    operator waits;
//! 7. no delegator claims more compensation than its pro-rata share of the slashes it bore;
//! 8. with 100 sequences or more: some sequence ended owing, and every insurance, cover, vault,
//!    payout and donation move (`MOVES`) succeeded somewhere, so none of the paths above went
//!    untested.
//!
//! `ADVERSARIAL_SEQUENCES` sets the number of sequences: 10,000 unless set, which the README's
//! test command runs in two shards, one per test thread (about 0.065 s a sequence in a debug
//! build, 5½ minutes on two cores). A failure prints its seed and steps, and
//! `ADVERSARIAL_SEED` replays one.

mod common;

use common::{account, new_test_ext, run_to_block, run_to_era};
use frame_support::traits::fungible::Inspect;
use pallet_slashing::{SlashPolicy, Slasher};
use restaking_primitives::{
	restaking::{RestakingInterface, SlashTier},
	slashing::SlashId,
};
use restaking_runtime::{
	currency::UNIT, AccountId, Balance, Balances, Restaking, Runtime, RuntimeCall, RuntimeEvent,
	RuntimeOrigin, Slashing, System,
};
use sp_core::H256;
use sp_keyring::Sr25519Keyring::{
	Alice, Bob, BobStash, Charlie, Dave, DaveStash, Eve, EveStash, FerdieStash,
};
use sp_runtime::{traits::Dispatchable, Perbill, Perquintill};
use std::collections::BTreeMap;

/// SplitMix64: small, fast and reproducible from a seed.
struct Rng(u64);

impl Rng {
	fn next(&mut self) -> u64 {
		self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
		let mut z = self.0;
		z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
		z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
		z ^ (z >> 31)
	}

	fn below(&mut self, n: u64) -> u64 {
		self.next() % n
	}

	fn percent(&mut self) -> u128 {
		u128::from(self.below(100)) + 1
	}

	fn pick<T: Clone>(&mut self, items: &[T]) -> T {
		items[self.below(items.len() as u64) as usize].clone()
	}
}

const ORACLE: u32 = 0;

struct World {
	alice: AccountId,
	dave: AccountId,
	eve: AccountId,
	honest: Vec<AccountId>,
	attacker: AccountId,
	accomplice: AccountId,
	/// A second attacker that left staking with restaked funds: its bond is withdrawn, its
	/// restaked 500 UNIT with Dave stay frozen in its account, it parked them in service
	/// deposits and gave its free funds to the accomplice. A slash of Dave can then collect
	/// little of its share at once: what it cannot collect is owed (a debt), frozen, and
	/// collected when a deposit comes back.
	deserter: AccountId,
	/// A holder that prepared its exits: a vault redemption ready to be paid and an
	/// underwriter withdrawal request past its cooldown. It tries to leave at random moments,
	/// above all while a slash or a claim waits.
	leaver: AccountId,
	/// The attacker's own service, served by Dave with a 1 % allocation.
	own_service: u32,
	/// The accomplice's nomination pool.
	pool: u32,
	/// Eve's liquid vault (Dave's, from genesis, is vault 0).
	vault: u32,
}

fn world() -> World {
	World {
		alice: account(Alice),
		dave: account(Dave),
		eve: account(Eve),
		honest: vec![account(Bob), account(Charlie)],
		attacker: account(FerdieStash),
		accomplice: account(EveStash),
		deserter: account(DaveStash),
		leaver: account(BobStash),
		own_service: 2,
		pool: 1,
		vault: 1,
	}
}

fn call(who: &AccountId, call: RuntimeCall) -> bool {
	call.dispatch(RuntimeOrigin::signed(who.clone())).is_ok()
}

fn must(who: &AccountId, call: RuntimeCall) {
	let what = format!("{call:?}");
	if let Err(e) = call.dispatch(RuntimeOrigin::signed(who.clone())) {
		panic!("{what} failed: {:?}", e.error);
	}
}

fn restaking(c: pallet_restaking::Call<Runtime>) -> RuntimeCall {
	RuntimeCall::Restaking(c)
}

/// The attacker bonds and nominates, registers its service with a policy, Dave serves it
/// with 1 %, and the accomplice opens a nomination pool.
fn prepare(w: &World) {
	run_to_block(1);
	must(
		&w.attacker,
		RuntimeCall::Staking(pallet_staking::Call::bond {
			value: 100_000 * UNIT,
			payee: pallet_staking::RewardDestination::Staked,
		}),
	);
	must(
		&w.attacker,
		RuntimeCall::Staking(pallet_staking::Call::nominate {
			targets: vec![sp_runtime::MultiAddress::Id(w.alice.clone())],
		}),
	);
	assert_eq!(pallet_restaking::NextServiceId::<Runtime>::get(), w.own_service);
	must(
		&w.attacker,
		restaking(pallet_restaking::Call::register_service {
			metadata: b"own".to_vec(),
			min_operator_stake: 0,
			max_operators: 8,
			requires_approval: false,
			risk_profile: None,
		}),
	);
	let pct = Perbill::from_percent;
	must(
		&w.attacker,
		RuntimeCall::Slashing(pallet_slashing::Call::set_policy {
			service: w.own_service,
			policy: SlashPolicy {
				slasher: Slasher::Account(w.attacker.clone()),
				minor: pct(1),
				major: pct(5),
				critical: pct(10),
				max_per_incident: pct(10),
				veto_window: 20,
			},
		}),
	);
	// Dave frees 1 % of his stake (he serves the oracle and the bridge with half each).
	must(
		&w.dave,
		restaking(pallet_restaking::Call::allocate {
			service: 1,
			magnitude: Perquintill::from_percent(49),
		}),
	);
	run_to_block(
		System::block_number() + <Runtime as pallet_restaking::Config>::DeallocationDelay::get(),
	);
	must(&w.dave, restaking(pallet_restaking::Call::opt_in { service: w.own_service }));
	must(
		&w.dave,
		restaking(pallet_restaking::Call::allocate {
			service: w.own_service,
			magnitude: Perquintill::from_percent(1),
		}),
	);
	must(
		&w.accomplice,
		RuntimeCall::NominationPools(pallet_nomination_pools::Call::create {
			amount: 1_000 * UNIT,
			root: w.accomplice.clone().into(),
			nominator: w.accomplice.clone().into(),
			bouncer: w.accomplice.clone().into(),
		}),
	);
	assert_eq!(pallet_nomination_pools::LastPoolId::<Runtime>::get(), w.pool);
	must(
		&w.eve,
		RuntimeCall::LiquidRestaking(pallet_liquid_restaking::Call::create_vault {
			operator: w.eve.clone(),
		}),
	);
	assert_eq!(pallet_liquid_restaking::NextVaultId::<Runtime>::get(), w.vault + 1);
	// The leaver enters the vault and redeems a twentieth at once (within the era's cap).
	let vault = |c| RuntimeCall::LiquidRestaking(c);
	must(
		&w.leaver,
		vault(pallet_liquid_restaking::Call::deposit {
			vault: w.vault,
			amount: 1_000 * UNIT,
			min_tokens: 0,
		}),
	);
	let asset = pallet_liquid_restaking::Pallet::<Runtime>::asset_of(w.vault);
	let tokens = restaking_runtime::Assets::balance(asset, &w.leaver) / 20;
	must(
		&w.leaver,
		vault(pallet_liquid_restaking::Call::redeem { vault: w.vault, tokens, min_value: 0 }),
	);
	run_to_block(
		System::block_number() + <Runtime as pallet_restaking::Config>::AllocationDelay::get(),
	);
	// Eras pass here: the leaver's redemption unbonds meanwhile.
	desert(w);
	// The leaver underwrites the genesis pool and asks to leave; the cooldown passes.
	let insurance = |c| RuntimeCall::Insurance(c);
	must(&w.leaver, insurance(pallet_insurance::Call::deposit { pool: 0, amount: 1_000 * UNIT }));
	let shares = pallet_insurance::Positions::<Runtime>::get(0, &w.leaver).map_or(0, |p| p.shares);
	must(&w.leaver, insurance(pallet_insurance::Call::request_withdraw { pool: 0, shares }));
	run_to_block(
		System::block_number() + <Runtime as pallet_insurance::Config>::UnderwriterCooldown::get(),
	);
	check_pallets().expect("the prepared state is sound");
}

/// The deserter bonds 1,000 UNIT, restakes 500 with Dave, leaves staking (chill, unbond all,
/// wait the bonding duration, withdraw), parks its frozen funds in five service deposits and
/// gives its free funds to the accomplice.
fn desert(w: &World) {
	let who = &w.deserter;
	let staking = |c| RuntimeCall::Staking(c);
	must(
		who,
		staking(pallet_staking::Call::bond {
			value: 1_000 * UNIT,
			payee: pallet_staking::RewardDestination::Staked,
		}),
	);
	must(
		who,
		staking(pallet_staking::Call::nominate {
			targets: vec![sp_runtime::MultiAddress::Id(w.alice.clone())],
		}),
	);
	must(
		who,
		restaking(pallet_restaking::Call::delegate {
			operator: w.dave.clone(),
			amount: 500 * UNIT,
		}),
	);
	must(who, staking(pallet_staking::Call::chill {}));
	must(who, staking(pallet_staking::Call::unbond { value: 1_000 * UNIT }));
	let era = pallet_staking::ActiveEra::<Runtime>::get().map_or(0, |e| e.index);
	run_to_era(era + restaking_runtime::time::BONDING_DURATION + 1);
	must(who, staking(pallet_staking::Call::withdraw_unbonded { num_slashing_spans: 0 }));
	assert!(pallet_staking::Ledger::<Runtime>::get(who).is_none(), "the deserter left staking");
	for _ in 0..5 {
		must(
			who,
			restaking(pallet_restaking::Call::register_service {
				metadata: b"park".to_vec(),
				min_operator_stake: 0,
				max_operators: 1,
				requires_approval: true,
				risk_profile: None,
			}),
		);
	}
	let free = <Balances as frame_support::traits::fungible::Inspect<AccountId>>::reducible_balance(
		who,
		frame_support::traits::tokens::Preservation::Preserve,
		frame_support::traits::tokens::Fortitude::Polite,
	);
	must(
		who,
		RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
			dest: w.accomplice.clone().into(),
			value: free,
		}),
	);
}

/// The deserter's parked services still registered.
fn deserter_services(w: &World) -> Vec<u32> {
	pallet_restaking::Services::<Runtime>::iter()
		.filter(|(_, s)| s.owner == w.deserter)
		.map(|(id, _)| id)
		.collect()
}

fn check_pallets() -> Result<(), String> {
	Restaking::do_try_state(u8::MAX).map_err(|e| format!("restaking: {e:?}"))?;
	Slashing::do_try_state(u8::MAX).map_err(|e| format!("slashing: {e:?}"))?;
	restaking_runtime::Insurance::do_try_state(u8::MAX).map_err(|e| format!("insurance: {e:?}"))?;
	restaking_runtime::LiquidRestaking::do_try_state(u8::MAX)
		.map_err(|e| format!("liquid: {e:?}"))?;
	Ok(())
}

/// Shares of `who` in its pool (active and withdrawing) and the pool's operator and shares.
fn shares_of(who: &AccountId) -> Option<(AccountId, Balance, Balance)> {
	let ledger = pallet_restaking::Stakers::<Runtime>::get(who)?;
	let pool = pallet_restaking::Operators::<Runtime>::get(&ledger.operator)?;
	let withdrawing: Balance = ledger.withdrawals.iter().map(|w| w.shares).sum();
	Some((ledger.operator, ledger.shares + withdrawing, pool.total_shares))
}

/// What `who` still owes: debts and losses not yet realized.
fn owed(who: &AccountId) -> Balance {
	let closed = pallet_restaking::Debts::<Runtime>::get(who).map_or(0, |d| d.amount);
	let open = pallet_restaking::Stakers::<Runtime>::get(who).map_or(0, |ledger| {
		let pool = pallet_restaking::Operators::<Runtime>::get(&ledger.operator)
			.expect("a staker's operator exists");
		ledger.debt + ledger.pending_loss(&pool)
	});
	closed + open
}

/// Everything `who` holds: free, held and frozen funds alike.
fn wealth(who: &AccountId) -> Balance {
	Balances::total_balance(who)
}

#[derive(Default)]
struct Tally {
	/// Per account: restaking rewards and compensation claimed, and base-layer rewards paid.
	claimed: BTreeMap<AccountId, Balance>,
	/// Per tracked staker: compensation claimed.
	compensated: BTreeMap<AccountId, Balance>,
	/// Per tracked staker: its pro-rata share of executed pool slashes.
	imposed: BTreeMap<AccountId, Balance>,
	/// Requests as they were made.
	requests: BTreeMap<SlashId, pallet_slashing::RequestOf<Runtime>>,
	/// Per request not executed yet: what other slashes of its operator executed since it was
	/// made took from the self-bond and from the pool. A request's parts can shrink by no
	/// more than that.
	taken_since: BTreeMap<SlashId, (Balance, Balance)>,
	/// A broken invariant a step found (reported after it).
	broken: Option<String>,
	executed: u32,
	evidence: u64,
	/// Blocks the last step asks to produce.
	advance: u32,
	/// Sessions the last step asks to end (each in one block at the session's boundary).
	sessions: u32,
	parked: Vec<u32>,
}

/// What a step may change and the checks need to know before it.
struct Before {
	pending: BTreeMap<AccountId, u32>,
	/// Per waiting request: what its pair can slash now, of the self-bond and of the pool.
	slashable: BTreeMap<SlashId, (Balance, Balance)>,
	shares: Vec<(AccountId, AccountId, Balance, Balance)>,
	/// Insurance pools a claim on whose covers waits.
	claims_waiting: Vec<u32>,
}

fn before(w: &World, tracked: &[AccountId]) -> Before {
	let pending = [w.dave.clone(), w.eve.clone()]
		.into_iter()
		.map(|op| (op.clone(), pallet_slashing::PendingOf::<Runtime>::get(&op)))
		.collect();
	let slashable = pallet_slashing::Requests::<Runtime>::iter()
		.map(|(id, r)| (id, Restaking::slashable_stake(&r.operator, r.service).unwrap_or_default()))
		.collect();
	let shares = tracked
		.iter()
		.filter_map(|who| shares_of(who).map(|(op, s, total)| (who.clone(), op, s, total)))
		.collect();
	let claims_waiting = pallet_insurance::Pools::<Runtime>::iter_keys()
		.filter(|pool| restaking_runtime::Insurance::pool_claim_waits(*pool))
		.collect();
	Before { pending, slashable, shares, claims_waiting }
}

/// Check what the step's events say against the state before it, and tally claims and slashes.
fn after(w: &World, b: &Before, tally: &mut Tally) -> Result<(), String> {
	if let Some(broken) = tally.broken.take() {
		return Err(broken);
	}
	let vault_frozen = b.pending.get(&w.eve).copied().unwrap_or(0) > 0;
	for record in System::events() {
		match record.event {
			RuntimeEvent::Insurance(
				pallet_insurance::Event::Deposited { pool, .. }
				| pallet_insurance::Event::Withdrawn { pool, .. },
			) if b.claims_waiting.contains(&pool) => {
				return Err(format!("capital moved in pool {pool} while a claim on it waited"))
			},
			RuntimeEvent::LiquidRestaking(
				pallet_liquid_restaking::Event::Deposited { vault, .. }
				| pallet_liquid_restaking::Event::Withdrawn { vault, .. },
			) if vault_frozen => {
				return Err(format!("value moved in vault {vault} while a slash of Eve waited"))
			},
			RuntimeEvent::Restaking(pallet_restaking::Event::Delegated { operator, .. })
				if b.pending.get(&operator).copied().unwrap_or(0) > 0 =>
			{
				return Err(format!("a delegation entered {operator:?} while a slash waited"))
			},
			RuntimeEvent::Restaking(pallet_restaking::Event::Withdrawn { operator, .. })
				if b.pending.get(&operator).copied().unwrap_or(0) > 0 =>
			{
				return Err(format!("a withdrawal left {operator:?} while a slash waited"))
			},
			RuntimeEvent::Restaking(pallet_restaking::Event::Claimed {
				staker,
				rewards,
				compensation,
			}) => {
				*tally.claimed.entry(staker.clone()).or_default() += rewards + compensation;
				*tally.compensated.entry(staker).or_default() += compensation;
			},
			RuntimeEvent::Staking(pallet_staking::Event::Rewarded { stash, amount, .. }) => {
				// Base-layer rewards of a payout (bonded or paid to the stash).
				*tally.claimed.entry(stash).or_default() += amount;
			},
			RuntimeEvent::Slashing(pallet_slashing::Event::SlashExecuted { id, .. }) => {
				let record = pallet_slashing::Records::<Runtime>::get(id)
					.ok_or(format!("slash {id} executed without a record"))?;
				let request =
					tally.requests.get(&id).ok_or(format!("slash {id} was never requested"))?;
				let asked = request.fraction.mul_floor(request.slashable);
				let (sb, pv) = b.slashable.get(&id).copied().unwrap_or_default();
				let due = due(request, tally.taken_since.remove(&id).unwrap_or_default());
				let least = due.saturating_sub(2);
				// Each of the two parts is rounded up, against the slashed.
				if record.amount < least || record.amount > asked + 3 {
					return Err(format!(
						"slash {id} took {} of {asked} asked, {due} due ({} there before the \
						 step): {record:?}",
						record.amount,
						sb + pv
					));
				}
				// What it took, later requests of the same operator may find gone.
				for (other, took) in &mut tally.taken_since {
					if tally.requests.get(other).is_some_and(|r| r.operator == record.operator) {
						took.0 += record.from_self_bond;
						took.1 += record.from_pool;
					}
				}
				tally.executed += 1;
				for (who, op, shares, total) in &b.shares {
					if *op == record.operator && *total > 0 {
						let part = sp_runtime::helpers_128bit::multiply_by_rational_with_rounding(
							record.from_pool,
							*shares,
							*total,
							sp_runtime::Rounding::Down,
						)
						.unwrap_or(0);
						*tally.imposed.entry(who.clone()).or_default() += part;
					}
				}
			},
			RuntimeEvent::Slashing(pallet_slashing::Event::SlashLapsed { id, reason }) => {
				// Nothing in these sequences vetoes or softens a policy: a request may lapse
				// only when earlier slashes left nothing of what it is due.
				let request =
					tally.requests.get(&id).ok_or(format!("slash {id} was never requested"))?;
				let due = due(request, tally.taken_since.remove(&id).unwrap_or_default());
				if due > 2 {
					return Err(format!("slash {id} lapsed ({reason:?}) with {due} due"));
				}
			},
			_ => {},
		}
	}
	Ok(())
}

/// What an executing `request` must take at least (less rounding): its fraction of each part
/// of the stake at the request, each part less what other slashes of the operator took from it
/// since (`taken`), and never from the other part (the tier's split): the self-bond alone for
/// `Minor`, the self-bond first for `Major`, each part its fraction for `Critical`. This is
/// computed from the request's own record, not from the stake at execution, so no shrink of
/// the stake between the two (a matured deallocation, an exit) can lower it.
fn due(request: &pallet_slashing::RequestOf<Runtime>, taken: (Balance, Balance)) -> Balance {
	let asked = request.fraction.mul_floor(request.slashable);
	let (sb0, pv0) = (request.slashable_self_bond, request.slashable - request.slashable_self_bond);
	let (sb, pv) = (sb0.saturating_sub(taken.0), pv0.saturating_sub(taken.1));
	match request.tier {
		SlashTier::Minor => asked.min(sb),
		SlashTier::Major => asked.min(sb0).min(sb) + (asked - asked.min(sb0)).min(pv),
		SlashTier::Critical => {
			request.fraction.mul_floor(sb0).min(sb) + request.fraction.mul_floor(pv0).min(pv)
		},
	}
}

/// One random step; returns what it did.
fn step(w: &World, rng: &mut Rng, tally: &mut Tally) -> String {
	let stakers =
		[w.attacker.clone(), w.honest[0].clone(), w.honest[1].clone(), w.deserter.clone()];
	let operators = [w.dave.clone(), w.eve.clone()];
	match rng.below(20) {
		0 | 1 if rng.below(3) == 0 => {
			// One to five eras pass: each session ends in a block produced at its boundary
			// (elections, era rewards, staking's unbonding and deferred slashes run there).
			let eras = 1 + rng.below(5) as u32;
			tally.sessions = eras * restaking_runtime::time::SESSIONS_PER_ERA;
			format!("{eras} eras pass")
		},
		0 | 1 => {
			// Time passes: up to 24 empty blocks, then one produced by the caller (each block
			// resets the events). Requests due meanwhile execute in its `on_idle`, as after a
			// run of full blocks.
			let skipped = rng.below(25) as u32;
			System::set_block_number(System::block_number() + skipped);
			tally.advance = 1;
			format!("skip {skipped} blocks")
		},
		2 | 3 => {
			let who = rng.pick(&stakers);
			let operator = rng.pick(&operators);
			let amount = rng.percent() * 200 * UNIT;
			let ok = call(&who, restaking(pallet_restaking::Call::delegate { operator, amount }));
			format!("delegate {amount} by {who:?}: {ok}")
		},
		4 => {
			let who = rng.pick(&stakers);
			let amount = rng.percent() * 200 * UNIT;
			let ok = call(&who, restaking(pallet_restaking::Call::undelegate { amount }));
			format!("undelegate {amount} by {who:?}: {ok}")
		},
		5 => {
			let who = rng.pick(&stakers);
			let ok = call(&who, restaking(pallet_restaking::Call::withdraw_unbonded {}));
			format!("withdraw by {who:?}: {ok}")
		},
		6 => {
			let who = rng.pick(&stakers);
			let ok = call(&who, restaking(pallet_restaking::Call::claim {}));
			format!("claim by {who:?}: {ok}")
		},
		7 => {
			let who = rng.pick(&stakers);
			let ok = call(&w.accomplice, restaking(pallet_restaking::Call::settle { staker: who }));
			format!("settle: {ok}")
		},
		8 => {
			// Park funds in a hold the loss cannot be collected from.
			let id = pallet_restaking::NextServiceId::<Runtime>::get();
			let ok = call(
				&w.attacker,
				restaking(pallet_restaking::Call::register_service {
					metadata: b"park".to_vec(),
					min_operator_stake: 0,
					max_operators: 1,
					requires_approval: true,
					risk_profile: None,
				}),
			);
			if ok {
				tally.parked.push(id);
			}
			format!("park in service {id}: {ok}")
		},
		9 if rng.below(2) == 0 => {
			// The deserter takes a deposit back: what it owes is collected from it.
			let Some(id) = deserter_services(w).first().copied() else {
				return "deserter unpark: nothing".into();
			};
			let ok = call(
				&w.deserter,
				restaking(pallet_restaking::Call::retire_service { service: id }),
			);
			format!("deserter unparks service {id}: {ok}")
		},
		9 => {
			let Some(id) = tally.parked.pop() else { return "unpark: nothing".into() };
			let ok = call(
				&w.attacker,
				restaking(pallet_restaking::Call::retire_service { service: id }),
			);
			format!("unpark service {id}: {ok}")
		},
		10 => {
			// Join the accomplice's nomination pool, or move free funds to the accomplice.
			if rng.below(2) == 0 {
				let amount = rng.percent() * 100 * UNIT;
				let ok = call(
					&w.attacker,
					RuntimeCall::NominationPools(pallet_nomination_pools::Call::join {
						amount,
						pool_id: w.pool,
					}),
				);
				format!("pool join {amount}: {ok}")
			} else {
				let amount = rng.percent() * 500 * UNIT;
				let ok = call(
					&w.attacker,
					RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
						dest: w.accomplice.clone().into(),
						value: amount,
					}),
				);
				format!("transfer {amount} to the accomplice: {ok}")
			}
		},
		11 => {
			let who = rng.pick(&stakers);
			if rng.below(2) == 0 {
				let value = rng.percent() * 1_000 * UNIT;
				let ok = call(&who, RuntimeCall::Staking(pallet_staking::Call::unbond { value }));
				format!("staking unbond {value} by {who:?}: {ok}")
			} else {
				let ok = call(
					&who,
					RuntimeCall::Staking(pallet_staking::Call::withdraw_unbonded {
						num_slashing_spans: 0,
					}),
				);
				format!("staking withdraw by {who:?}: {ok}")
			}
		},
		12 | 13 => {
			// A request: Alice's on the oracle against Dave or Eve, or the attacker's own
			// against Dave.
			let tier = rng.pick(&[SlashTier::Minor, SlashTier::Major, SlashTier::Critical]);
			let (slasher, service, operator) = if rng.below(3) == 0 {
				(w.attacker.clone(), w.own_service, w.dave.clone())
			} else {
				(w.alice.clone(), ORACLE, rng.pick(&operators))
			};
			tally.evidence += 1;
			let id = pallet_slashing::NextSlashId::<Runtime>::get();
			let there = Restaking::slashable_stake(&operator, service);
			let ok = call(
				&slasher,
				RuntimeCall::Slashing(pallet_slashing::Call::request_slash {
					service,
					operator: operator.clone(),
					tier,
					evidence: H256::from_low_u64_be(tally.evidence),
				}),
			);
			if let Some(request) = pallet_slashing::Requests::<Runtime>::get(id) {
				// The request is sized on the stake there when it was made.
				let parts = (request.slashable_self_bond, request.slashable);
				if there.map(|(sb, pv)| (sb, sb + pv)) != Some(parts) {
					tally.broken =
						Some(format!("request {id} sized on {parts:?}, not on {there:?}"));
				}
				tally.requests.insert(id, request);
				tally.taken_since.insert(id, (0, 0));
			}
			format!("request {tier:?} on {service} against {operator:?}: {ok}")
		},
		14 => {
			let service = rng.pick(&[ORACLE, 1, w.own_service]);
			let magnitude = Perquintill::from_percent(rng.below(101));
			let ok =
				call(&w.dave, restaking(pallet_restaking::Call::allocate { service, magnitude }));
			format!("Dave allocates {magnitude:?} to {service}: {ok}")
		},
		15 if rng.below(3) == 0 => {
			// Base-layer rewards of the last era of Alice, the validator Bob, Charlie and the
			// attacker nominate: paid out by the accomplice, at a moment of its choice.
			let era = pallet_staking::ActiveEra::<Runtime>::get().map_or(0, |e| e.index);
			let ok = call(
				&w.accomplice,
				RuntimeCall::Staking(pallet_staking::Call::payout_stakers {
					validator_stash: w.alice.clone(),
					era: era.saturating_sub(1),
				}),
			);
			format!("payout of era {}: {ok}", era.saturating_sub(1))
		},
		15 if rng.below(2) == 0 => {
			// A donation to the vault's account.
			let value = rng.percent() * UNIT;
			let vault = pallet_liquid_restaking::Pallet::<Runtime>::vault_account(w.vault);
			let ok = call(
				&w.attacker,
				RuntimeCall::Balances(pallet_balances::Call::transfer_keep_alive {
					dest: vault.into(),
					value,
				}),
			);
			format!("donation of {value} to the vault: {ok}")
		},
		15 => {
			let operator = rng.pick(&operators);
			let amount = rng.percent() * 10 * UNIT;
			let ok = call(
				&w.alice,
				restaking(pallet_restaking::Call::pay_rewards {
					service: ORACLE,
					operator,
					amount,
				}),
			);
			format!("rewards {amount}: {ok}")
		},
		16 if rng.below(4) == 0 => {
			let ok = call(
				&w.leaver,
				RuntimeCall::Insurance(pallet_insurance::Call::withdraw { pool: 0 }),
			);
			format!("insurance withdraw by the leaver: {ok}")
		},
		16 => {
			// Underwrite the genesis pool, ask to leave it, or leave it.
			let call_ = match rng.below(3) {
				0 => {
					pallet_insurance::Call::deposit { pool: 0, amount: rng.percent() * 100 * UNIT }
				},
				1 => {
					let held = pallet_insurance::Positions::<Runtime>::get(0, &w.attacker)
						.map_or(0, |p| p.shares);
					let shares = (held * rng.percent() / 100).max(1);
					pallet_insurance::Call::request_withdraw { pool: 0, shares }
				},
				_ => pallet_insurance::Call::withdraw { pool: 0 },
			};
			// `Call::deposit { .. }` logged as `deposit { .. }`.
			let what = format!("{call_:?}").replacen("Call::", "", 1);
			let ok = call(&w.attacker, RuntimeCall::Insurance(call_));
			format!("insurance {what} by the attacker: {ok}")
		},
		17 => {
			let operator = rng.pick(&operators);
			let amount = rng.percent() * 20 * UNIT;
			let period = 10 + rng.below(100) as u32;
			let ok = call(
				&w.attacker,
				RuntimeCall::Insurance(pallet_insurance::Call::buy_cover {
					pool: 0,
					operator: operator.clone(),
					service: ORACLE,
					amount,
					period,
				}),
			);
			format!("cover {amount} on {operator:?} for {period} blocks: {ok}")
		},
		18 if rng.below(4) == 0 => {
			let owner = w.leaver.clone();
			let Some(id) =
				pallet_liquid_restaking::Redemptions::<Runtime>::iter_key_prefix((&owner, w.vault))
					.next()
			else {
				return "vault withdraw by the leaver: nothing".into();
			};
			let ok = call(
				&w.accomplice,
				RuntimeCall::LiquidRestaking(pallet_liquid_restaking::Call::withdraw {
					vault: w.vault,
					owner,
					id,
				}),
			);
			format!("vault withdraw by the leaver: {ok}")
		},
		18 => {
			// Into and out of Eve's vault.
			let vault = w.vault;
			let asset = pallet_liquid_restaking::Pallet::<Runtime>::asset_of(vault);
			let call_ = match rng.below(3) {
				0 => pallet_liquid_restaking::Call::deposit {
					vault,
					amount: rng.percent() * 100 * UNIT,
					min_tokens: 0,
				},
				1 => {
					let held = restaking_runtime::Assets::balance(asset, &w.attacker);
					let tokens = (held * rng.percent() / 100).max(1);
					pallet_liquid_restaking::Call::redeem { vault, tokens, min_value: 0 }
				},
				_ => {
					let Some(id) =
						pallet_liquid_restaking::Redemptions::<Runtime>::iter_key_prefix((
							&w.attacker,
							vault,
						))
						.next()
					else {
						return "vault withdraw: nothing".into();
					};
					pallet_liquid_restaking::Call::withdraw { vault, owner: w.attacker.clone(), id }
				},
			};
			// `Call::deposit { .. }` logged as `deposit { .. }`.
			let what = format!("{call_:?}").replacen("Call::", "", 1);
			let ok = call(&w.attacker, RuntimeCall::LiquidRestaking(call_));
			format!("vault {what}: {ok}")
		},
		_ => {
			let due: Vec<SlashId> = pallet_slashing::Requests::<Runtime>::iter_keys().collect();
			let Some(id) = due.first().copied() else { return "execute: nothing".into() };
			let ok = call(
				&w.accomplice,
				RuntimeCall::Slashing(pallet_slashing::Call::execute_slash { id }),
			);
			format!("execute {id}: {ok}")
		},
	}
}

/// Run one sequence; `Err` names the broken invariant.
fn sequence(w: &World, seed: u64, log: &mut Vec<String>) -> Result<Balance, String> {
	let mut rng = Rng(seed);
	let mut tally = Tally::default();
	let tracked =
		[w.attacker.clone(), w.honest[0].clone(), w.honest[1].clone(), w.deserter.clone()];
	let start: BTreeMap<AccountId, Balance> = tracked
		.iter()
		.chain([&w.accomplice])
		.map(|who| (who.clone(), wealth(who)))
		.collect();
	let steps = 8 + rng.below(17);
	let mut run = |tally: &mut Tally, f: &mut dyn FnMut(&mut Tally) -> String| {
		let b = before(w, &tracked);
		let wealth_before: Vec<Balance> = tracked.iter().map(wealth).collect();
		System::reset_events();
		let mut what = f(tally);
		for (who, was) in tracked.iter().zip(wealth_before) {
			let now = wealth(who);
			if now != was {
				what.push_str(&format!(" [{who:?}: {was} -> {now}]"));
			}
		}
		// `ADVERSARIAL_EVENTS` logs every step's events, to follow a replayed seed.
		if std::env::var("ADVERSARIAL_EVENTS").is_ok() {
			for e in System::events() {
				what.push_str(&format!("\n      {:?}", e.event));
			}
		}
		log.push(what);
		after(w, &b, tally)?;
		check_pallets()
	};
	let mut produce = |_: &mut Tally| {
		let number = System::block_number() + 1;
		run_to_block(number);
		format!("  block {number}")
	};
	let mut next_session = |_: &mut Tally| {
		let period = restaking_runtime::time::SESSION_PERIOD;
		let boundary = (System::block_number() / period + 1) * period;
		System::set_block_number(boundary - 1);
		run_to_block(boundary);
		let era = pallet_staking::ActiveEra::<Runtime>::get().map_or(0, |e| e.index);
		format!("  block {boundary}, era {era}")
	};
	for _ in 0..steps {
		run(&mut tally, &mut |tally| step(w, &mut rng, tally))?;
		for _ in 0..core::mem::take(&mut tally.advance) {
			run(&mut tally, &mut produce)?;
		}
		for _ in 0..core::mem::take(&mut tally.sessions) {
			run(&mut tally, &mut next_session)?;
		}
	}
	// Let every waiting request come due and execute it, then settle every position.
	System::set_block_number(System::block_number() + 30);
	run(&mut tally, &mut produce)?;
	let waiting: Vec<SlashId> = pallet_slashing::Requests::<Runtime>::iter_keys().collect();
	for id in waiting {
		run(&mut tally, &mut |_| {
			let ok = call(
				&w.accomplice,
				RuntimeCall::Slashing(pallet_slashing::Call::execute_slash { id }),
			);
			format!("final execute {id}: {ok}")
		})?;
	}
	for who in &tracked {
		run(&mut tally, &mut |_| {
			let ok = call(
				&w.accomplice,
				restaking(pallet_restaking::Call::settle { staker: who.clone() }),
			);
			format!("final settle {who:?}: {ok}")
		})?;
	}

	// Tolerance: per executed slash, a unit of rounding in the pro-rata share and a unit in the
	// factor, and a unit per realization.
	let tolerance = 2 * Balance::from(tally.executed) + 2;
	let expected = |who: &AccountId| {
		start[who] + tally.claimed.get(who).copied().unwrap_or(0)
			- tally.imposed.get(who).copied().unwrap_or(0)
	};
	for who in &w.honest {
		let end = wealth(who) - owed(who);
		let honest = expected(who);
		if end + tolerance < honest || end > honest + tolerance {
			return Err(format!(
				"{who:?} ends with {end} (owing {}), expected {honest} ± {tolerance} (claimed {:?}, \
				 imposed {:?})",
				owed(who),
				tally.claimed.get(who),
				tally.imposed.get(who)
			));
		}
	}
	for who in &tracked {
		let compensated = tally.compensated.get(who).copied().unwrap_or(0);
		let bore = tally.imposed.get(who).copied().unwrap_or(0);
		if compensated > bore + tolerance {
			return Err(format!("{who:?} was compensated {compensated} for a loss of {bore}"));
		}
	}
	// Funds the attacker placed in the insurance pool or the vault are not counted: the bound
	// below holds without them.
	let group = wealth(&w.attacker) + wealth(&w.accomplice) + wealth(&w.deserter)
		- owed(&w.attacker)
		- owed(&w.deserter);
	let bound =
		expected(&w.attacker) + expected(&w.deserter) + expected(&w.accomplice) + 2 * tolerance;
	if group > bound {
		return Err(format!("the attackers and their accomplice end with {group}, above {bound}"));
	}
	Ok(pallet_restaking::Shortfall::<Runtime>::get())
}

/// The insurance, cover, vault and payout moves each sequence set must reach (successful
/// calls, by the start of their log line).
const MOVES: [&str; 9] = [
	"insurance deposit",
	"insurance request_withdraw",
	"insurance withdraw",
	"cover",
	"vault deposit",
	"vault redeem",
	"vault withdraw",
	"payout",
	"donation",
];

/// Run this shard's sequences: seeds `shard`, `shard + SHARDS`, … below
/// `ADVERSARIAL_SEQUENCES` (10,000 unless set), or only `ADVERSARIAL_SEED` (in shard 0).
fn run_shard(shard: u64) {
	let sequences: u64 = std::env::var("ADVERSARIAL_SEQUENCES")
		.ok()
		.and_then(|s| s.parse().ok())
		.unwrap_or(10_000);
	let seeds: Vec<u64> = match std::env::var("ADVERSARIAL_SEED").ok().and_then(|s| s.parse().ok())
	{
		Some(seed) if shard == 0 => vec![seed],
		Some(_) => return,
		None => (shard..sequences).step_by(SHARDS as usize).collect(),
	};
	let w = world();
	let mut ext = new_test_ext("development");
	ext.execute_with(|| prepare(&w));
	ext.commit_all().expect("the prepared state commits");

	let (mut executed, mut owing, mut steps) = (0u64, 0u64, 0usize);
	// Successful insurance, cover and vault moves, to show the sequences reach them.
	let mut moves: BTreeMap<&str, usize> = BTreeMap::new();
	for seed in &seeds {
		let mut log = Vec::new();
		let outcome = ext.execute_with(|| {
			let result = sequence(&w, *seed, &mut log);
			let slashes = pallet_slashing::Records::<Runtime>::iter().count() as u64;
			result.map(|shortfall| (shortfall, slashes))
		});
		ext.reset_overlay();
		match outcome {
			Ok((shortfall, slashes)) => {
				executed += slashes;
				owing += u64::from(shortfall > 0);
				steps += log.len();
				for line in &log {
					if let Some(kind) = MOVES.iter().find(|kind| line.starts_with(**kind)) {
						if line.contains(": true") {
							*moves.entry(kind).or_default() += 1;
						}
					}
				}
			},
			Err(broken) => panic!("seed {seed}: {broken}\nsteps:\n  {}", log.join("\n  ")),
		}
	}
	println!(
		"shard {shard}: {} sequences, {steps} steps, {executed} slash records, {owing} ending with \
		 a debt owed (frozen), successful moves {moves:?}: every invariant held",
		seeds.len()
	);
	assert!(executed > 0, "the sequences executed no slash");
	if seeds.len() >= 100 {
		assert!(owing > 0, "no sequence left a debt: the collection path went untested");
		for kind in MOVES {
			assert!(moves.get(kind).is_some_and(|n| *n > 0), "no {kind} move succeeded");
		}
	}
}

/// The sequences run in two shards, one per test thread, so both cores of a CI machine work.
const SHARDS: u64 = 2;

#[test]
fn no_sequence_of_calls_escapes_shrinks_or_shifts_a_slash_shard_0() {
	run_shard(0);
}

#[test]
fn no_sequence_of_calls_escapes_shrinks_or_shifts_a_slash_shard_1() {
	run_shard(1);
}
