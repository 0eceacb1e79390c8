// The parachain runtime on `polkadot-omni-node --dev` through polkadot-js: the node produces
// blocks, the restaking runtime APIs answer, a delegation on `pallet-staking-async` stake
// lands, and a service slash executes and reaches the delegators.
//
// It needs the omni-node (OMNI_NODE_BIN, installed by scripts/run-parachain-dev.sh into
// ~/.cache/restaking-omni-node) and a chain spec of the runtime's `development` preset
// (PARACHAIN_SPEC, which scripts/test.sh makes). Without either it is skipped, and says so
// loudly: a cold build of the omni-node does not fit CI's budget (docs/parachain.md).
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { UNIT, devAccounts, findEvent, hash32, step, submitOk, waitForBlock } from './lib/chain.js';
import { ChainNode, waitUntil } from './lib/nodes.js';

const OMNI_NODE_BIN = process.env.OMNI_NODE_BIN
  ?? path.join(os.homedir(), '.cache', 'restaking-omni-node', 'bin', 'polkadot-omni-node');
const SPEC = process.env.PARACHAIN_SPEC;
const RPC_PORT = Number(process.env.E2E_PARA_RPC_PORT ?? 9957);

const missing = !existsSync(OMNI_NODE_BIN)
  ? `polkadot-omni-node is not installed at ${OMNI_NODE_BIN}: scripts/run-parachain-dev.sh installs it`
  : !SPEC || !existsSync(SPEC)
    ? 'PARACHAIN_SPEC names no chain spec: scripts/test.sh makes one'
    : null;
if (missing) {
  console.log(`\n${'!'.repeat(100)}\n!! SKIPPED: the parachain smoke test. ${missing}\n${'!'.repeat(100)}\n`);
}

describe('the parachain runtime on polkadot-omni-node', { skip: missing ?? false }, () => {
  let node;
  let api;
  const { alice, charlie, dave, eve, ferdie } = devAccounts();

  before(async () => {
    // The omni-node (a debug build) builds the genesis state three times before RPC listens:
    // about 2 minutes alone on two cores, and up to twice that while scripts/test.sh runs the
    // Rust tests beside the end-to-end files (it took longer than 3 minutes once).
    node = new ChainNode(`parachain-${RPC_PORT}`, [
      '--chain', SPEC, '--dev', '--tmp',
      '--listen-addr', '/ip4/127.0.0.1/tcp/0',
      '--no-prometheus', '--no-telemetry', '--no-mdns',
    ], RPC_PORT, OMNI_NODE_BIN, { startTimeoutMs: 480_000 });
    api = await node.start();
  });

  after(async () => {
    if (node) await node.stop();
  });

  it('produces blocks and answers the restaking runtime API', async () => {
    const start = (await api.rpc.chain.getHeader()).number.toNumber();
    await waitForBlock(api, start + 2, 60_000);
    const version = api.runtimeVersion.specName.toString();
    assert.equal(version, 'restaking-parachain');
    const risk = await api.call.restakingApi.systemRisk();
    assert.equal(risk.totalRestaked.toBigInt(), 50_000n * UNIT);
    const oracle = (await api.call.restakingApi.serviceSecurity(0)).unwrap();
    assert.equal(oracle.totalSlashable.toBigInt(), (25_000n + 12_500n) * UNIT);
    const pool = (await api.call.insuranceApi.poolState(0)).unwrap();
    // Dave's vault, from genesis: empty, its token asset 0.
    const vault = (await api.call.liquidRestakingApi.vaultState(0)).unwrap();
    assert.equal(vault.operator.toString(), dave.address);
    assert.equal(vault.supply.toBigInt(), 0n);
    step('parachain up', {
      specName: version,
      block: start + 2,
      totalRestaked: `${risk.totalRestaked.toBigInt() / UNIT} UNIT`,
      oracleSlashable: `${oracle.totalSlashable.toBigInt() / UNIT} UNIT`,
      insurancePoolLocked: `${pool.locked.toBigInt() / UNIT} UNIT`,
      vault0: 'Dave\'s, empty',
    });
  });

  it('restakes pallet-staking-async stake through an operator', async () => {
    // Ferdie bonds in `pallet-staking-async`, then restakes part of that bond through Eve.
    await submitOk(api, api.tx.staking.bond(5_000n * UNIT, 'Staked'), ferdie);
    const amount = 1_000n * UNIT;
    const events = await submitOk(api, api.tx.restaking.delegate(eve.address, amount), ferdie);
    const delegated = findEvent(events, 'restaking', 'Delegated');
    assert.ok(delegated, 'restaking.Delegated emitted');
    const exposure = (await api.call.restakingApi.stakerExposure(ferdie.address)).unwrap();
    assert.equal(exposure.restaked.toBigInt(), amount);
    assert.equal(exposure.baseBond.toBigInt(), 5_000n * UNIT);
    step('delegated', { who: 'Ferdie', operator: 'Eve', amount: `${amount / UNIT} UNIT` });
  });

  it('executes a service slash and takes the loss from a pallet-staking-async bond', async () => {
    // Alice's oracle slashes Eve critically: 10 % of her stake on it, where Charlie restakes
    // 20,000 UNIT (and Ferdie 1,000 UNIT).
    const bonded = async (who) => (await api.query.staking.ledger(who.address)).unwrap().total.toBigInt();
    const before = await bonded(charlie);
    const oracle = (await api.call.restakingApi.serviceSecurity(0)).unwrap();
    const slashable = oracle.operators.find((o) => o.operator.toString() === eve.address)
      .slashable.toBigInt();
    const events = await submitOk(
      api,
      api.tx.slashing.requestSlash(0, eve.address, 'Critical', hash32('0a')),
      alice,
    );
    const id = findEvent(events, 'slashing', 'SlashRequested').data.id.toBigInt();
    await waitUntil(
      async () => (await api.call.slashingApi.slashRecord(id)).isSome,
      `slash ${id} executes`,
      180_000,
    );
    const record = (await api.call.slashingApi.slashRecord(id)).unwrap();
    // Critical: the self-bond and the pool pay a tenth of what the oracle could slash, each
    // (to a unit of rounding).
    const taken = record.fromPool.toBigInt() + record.fromSelfBond.toBigInt();
    assert.ok(slashable / 10n - taken <= 1n, `took ${taken} of ${slashable}`);
    // Charlie's tenth leaves his bond in `pallet-staking-async` (settled now if the idle sweep
    // has not done it yet).
    const exposure = (await api.call.restakingApi.stakerExposure(charlie.address)).unwrap();
    if (exposure.pendingLoss.toBigInt() > 0n) {
      await submitOk(api, api.tx.restaking.settle(charlie.address), alice);
    }
    const after = await bonded(charlie);
    assert.equal(before - after, 2_000n * UNIT);
    step('slash executed', {
      id,
      fromPool: `${record.fromPool.toBigInt() / UNIT} UNIT`,
      fromSelfBond: `${record.fromSelfBond.toBigInt() / UNIT} UNIT`,
      charlieBond: `${before / UNIT} → ${after / UNIT} UNIT`,
    });
  });
});
