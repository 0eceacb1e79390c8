// The whole restaking lifecycle on a live dev node through polkadot-js, with types from the
// chain's metadata only: a service and an operator register, stakers bonded in pallet-staking
// restake, the service pays rewards, an underwriter insures the delegators, two slashes are
// requested (the audit committee vetoes one through pallet-collective, the other executes), a
// base-layer slash spreads into restaking, a staker leaves, bad calls fail with the
// documented errors, and a liquid restaking vault takes a deposit whose token changes hands
// and is redeemed. Every step prints its figures; the figures must agree to the unit.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { Keyring } from '@polkadot/keyring';

import { startDevNode } from './lib/devnode.js';
import {
  PERCENT, UNIT, devAccounts, errorName, findEvent, hash32, step, submit, submitOk, waitForBlock,
} from './lib/chain.js';

const fmt = (planck) => `${Number(planck) / Number(UNIT)} UNIT`;

describe('restaking lifecycle on the dev chain', () => {
  let node;
  let api;
  const { alice, bob, dave, eve } = devAccounts();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  // Fresh actors: the dev accounts' stashes (endowed at genesis, not yet bonded).
  const owner = keyring.addFromUri('//Alice//stash');
  const operator = keyring.addFromUri('//Bob//stash');
  const stakers = [keyring.addFromUri('//Charlie//stash'), keyring.addFromUri('//Dave//stash')];
  const underwriter = keyring.addFromUri('//Eve//stash');
  const depositor = keyring.addFromUri('//Ferdie//stash');

  const SELF_BOND = 2_000n * UNIT;
  const BOND = 10_000n * UNIT;
  const DELEGATION = 5_000n * UNIT;
  const COVER = 2_000n * UNIT;
  const DEDUCTIBLE = 10n * UNIT;
  let service;
  let pool;
  let coverId;

  const bonded = async (who) => (await api.query.staking.ledger(who.address)).unwrap().total.toBigInt();
  const exposure = async (who) => (await api.call.restakingApi.stakerExposure(who.address)).unwrap();
  const head = async () => (await api.rpc.chain.getHeader()).number.toNumber();

  before(async () => {
    node = await startDevNode('lifecycle');
    api = node.api;
  });

  after(async () => {
    if (node) await node.stop();
  });

  it('1. a service, an operator and two stakers join', async () => {
    // Corrupting the sequencer takes a third of its stake and would pay 2,000 UNIT.
    const riskProfile = { profitFromCorruption: 2_000n * UNIT, corruptionThreshold: 33 * PERCENT };
    let events = await submitOk(api, api.tx.restaking.registerService('sequencer', 1_000n * UNIT, 8, false, riskProfile), owner);
    service = findEvent(events, 'restaking', 'ServiceRegistered').data.service.toNumber();
    const declared = findEvent(events, 'restaking', 'RiskProfileSet');
    assert.equal(declared.data.profitFromCorruption.toBigInt(), 2_000n * UNIT);
    assert.equal(declared.data.corruptionThreshold.toNumber(), 33 * PERCENT);
    await submitOk(api, api.tx.restaking.fundService(service, 10_000n * UNIT), owner);
    const policy = {
      slasher: { Account: owner.address },
      minor: PERCENT,
      major: 5 * PERCENT,
      critical: 10 * PERCENT,
      maxPerIncident: 10 * PERCENT,
      vetoWindow: 20,
    };
    events = await submitOk(api, api.tx.slashing.setPolicy(service, policy), owner);
    assert.ok(findEvent(events, 'slashing', 'PolicySet'));
    await submitOk(api, api.tx.restaking.registerOperator(SELF_BOND, 10 * PERCENT, 'bob-stash'), operator);
    await submitOk(api, api.tx.restaking.optIn(service), operator);
    for (const staker of stakers) {
      await submitOk(api, api.tx.staking.bond(BOND, 'Staked'), staker);
      await submitOk(api, api.tx.restaking.delegate(operator.address, DELEGATION), staker);
      assert.equal((await exposure(staker)).restaked.toBigInt(), DELEGATION);
    }
    step('joined', { service, selfBond: fmt(SELF_BOND), delegations: `2 × ${fmt(DELEGATION)}` });
  });

  it('2. the operator allocates; the service is secured after the delay', async () => {
    const events = await submitOk(api, api.tx.restaking.allocate(service, 10n ** 18n), operator);
    const at = findEvent(events, 'restaking', 'AllocationScheduled').data.effectiveAt.toNumber();
    await waitForBlock(api, at);
    const security = (await api.call.restakingApi.serviceSecurity(service)).unwrap();
    assert.ok(security.status.isActive, 'the service is active');
    assert.equal(security.totalSlashable.toBigInt(), SELF_BOND + 2n * DELEGATION);
    assert.equal(security.operators.length, 1);
    step('secured', { block: at, totalSlashable: fmt(security.totalSlashable.toBigInt()) });
  });

  it('3. the service pays rewards; stakers claim their share after commission', async () => {
    const amount = 1_200n * UNIT;
    const events = await submitOk(api, api.tx.restaking.payRewards(service, operator.address, amount), owner);
    const paid = findEvent(events, 'restaking', 'RewardsPaid').data;
    // 10 % commission, then the pool's share of the rest: 1,080 × 10,000 / 12,000 = 900.
    const commission = amount / 10n;
    const toPool = ((amount - commission) * 2n * DELEGATION) / (SELF_BOND + 2n * DELEGATION);
    assert.equal(paid.toPool.toBigInt(), toPool);
    assert.equal(paid.toOperator.toBigInt(), amount - toPool);
    for (const staker of stakers) {
      const claimed = findEvent(await submitOk(api, api.tx.restaking.claim(), staker), 'restaking', 'Claimed');
      assert.equal(claimed.data.rewards.toBigInt(), toPool / 2n);
    }
    step('rewards', { toOperator: fmt(amount - toPool), toPool: fmt(toPool), perStaker: fmt(toPool / 2n) });
  });

  it('4. an underwriter funds a pool; cover is bought for the delegators', async () => {
    let events = await submitOk(
      api,
      api.tx.insurance.createPool([service], { base: 100, slope: 900 }, DEDUCTIBLE),
      underwriter,
    );
    pool = findEvent(events, 'insurance', 'PoolCreated').data.pool.toNumber();
    await submitOk(api, api.tx.insurance.deposit(pool, 50_000n * UNIT), underwriter);
    const quote = await api.call.insuranceApi.insuranceQuote(pool, operator.address, service, COVER, 500);
    assert.ok(quote.isOk);
    events = await submitOk(api, api.tx.insurance.buyCover(pool, operator.address, service, COVER, 500), operator);
    const bought = findEvent(events, 'insurance', 'CoverBought').data;
    assert.equal(bought.premium.toBigInt(), quote.asOk.toBigInt());
    coverId = bought.cover.toBigInt();
    const state = (await api.call.insuranceApi.poolState(pool)).unwrap();
    assert.equal(state.locked.toBigInt(), COVER);
    step('insured', { pool, capital: fmt(state.capital.toBigInt()), cover: fmt(COVER), premium: `${bought.premium.toBigInt()} planck` });
  });

  it('5. two slashes: the committee vetoes one, the other executes and is paid out', async () => {
    // The cover covers slashes requested from its sale's block on.
    let events = await submitOk(
      api,
      api.tx.slashing.requestSlash(service, operator.address, 'Critical', hash32('01')),
      owner,
    );
    const executed = findEvent(events, 'slashing', 'SlashRequested').data;
    const due = executed.due.toNumber();
    events = await submitOk(
      api,
      api.tx.slashing.requestSlash(service, operator.address, 'Minor', hash32('02')),
      owner,
    );
    const vetoedId = findEvent(events, 'slashing', 'SlashRequested').data.id;
    assert.equal((await api.call.slashingApi.pendingSlashes()).length, 2);

    // Two thirds of the audit committee (Alice, Bob, Charlie) veto the minor slash.
    const veto = api.tx.slashing.veto(vetoedId);
    const length = veto.method.encodedLength;
    events = await submitOk(api, api.tx.auditCommittee.propose(2, veto, length), alice);
    const proposed = findEvent(events, 'auditCommittee', 'Proposed').data;
    const hash = proposed.proposalHash;
    const index = proposed.proposalIndex;
    await submitOk(api, api.tx.auditCommittee.vote(hash, index, true), alice);
    await submitOk(api, api.tx.auditCommittee.vote(hash, index, true), bob);
    events = await submitOk(
      api,
      api.tx.auditCommittee.close(hash, index, { refTime: 10_000_000_000n, proofSize: 1_000_000n }, length),
      bob,
    );
    assert.ok(findEvent(events, 'slashing', 'SlashVetoed'), 'the veto passed');

    // The critical slash executes in the first block after its window (on_idle).
    await waitForBlock(api, due + 1);
    const record = (await api.call.slashingApi.slashRecord(executed.id)).unwrap();
    // 10 % of 12,000 at the request, pro rata: 200 from the self-bond, 1,000 from the pool.
    const loss = (2n * DELEGATION) / 10n;
    assert.equal(record.fromSelfBond.toBigInt(), SELF_BOND / 10n);
    assert.equal(record.fromPool.toBigInt(), loss);

    // The stakers' losses reach their bonds in pallet-staking (idle sweep or settle).
    for (const staker of stakers) {
      if ((await exposure(staker)).pendingLoss.toBigInt() > 0n) {
        await submitOk(api, api.tx.restaking.settle(staker.address), dave);
      }
      assert.equal(await bonded(staker), BOND - loss / 2n);
    }
    // The cover paid min(cover, loss) − deductible, split per share.
    const payout = (loss < COVER ? loss : COVER) - DEDUCTIBLE;
    const state = (await api.call.insuranceApi.poolState(pool)).unwrap();
    assert.equal(state.paidOut.toBigInt(), payout);
    const covers = await api.call.insuranceApi.coversOf(operator.address, service);
    assert.equal(covers.find((c) => c.id.toBigInt() === coverId).remaining.toBigInt(), COVER - payout);
    for (const staker of stakers) {
      const view = await exposure(staker);
      assert.equal(view.restaked.toBigInt(), DELEGATION - loss / 2n);
      assert.equal(view.pendingCompensation.toBigInt(), payout / 2n);
    }
    step('slashed', {
      vetoed: `#${vetoedId}`,
      executed: `#${executed.id} at block ${record.at.toNumber()}`,
      fromSelfBond: fmt(record.fromSelfBond.toBigInt()),
      fromPool: fmt(loss),
      stakerBond: fmt(BOND - loss / 2n),
      payout: fmt(payout),
      perStaker: fmt(payout / 2n),
    });
  });

  it('6. a base-layer slash spreads into restaking', async () => {
    // Bob and Charlie nominate Alice and restake through Dave and Eve.
    const before = (await api.call.restakingApi.serviceSecurity(0)).unwrap().totalSlashable.toBigInt();
    while ((await api.query.staking.activeEra()).unwrap().index.toNumber() < 1) {
      await waitForBlock(api, (await head()) + 3);
    }
    const events = await submitOk(
      api,
      api.tx.sudo.sudo(api.tx.rootOffences.createOffence([[alice.address, 10 * PERCENT]], null, null)),
      alice,
    );
    assert.ok(findEvent(events, 'staking', 'Slashed'));
    const reduced = events.filter((e) => e.section === 'restaking' && e.method === 'SecurityReduced');
    assert.ok(reduced.length >= 2, 'services backed by Dave and Eve lost security');
    const after = (await api.call.restakingApi.serviceSecurity(0)).unwrap().totalSlashable.toBigInt();
    assert.ok(after < before);
    const report = await api.call.slashingApi.contagionReport(eve.address);
    assert.ok(report.securityDrops.length >= 1);
    step('contagion', {
      oracleSlashable: `${fmt(before)} → ${fmt(after)}`,
      securityReducedEvents: reduced.length,
      eveDrops: report.securityDrops.length,
    });
  });

  it('7. a staker undelegates and withdraws after the delay', async () => {
    const [leaver] = stakers;
    const value = (await exposure(leaver)).restaked.toBigInt();
    const events = await submitOk(api, api.tx.restaking.undelegate(value), leaver);
    const unlockAt = findEvent(events, 'restaking', 'UndelegationQueued').data.unlockAt.toNumber();
    const early = await submit(api, api.tx.restaking.withdrawUnbonded(), leaver);
    assert.equal(early.error, 'restaking.NothingToWithdraw');
    await waitForBlock(api, unlockAt);
    const done = await submitOk(api, api.tx.restaking.withdrawUnbonded(), leaver);
    assert.equal(findEvent(done, 'restaking', 'Withdrawn').data.amount.toBigInt(), value);
    const freezes = await api.query.balances.freezes(leaver.address);
    assert.equal(freezes.length, 0, 'the restaking freeze is gone');
    step('left', { withdrawn: fmt(value), unlockAt, early: early.error });
  });

  it('8. bad calls fail with the documented errors', async () => {
    const [, stayer] = stakers;
    const results = {
      veto: await submit(api, api.tx.slashing.veto(0), stayer),
      delegateMore: await submit(api, api.tx.restaking.delegateMore(1_000_000n * UNIT), stayer),
      requestSlash: await submit(api, api.tx.slashing.requestSlash(service, operator.address, 'Minor', hash32('03')), stayer),
      setPolicy: await submit(api, api.tx.slashing.setPolicy(service, {
        slasher: { Account: owner.address }, minor: 2 * PERCENT, major: 5 * PERCENT,
        critical: 10 * PERCENT, maxPerIncident: 10 * PERCENT, vetoWindow: 20,
      }), owner),
      buyCover: await submit(api, api.tx.insurance.buyCover(pool, operator.address, service, 1_000_000n * UNIT, 100), stayer),
    };
    assert.equal(results.veto.error, 'BadOrigin');
    assert.equal(results.delegateMore.error, 'restaking.ExceedsRestakeable');
    assert.equal(results.requestSlash.error, 'slashing.NotSlasher');
    assert.equal(results.setPolicy.error, 'slashing.PolicyHarsher');
    assert.equal(results.buyCover.error, 'insurance.InsufficientCapacity');
    const quote = await api.call.insuranceApi.insuranceQuote(pool, operator.address, service, COVER, 1);
    assert.equal(errorName(api, quote.asErr), 'insurance.InvalidPeriod');
    step('rejected', Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.error])));
  });

  it('9. a liquid vault: deposit, transfer the token, redeem', async () => {
    const [, stayer] = stakers;
    let events = await submitOk(api, api.tx.liquidRestaking.createVault(operator.address), operator);
    const created = findEvent(events, 'liquidRestaking', 'VaultCreated').data;
    const vault = created.vault.toNumber();
    const asset = created.asset.toNumber();
    const metadata = await api.query.assets.metadata(asset);
    assert.equal(metadata.symbol.toUtf8(), `LRV${vault}`);
    // Six decimals more than the currency: one token per unit at a wallet's scale.
    assert.equal(metadata.decimals.toNumber(), 18);

    const amount = 1_000n * UNIT;
    const OFFSET = 1_000_000n;
    let state = (await api.call.liquidRestakingApi.vaultState(vault)).unwrap();
    assert.equal(state.depositRate.unwrap().toString(), state.rate.toString());
    assert.equal(state.slashPending.isTrue, false);
    // A bound above what the rate gives fails and changes nothing.
    const greedy = await submit(
      api, api.tx.liquidRestaking.deposit(vault, amount, amount * OFFSET + 1n), depositor);
    assert.equal(greedy.error, 'liquidRestaking.RateMoved');
    events = await submitOk(
      api, api.tx.liquidRestaking.deposit(vault, amount, amount * OFFSET), depositor);
    const minted = findEvent(events, 'liquidRestaking', 'Deposited').data.tokens.toBigInt();
    assert.equal(minted, amount * OFFSET, 'an empty vault mints 10^6 token units per planck');
    state = (await api.call.liquidRestakingApi.vaultState(vault)).unwrap();
    assert.equal(state.value.toBigInt(), amount);
    assert.equal(state.supply.toBigInt(), minted);
    // The restake ratio (80 %) of the bond restakes through the operator (its pool's value per
    // share fell with step 5's slash, so the shares are worth up to a planck less).
    const restaked = state.restaked.toBigInt();
    assert.ok((amount * 8n) / 10n - restaked <= 1n, `restaked ${restaked}`);

    // The token is an ordinary asset: the depositor sends a tenth to a staker.
    const sent = minted / 10n;
    await submitOk(api, api.tx.assets.transfer(asset, stayer.address, sent), depositor);
    const held = (await api.query.assets.account(asset, stayer.address)).unwrap().balance.toBigInt();
    assert.equal(held, sent);
    const position = (await exposure(stayer)).vaults.find((v) => v.vault.toNumber() === vault);
    assert.equal(position.tokens.toBigInt(), sent);

    // The staker redeems them: within the per-era cap (10 % of the value), released at once,
    // payable after the bonding duration and the undelegation delay.
    events = await submitOk(api, api.tx.liquidRestaking.redeem(vault, sent, 0), stayer);
    const queued = findEvent(events, 'liquidRestaking', 'RedemptionQueued').data;
    const released = findEvent(events, 'liquidRestaking', 'RedemptionsReleased').data;
    assert.equal(released.shares.toBigInt(), sent);
    const early = await submit(api, api.tx.liquidRestaking.withdraw(vault, stayer.address, queued.id), stayer);
    assert.equal(early.error, 'liquidRestaking.NotUnlocked');
    state = (await api.call.liquidRestakingApi.vaultState(vault)).unwrap();
    assert.equal(state.supply.toBigInt(), minted - sent);
    assert.equal(state.redeeming.toBigInt(), queued.value.toBigInt());
    const tooMuch = await submit(api, api.tx.liquidRestaking.redeem(vault, minted, 0), depositor);
    assert.equal(tooMuch.error, 'liquidRestaking.InsufficientTokens');
    step('vault', {
      vault,
      token: `LRV${vault} (asset ${asset})`,
      deposited: fmt(amount),
      transferred: `${fmt(sent / OFFSET)} LRV`,
      redeemed: fmt(queued.value.toBigInt()),
      unlocks: `era ${released.unlockEra.toNumber()}, block ${released.unlockAt.toNumber()}`,
      early: early.error,
    });
  });
});
