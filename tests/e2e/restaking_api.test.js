// Restaking on the dev chain through polkadot-js: the genesis preset's services, operators and
// delegators read back through the runtime API (`api.call.restakingApi.*`, typed from the
// chain's metadata), a new delegation through an extrinsic, and bad calls failing with the
// pallet's documented errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startDevNode } from './lib/devnode.js';
import { PERCENT, UNIT, devAccounts, findEvent, step, submit, submitOk } from './lib/chain.js';

describe('restaking on the dev chain', () => {
  let node;
  let api;
  const { alice, bob, dave, eve, ferdie } = devAccounts();

  before(async () => {
    node = await startDevNode('restaking_api');
    api = node.api;
  });

  after(async () => {
    if (node) await node.stop();
  });

  it('shows the genesis services, operators and delegators', async () => {
    const exposure = (await api.call.restakingApi.stakerExposure(bob.address)).unwrap();
    assert.equal(exposure.operator.toString(), dave.address);
    assert.equal(exposure.restaked.toBigInt(), 20_000n * UNIT);
    assert.equal(exposure.services.length, 2);
    for (const service of exposure.services) {
      assert.equal(service.slashable.toBigInt(), 10_000n * UNIT);
    }

    const oracle = (await api.call.restakingApi.serviceSecurity(0)).unwrap();
    assert.equal(oracle.owner.toString(), alice.address);
    assert.equal(oracle.operators.length, 2);
    assert.equal(oracle.operators[0].operator.toString(), eve.address);
    assert.equal(oracle.nakamotoCoefficient.toNumber(), 1);
    assert.equal(oracle.totalSlashable.toBigInt(), (25_000n + 12_500n) * UNIT);

    const profile = (await api.call.restakingApi.operatorProfile(dave.address)).unwrap();
    assert.equal(profile.selfBond.toBigInt(), 5_000n * UNIT);
    assert.equal(profile.allocations.length, 2);

    const risk = await api.call.restakingApi.systemRisk();
    assert.equal(risk.totalRestaked.toBigInt(), 50_000n * UNIT);
    assert.equal(risk.contagion.length, 1);

    // Dave's vault, from genesis: empty, so the figures above are all of restaking.
    const vault = (await api.call.liquidRestakingApi.vaultState(0)).unwrap();
    assert.equal(vault.operator.toString(), dave.address);
    assert.equal(vault.supply.toBigInt(), 0n);
    assert.equal((await api.query.assets.metadata(0)).symbol.toUtf8(), 'LRV0');
    step('genesis restaking', {
      bobRestaked: `${exposure.restaked.toBigInt() / UNIT} UNIT`,
      oracleSlashable: `${oracle.totalSlashable.toBigInt() / UNIT} UNIT`,
      nakamoto: oracle.nakamotoCoefficient.toNumber(),
      totalRestaked: `${risk.totalRestaked.toBigInt() / UNIT} UNIT`,
    });
  });

  it('reports every service\'s cost of corruption and the certified overcollateralization', async () => {
    // Read with the metadata's types only: `securityReport(shock)` and `stressTest(shock, steps)`.
    const report = await api.call.restakingApi.securityReport(10 * PERCENT);
    const [oracle, bridge] = report.services;
    assert.equal(oracle.service.toNumber(), 0);
    assert.ok(oracle.declared.isTrue);
    assert.equal(oracle.stakeBehind.toBigInt(), 37_500n * UNIT);
    assert.equal(oracle.profitFromCorruption.toBigInt(), 1_000n * UNIT);
    assert.equal(oracle.maxSlash.toNumber(), 10 * PERCENT);
    assert.equal(oracle.costOfCorruption.toBigInt() / UNIT, 1_249n);
    assert.ok(oracle.secure.isTrue);
    assert.equal(bridge.costOfCorruption.toBigInt() / UNIT, 2_083n);
    assert.ok(bridge.secure.isFalse);
    assert.ok(report.overcollateralization.isNotCertified);
    assert.ok(report.cascadeBound.isNone);
    const stress = await api.call.restakingApi.stressTest({ Uniform: 333_333_333 }, 16);
    const fallen = stress.steps.flatMap((s) => s.services.map((id) => id.toNumber())).sort();
    assert.deepEqual(fallen, [0, 1]);
    // A third shocked away, plus what the attacks' slashes burn: about 39 % of all stake.
    assert.ok(stress.lost.toNumber() > 39 * PERCENT && stress.lost.toNumber() < 40 * PERCENT);
    // The runtime's overcollateralization floor, a constant in the metadata: γ = 1/5, reported.
    const floor = api.consts.restaking.minOvercollateralization.unwrap();
    assert.equal(floor.gamma.toBigInt(), 200_000_000_000_000_000n);
    assert.ok(floor.enforcement.isReport);
    step('security report', {
      oracleCost: `${oracle.costOfCorruption.toBigInt() / UNIT} UNIT`,
      bridgeCost: `${bridge.costOfCorruption.toBigInt() / UNIT} UNIT`,
      overcollateralization: report.overcollateralization.type,
      stressLost: `${stress.lost.toNumber() / PERCENT} %`,
    });
  });

  it('restakes bonded stake through an operator', async () => {
    // Ferdie bonds on the base layer, then restakes part of that bond through Eve.
    await submitOk(api, api.tx.staking.bond(5_000n * UNIT, 'Staked'), ferdie);
    const amount = 1_000n * UNIT;
    const events = await submitOk(api, api.tx.restaking.delegate(eve.address, amount), ferdie);
    const delegated = findEvent(events, 'restaking', 'Delegated');
    assert.ok(delegated, 'restaking.Delegated emitted');
    assert.equal(delegated.data.amount.toBigInt(), amount);
    const exposure = (await api.call.restakingApi.stakerExposure(ferdie.address)).unwrap();
    assert.equal(exposure.restaked.toBigInt(), amount);
    const freezes = await api.query.balances.freezes(ferdie.address);
    assert.equal(freezes[0].amount.toBigInt(), amount);
    step('delegated', { who: 'Ferdie', operator: 'Eve', amount: `${amount / UNIT} UNIT` });
  });

  it('rejects bad calls with documented module errors', async () => {
    const tooMuch = await submit(api, api.tx.restaking.delegateMore(1_000_000n * UNIT), ferdie);
    assert.equal(tooMuch.error, 'restaking.ExceedsRestakeable');
    const elsewhere = await submit(api, api.tx.restaking.delegate(dave.address, UNIT), ferdie);
    assert.equal(elsewhere.error, 'restaking.DelegatedElsewhere');
    const params = await api.query.restaking.activeParameters();
    const notRoot = await submit(api, api.tx.restaking.setParameters(params), ferdie);
    assert.equal(notRoot.error, 'BadOrigin');
    step('bad calls rejected', {
      delegateMore: tooMuch.error,
      delegate: elsewhere.error,
      setParameters: notRoot.error,
    });
  });
});
