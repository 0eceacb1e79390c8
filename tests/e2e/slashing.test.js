// Slashing on the dev chain through polkadot-js: a service slash requested by the oracle's
// slasher, shown by `api.call.slashingApi.*`, disputed by the operator and vetoed by root
// (the audit committee's two-thirds path is exercised by the runtime tests and the lifecycle
// scenario); bad requests failing with the pallet's documented errors.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startDevNode } from './lib/devnode.js';
import { UNIT, devAccounts, findEvent, hash32 as evidence, step, submit, submitOk } from './lib/chain.js';


describe('slashing on the dev chain', () => {
  let node;
  let api;
  const { alice, bob, dave, eve } = devAccounts();

  before(async () => {
    node = await startDevNode('slashing');
    api = node.api;
  });

  after(async () => {
    if (node) await node.stop();
  });

  it('shows each demo service policy', async () => {
    const oracle = (await api.query.slashing.policies(0)).unwrap();
    assert.equal(oracle.slasher.asAccount.toString(), alice.address);
    assert.equal(oracle.critical.toNumber(), 100_000_000); // 10 % in parts per billion
    const bridge = (await api.query.slashing.policies(1)).unwrap();
    assert.ok(bridge.slasher.isCommittee);
    step('policies', {
      oracle: `slasher Alice, critical ${oracle.critical.toNumber() / 1e7} %`,
      bridge: `slasher committee, critical ${bridge.critical.toNumber() / 1e7} %`,
    });
  });

  it('requests, disputes and vetoes a slash', async () => {
    const events = await submitOk(
      api,
      api.tx.slashing.requestSlash(0, eve.address, 'Critical', evidence('01')),
      alice,
    );
    const requested = findEvent(events, 'slashing', 'SlashRequested');
    assert.ok(requested, 'slashing.SlashRequested emitted');
    const id = requested.data.id.toBigInt();
    const pending = await api.call.slashingApi.pendingSlashes();
    assert.equal(pending.length, 1);
    assert.equal(pending[0].id.toBigInt(), id);
    assert.equal(pending[0].request.operator.toString(), eve.address);

    const disputed = await submitOk(api, api.tx.slashing.dispute(id), eve);
    assert.equal(findEvent(disputed, 'slashing', 'SlashDisputed').data.bond.toBigInt(), 100n * UNIT);

    const vetoed = await submitOk(api, api.tx.sudo.sudo(api.tx.slashing.veto(id)), alice);
    const veto = findEvent(vetoed, 'slashing', 'SlashVetoed');
    assert.ok(veto, 'slashing.SlashVetoed emitted');
    assert.equal(veto.data.bondReturned.toBigInt(), 100n * UNIT);
    // Alice's request deposit is forfeited with the vetoed request.
    assert.equal(veto.data.depositForfeited.toBigInt(), 100n * UNIT);
    assert.equal((await api.call.slashingApi.pendingSlashes()).length, 0);
    assert.equal((await api.call.slashingApi.slashRecord(id)).isNone, true);
    const report = await api.call.slashingApi.contagionReport(eve.address);
    assert.equal(report.serviceSlashes.toNumber(), 0);
    step('slash vetoed', { id, disputeBond: '100 UNIT returned', requestDeposit: '100 UNIT forfeited' });
  });

  it('rejects bad requests with documented module errors', async () => {
    const notSlasher = await submit(
      api,
      api.tx.slashing.requestSlash(0, eve.address, 'Minor', evidence('02')),
      bob,
    );
    assert.equal(notSlasher.error, 'slashing.NotSlasher');
    // Bob is no operator.
    const notAllocated = await submit(
      api,
      api.tx.slashing.requestSlash(0, bob.address, 'Minor', evidence('02')),
      alice,
    );
    assert.equal(notAllocated.error, 'slashing.NotAllocated');
    const reused = await submit(
      api,
      api.tx.slashing.requestSlash(0, eve.address, 'Minor', evidence('01')),
      alice,
    );
    assert.equal(reused.error, 'slashing.DuplicateEvidence');
    const veto = await submit(api, api.tx.slashing.veto(0), dave);
    assert.equal(veto.error, 'BadOrigin');
    step('bad calls rejected', {
      requestSlash: `${notSlasher.error}, ${notAllocated.error}, ${reused.error}`,
      veto: veto.error,
    });
  });
});
