// A local network: the four validators of the `local_testnet` preset (Alice, Bob, Charlie and
// Ferdie), each a node with its own base path, node key and ports, the first the bootnode of
// the others. They peer, produce and finalize blocks; what node 1 includes, every node sees with
// the same state root and the same runtime-API answers. One validator is killed with SIGKILL:
// the others keep producing and finalizing (GRANDPA needs 3 of the 4 votes), a base-layer
// offence for it reaches restaking, and it restarts on its base path and catches up.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startNetwork, waitUntil } from './lib/nodes.js';
import {
  PERCENT, UNIT, devAccounts, finalizedHead, findEvent, hash32, step, submit, submitOk, waitForBlock,
  waitForFinalized,
} from './lib/chain.js';

const best = async (api) => (await api.rpc.chain.getHeader()).number.toNumber();
const finalized = async (api) => (await finalizedHead(api)).number;

/** The encoded answers of the restaking, slashing and insurance runtime APIs at `hash`. */
async function answers(api, hash, { staker, operator, slash }) {
  const at = await api.at(hash);
  const calls = await Promise.all([
    at.call.restakingApi.stakerExposure(staker),
    at.call.restakingApi.operatorProfile(operator),
    at.call.restakingApi.serviceSecurity(0),
    at.call.restakingApi.systemRisk(),
    at.call.slashingApi.slashRecord(slash),
    at.call.slashingApi.contagionReport(operator),
    at.call.insuranceApi.poolState(0),
  ]);
  return calls.map((answer) => answer.toHex());
}

describe('a local network of four validators', () => {
  let network;
  let apis;
  const accounts = devAccounts();
  const { alice, eve, ferdie } = accounts;
  const newcomer = accounts.charlieStash;
  let slash;

  before(async () => {
    network = await startNetwork();
    apis = network.nodes.map((node) => node.api);
  });

  after(async () => {
    if (network) await network.stop();
  });

  it('1. the validators peer, produce and finalize blocks', async () => {
    await Promise.all(apis.map((api, i) => waitUntil(
      async () => (await api.rpc.system.health()).peers.toNumber() >= apis.length - 1,
      `node ${i + 1} has ${apis.length - 1} peers`,
    )));
    await Promise.all(apis.map((api) => waitForFinalized(api, 3, 90_000)));
    const heads = await Promise.all(apis.map(finalized));
    const hashes = await Promise.all(apis.map((api) => api.rpc.chain.getBlockHash(3)));
    assert.ok(hashes.every((hash) => hash.eq(hashes[0])), 'every node finalized the same block 3');
    step('network', { nodes: apis.length, finalized: heads.join('/') });
  });

  it('2. what node 1 includes, every node sees with the same state', async () => {
    const [api] = apis;
    // Charlie's stash bonds, restakes through Eve; Alice (the oracle's slasher) asks for a
    // minor slash of Eve; once the veto window has passed, idle block time executes it.
    await submitOk(api, api.tx.staking.bond(5_000n * UNIT, 'Staked'), newcomer);
    await submitOk(api, api.tx.restaking.delegate(eve.address, 1_000n * UNIT), newcomer);
    const requested = await submitOk(
      api, api.tx.slashing.requestSlash(0, eve.address, 'Minor', hash32('0a')), alice);
    const request = findEvent(requested, 'slashing', 'SlashRequested').data;
    slash = request.id.toNumber();
    const due = request.due.toNumber();
    await waitForBlock(api, due + 1);
    let executedAt = null;
    await waitUntil(async () => {
      const record = await api.call.slashingApi.slashRecord(slash);
      if (record.isSome) executedAt = record.unwrap().at.toNumber();
      return record.isSome;
    }, `slash ${slash} is executed`, 60_000);
    await Promise.all(apis.map((node) => waitForFinalized(node, executedAt, 60_000)));

    const hash = await api.rpc.chain.getBlockHash(executedAt);
    const roots = await Promise.all(apis.map(async (node) => {
      const header = await node.rpc.chain.getHeader(hash);
      return header.stateRoot.toHex();
    }));
    const seen = await Promise.all(apis.map((node) => answers(node, hash, {
      staker: newcomer.address, operator: eve.address, slash,
    })));
    for (let i = 1; i < apis.length; i += 1) {
      assert.equal(roots[i], roots[0], `node ${i + 1}'s state root at #${executedAt}`);
      assert.deepEqual(seen[i], seen[0], `node ${i + 1}'s runtime-API answers at #${executedAt}`);
    }
    const exposure = (await (await api.at(hash)).call.restakingApi.stakerExposure(newcomer.address)).unwrap();
    assert.equal(exposure.operator.toString(), eve.address);
    step('replicated', { slash, executedAt, stateRoot: `${roots[0].slice(0, 10)}…`, answers: seen[0].length });
  });

  it('3. a validator killed: the others finalize, its offence reaches restaking, it catches up', async () => {
    const victim = network.nodes[3]; // Ferdie
    const survivors = apis.slice(0, 3);
    const [api] = survivors;
    await victim.kill('SIGKILL');
    const from = await finalized(api);
    await Promise.all(survivors.map((node) => waitForFinalized(node, from + 3, 60_000)));
    const reached = await finalized(api);

    // The stashes that nominate every validator restake through Dave and Eve: slashing the
    // killed validator on the base layer slashes them, and with them what the services can slash.
    while ((await api.query.staking.activeEra()).unwrap().index.toNumber() < 1) {
      await waitForBlock(api, (await best(api)) + 3);
    }
    const offence = await submit(
      api,
      api.tx.sudo.sudo(api.tx.rootOffences.createOffence([[ferdie.address, 10 * PERCENT]], null, null)),
      alice,
    );
    assert.equal(offence.error, null);
    assert.ok(findEvent(offence.events, 'staking', 'Slashed'));
    const at = (await api.rpc.chain.getHeader(offence.blockHash)).number.toNumber();
    await Promise.all(survivors.map((node) => waitForFinalized(node, at, 60_000)));
    for (const [i, node] of survivors.entries()) {
      const events = await (await node.at(offence.blockHash)).query.system.events();
      const reduced = events.filter(({ event }) => event.section === 'restaking' && event.method === 'SecurityReduced');
      assert.ok(reduced.length >= 1, `node ${i + 1} sees restaking.SecurityReduced`);
    }

    // Restarted on its base path, the killed node catches up to the same finalized chain.
    const restarted = await victim.start();
    const target = await finalized(api);
    await waitForFinalized(restarted, target, 120_000);
    const hash = await api.rpc.chain.getBlockHash(target);
    assert.ok((await restarted.rpc.chain.getBlockHash(target)).eq(hash), 'the same finalized block');
    const expected = await answers(api, hash, { staker: newcomer.address, operator: eve.address, slash });
    assert.deepEqual(await answers(restarted, hash, { staker: newcomer.address, operator: eve.address, slash }), expected);
    step('survived', {
      finalizedWhileDown: `#${from} → #${reached}`,
      offenceAt: at,
      caughtUpTo: target,
    });
  });
});
