// The load run: thousands of restaking transactions against a dev node, every one accounted for.
//
//   node tests/e2e/load.js            # or benchmarks/load.sh, which builds the node first
//
// It starts its own dev node (temporary state, RPC on LOAD_RPC_PORT, default 9970), then:
// 1. set-up: funds LOAD_ACCOUNTS accounts (`//load//<i>`, default 200) from Alice in
//    `utility.batchAll` transfers and bonds each on the base layer; a load operator
//    (`//load//operator`) registers, opts in and allocates to the oracle (service 0); the
//    deposits go to Dave's vault, there from genesis;
// 2. load: signs, then submits through `author_submitExtrinsic` as fast as the node takes them,
//    ten transactions per account (delegate to Dave or Eve, delegate_more, undelegate,
//    buy_cover, a vault deposit) and Alice's slash requests against the load operator, each
//    with an explicit nonce and without waiting for any of them;
// 3. follows the blocks until every accepted transaction is included; checks each one's
//    outcome against what the chain's rules say it must be (see `expectedErrors`), that none
//    was lost, that every block stayed within its normal-class weight, and that every
//    account's restaking position adds up to its successful calls;
// 4. writes `benchmarks/load.json` (every figure), `benchmarks/load.svg` (transactions and
//    weight per block) and the load section of `benchmarks/README.md`.
//
// Exits non-zero if any check fails. The node's peak memory is its VmHWM (Linux).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { Keyring } from '@polkadot/keyring';

import { UNIT, devAccounts, errorName, hash32, submitOk, waitForBlock } from './lib/chain.js';
import { devNode } from './lib/devnode.js';
import { BENCHMARKS, writeReadmeSection } from './lib/report.js';
import { sleep } from './lib/nodes.js';

const PORT = Number(process.env.LOAD_RPC_PORT ?? 9970);
const ACCOUNTS = Number(process.env.LOAD_ACCOUNTS ?? 200);
/** Accounts (the first ones) that buy a cover: more than the covers' targets hold. */
const COVER_BUYERS = Math.min(ACCOUNTS, Number(process.env.LOAD_COVER_BUYERS ?? 80));
/** Alice's slash requests against the load operator: more than a window admits. */
const SLASH_REQUESTS = 8;
const DRAIN_TIMEOUT_MS = 20 * 60_000;
/** The block capacity in `delegate` calls that the scaling report gives (`benchmarks/README.md`). */
function benchmarkedDelegatesPerBlock() {
  const text = readFileSync(path.join(BENCHMARKS, 'README.md'), 'utf8');
  const row = /^\| `delegate` \| [^|]+ \| ([\d,]+) \|$/m.exec(text);
  if (!row) throw new Error('benchmarks/README.md has no block capacity row for `delegate`');
  return Number(row[1].replace(/,/g, ''));
}

// Amounts, in UNIT: what each account gets, bonds and moves.
const FUNDING = 2_000n * UNIT;
const BOND = 1_500n * UNIT;
const DELEGATION = 500n * UNIT;
const MORE = 50n * UNIT;
const LESS = 20n * UNIT;
const VAULT_DEPOSIT = 10n * UNIT;
const COVER = 100n * UNIT;
const COVER_PERIOD = 100;

const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
const { alice, dave, eve } = devAccounts();
const users = Array.from({ length: ACCOUNTS }, (_, i) => keyring.addFromUri(`//load//${i}`));
const loadOperator = keyring.addFromUri('//load//operator');

/** `section.method` of a call, as polkadot-js names it. */
const kindOf = (tx) => `${tx.method.section}.${tx.method.method}`;

/**
 * The dispatch errors a transaction of `kind` may end with under the load, and why; any other
 * error fails the run. Everything not listed must succeed.
 * - `insurance.buyCover`: a target (operator, service) holds at most `MaxCoversPerTarget` (8)
 *   covers; on a full target a new cover takes the place of the lowest-ranked one only if it
 *   ranks higher (more left to pay, then more blocks to run). Covers bought in a later block
 *   outrank earlier equal ones, those bought in the same block tie, and a tie is refused with
 *   `TooManyCovers`.
 * - `slashing.requestSlash`: a service may file at most `MaxSlashesPerWindow` (4) requests
 *   against one operator within `SlashWindow`, so Alice's 5th and later are refused with
 *   `TooManySlashesInWindow`.
 */
const expectedErrors = {
  'insurance.buyCover': ['insurance.TooManyCovers'],
  'slashing.requestSlash': ['slashing.TooManySlashesInWindow'],
};

function peakMemoryKiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const line = status.split('\n').find((l) => l.startsWith('VmHWM:'));
  return line ? Number(line.split(/\s+/)[1]) : null;
}

async function setUp(api) {
  const transfers = [...users, loadOperator]
    .map((user) => api.tx.balances.transferKeepAlive(user.address, FUNDING * (user === loadOperator ? 3n : 1n)));
  for (let i = 0; i < transfers.length; i += 100) {
    await submitOk(api, api.tx.utility.batchAll(transfers.slice(i, i + 100)), alice);
  }
  await Promise.all([
    ...users.map((user) => submitOk(api, api.tx.staking.bond(BOND, 'Staked'), user)),
    (async () => {
      await submitOk(api, api.tx.staking.bond(3n * BOND, 'Staked'), loadOperator);
      await submitOk(api, api.tx.restaking.registerOperator(1_000n * UNIT, 50_000_000, '0x6c6f6164'), loadOperator);
      await submitOk(api, api.tx.restaking.optIn(0), loadOperator);
      await submitOk(api, api.tx.restaking.allocate(0, 1_000_000_000_000_000_000n), loadOperator);
    })(),
  ]);
  // Dave's vault exists from genesis.
  const vault = (await api.query.liquidRestaking.vaultOf(dave.address)).unwrap().toNumber();
  // The allocation is slashable once in force (`AllocationDelay`).
  const delay = api.consts.restaking.allocationDelay.toNumber();
  const now = (await api.rpc.chain.getHeader()).number.toNumber();
  await waitForBlock(api, now + delay + 1);
  return { vault };
}

/** Per account: a delegation, then nine calls on it; then Alice's slash requests. */
function plan(api, { vault }) {
  const txs = [];
  users.forEach((user, i) => {
    const operator = i % 2 === 0 ? dave.address : eve.address;
    const own = [
      api.tx.restaking.delegate(operator, DELEGATION),
      api.tx.restaking.delegateMore(MORE),
      api.tx.liquidRestaking.deposit(vault, VAULT_DEPOSIT, 0),
      api.tx.restaking.undelegate(LESS),
      api.tx.restaking.delegateMore(MORE),
      i < COVER_BUYERS
        ? api.tx.insurance.buyCover(0, operator, 0, COVER, COVER_PERIOD)
        : api.tx.restaking.delegateMore(MORE),
      api.tx.restaking.delegateMore(MORE),
      api.tx.liquidRestaking.deposit(vault, VAULT_DEPOSIT, 0),
      api.tx.restaking.undelegate(LESS),
      api.tx.restaking.delegateMore(MORE),
    ];
    own.forEach((tx, nonceOffset) => txs.push({ tx, signer: user, nonceOffset }));
  });
  for (let k = 0; k < SLASH_REQUESTS; k += 1) {
    const evidence = hash32((0xa0 + k).toString(16));
    txs.push({
      tx: api.tx.slashing.requestSlash(0, loadOperator.address, 'Minor', evidence),
      signer: alice,
      nonceOffset: k,
    });
  }
  return txs.map((entry) => ({ ...entry, kind: kindOf(entry.tx) }));
}

/** Sign every transaction (explicit nonces, immortal), then submit all without waiting. */
async function submitAll(api, txs) {
  const nonces = new Map();
  for (const { signer } of txs) {
    if (!nonces.has(signer.address)) {
      nonces.set(signer.address, (await api.rpc.system.accountNextIndex(signer.address)).toNumber());
    }
  }
  const signed = [];
  for (const entry of txs) {
    const nonce = nonces.get(entry.signer.address) + entry.nonceOffset;
    const ext = await entry.tx.signAsync(entry.signer, { nonce, era: 0 });
    signed.push({ ...entry, ext, hash: ext.hash.toHex() });
  }
  const first = (await api.rpc.chain.getHeader()).number.toNumber();
  const started = Date.now();
  const pending = new Map();
  const refused = [];
  await Promise.all(signed.map(async (entry) => {
    try {
      await api.rpc.author.submitExtrinsic(entry.ext);
      pending.set(entry.hash, entry);
    } catch (error) {
      refused.push({ kind: entry.kind, reason: String(error.message ?? error) });
    }
  }));
  return { signed, pending, refused, first, started, submittedInMs: Date.now() - started };
}

/** Follow blocks from `first + 1` until nothing is pending; per block its figures. */
async function follow(api, { pending, first, started }) {
  const limit = api.consts.system.blockWeights.perClass.normal.maxTotal.unwrap().refTime.toBigInt();
  const blocks = [];
  const outcomes = [];
  let number = first + 1;
  while (pending.size > 0 && Date.now() - started < DRAIN_TIMEOUT_MS) {
    const head = (await api.rpc.chain.getHeader()).number.toNumber();
    if (number > head) {
      await sleep(500);
      continue;
    }
    const hash = await api.rpc.chain.getBlockHash(number);
    const [block, at] = await Promise.all([api.rpc.chain.getBlock(hash), api.at(hash)]);
    const [events, weight, moment] = await Promise.all([
      at.query.system.events(), at.query.system.blockWeight(), at.query.timestamp.now(),
    ]);
    let ours = 0;
    block.block.extrinsics.forEach((ext, index) => {
      const entry = pending.get(ext.hash.toHex());
      if (!entry) return;
      pending.delete(ext.hash.toHex());
      ours += 1;
      const failed = events.find(({ phase, event }) => phase.isApplyExtrinsic
        && phase.asApplyExtrinsic.toNumber() === index
        && event.section === 'system' && event.method === 'ExtrinsicFailed');
      const error = failed ? errorName(api, failed.event.data[0]) : null;
      outcomes.push({ ...entry, block: number, error });
    });
    const normalRefTime = weight.normal.refTime.toBigInt();
    blocks.push({
      number,
      timestamp: moment.toNumber(),
      transactions: ours,
      extrinsics: block.block.extrinsics.length,
      normalRefTime,
      mandatoryRefTime: weight.mandatory.refTime.toBigInt(),
      normalLimit: limit,
      // Share of the normal-class limit used, to four decimals.
      normalShare: Number((normalRefTime * 10_000n) / limit) / 10_000,
    });
    number += 1;
  }
  return { blocks, outcomes };
}

/** Each account's position must add up to its successful calls (no slash touches Dave/Eve). */
async function checkPositions(api, outcomes, vault) {
  const expected = new Map(users.map((u) => [u.address, { restaked: 0n, out: 0n, deposited: 0n }]));
  for (const { signer, kind, error, tx } of outcomes) {
    const e = expected.get(signer.address);
    if (!e || error) continue;
    if (kind === 'restaking.delegate' || kind === 'restaking.delegateMore') {
      e.restaked += tx.method.args.at(-1).toBigInt();
    } else if (kind === 'restaking.undelegate') {
      e.restaked -= tx.method.args[0].toBigInt();
      e.out += tx.method.args[0].toBigInt();
    } else if (kind === 'liquidRestaking.deposit') {
      e.deposited += tx.method.args[1].toBigInt();
    }
  }
  let checked = 0;
  for (const user of users) {
    const e = expected.get(user.address);
    const exposure = (await api.call.restakingApi.stakerExposure(user.address)).unwrap();
    const out = exposure.queuedOutflow.toBigInt()
      + exposure.withdrawals.reduce((sum, w) => sum + w.value.toBigInt(), 0n);
    assert.equal(exposure.restaked.toBigInt(), e.restaked, `${user.address} restaked`);
    assert.equal(out, e.out, `${user.address} undelegated`);
    const position = exposure.vaults.find((v) => v.vault.toNumber() === vault);
    assert.equal(position ? position.value.toBigInt() : 0n, e.deposited, `${user.address} vault value`);
    checked += 1;
  }
  return checked;
}

/**
 * What the node's block author said about each block it built: how long it took and why it
 * stopped adding transactions (`HitDeadline`, `HitBlockWeightLimit`, `NoMoreTransactions`…).
 */
function proposals(logFile) {
  const found = new Map();
  const pattern = /Prepared block for proposing at (\d+) \((\d+) ms\).*end: (\w+); extrinsics_count: (\d+)/;
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    const m = pattern.exec(line);
    if (m) found.set(Number(m[1]), { ms: Number(m[2]), end: m[3] });
  }
  return found;
}

/**
 * The weight a block is charged for a `delegate` transaction: its dispatch weight as the runtime
 * reports it (the call and the transaction extensions) plus the extrinsic base weight.
 */
async function delegateWeight(api) {
  const probe = await api.tx.restaking.delegate(dave.address, DELEGATION).signAsync(users[0], { nonce: 0 });
  const info = await api.call.transactionPaymentApi.queryInfo(probe.toU8a(), probe.encodedLength);
  const base = api.consts.system.blockWeights.perClass.normal.baseExtrinsic.refTime.toBigInt();
  return info.weight.refTime.toBigInt() + base;
}

function summarize({ signed, refused, submittedInMs, started }, { blocks, outcomes }, pending, extra) {
  const { peakKiB, proposed, perDelegate } = extra;
  const loaded = blocks.filter((b) => b.transactions > 0);
  const perKind = {};
  for (const { kind, error } of outcomes) {
    const k = (perKind[kind] ??= { included: 0, ok: 0, errors: {} });
    k.included += 1;
    if (error) k.errors[error] = (k.errors[error] ?? 0) + 1;
    else k.ok += 1;
  }
  const last = loaded.at(-1);
  const firstLoaded = loaded[0];
  const maxBlock = loaded.reduce((m, b) => (b.transactions > m.transactions ? b : m), loaded[0]);
  return {
    machine: `${os.cpus().length} × ${os.cpus()[0].model.trim()}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    node: process.env.NODE_BIN
      ? `\`${process.env.NODE_BIN.replace(os.homedir(), '~')}\``
      : 'the debug build of scripts/run-dev.sh',
    accounts: ACCOUNTS,
    submitted: signed.length,
    refusedByPool: refused,
    lost: [...pending.values()].map(({ kind, signer }) => ({ kind, signer: signer.address })),
    submittedInMs,
    drainedInMs: last ? last.timestamp - started : null,
    blocksWithLoad: loaded.length,
    maxTransactionsPerBlock: maxBlock ? maxBlock.transactions : 0,
    meanTransactionsPerBlock: loaded.length
      ? Math.round((outcomes.length / loaded.length) * 10) / 10 : 0,
    maxNormalWeightShare: Math.max(...blocks.map((b) => b.normalShare)),
    benchmarkedDelegatesPerBlock: benchmarkedDelegatesPerBlock(),
    delegateRefTime: perDelegate.toString(),
    delegatesPerBlockByWeight: Number(blocks[0].normalLimit / perDelegate),
    maxDelegateEquivalentsPerBlock: Number(blocks.reduce((m, b) => (b.normalRefTime > m ? b.normalRefTime : m), 0n) / perDelegate),
    proposalEnds: blocks.reduce((acc, b) => {
      const end = proposed.get(b.number)?.end ?? 'unknown';
      acc[end] = (acc[end] ?? 0) + 1;
      return acc;
    }, {}),
    proposalMs: loaded.map((b) => proposed.get(b.number)?.ms).filter((ms) => ms !== undefined),
    sessionBlocks: blocks.filter((b) => b.mandatoryRefTime >= b.normalLimit).map((b) => b.number),
    firstLoadedBlock: firstLoaded ? firstLoaded.number : null,
    peakMemoryMiB: peakKiB ? Math.round(peakKiB / 1024) : null,
    perKind,
    blocks: blocks.map((b) => ({
      ...b,
      normalRefTime: b.normalRefTime.toString(),
      mandatoryRefTime: b.mandatoryRefTime.toString(),
      normalLimit: b.normalLimit.toString(),
      proposal: proposed.get(b.number) ?? null,
    })),
  };
}

/** Transactions per block (bars) and normal weight used (line, right axis). */
function plot(report) {
  const blocks = report.blocks;
  const width = 720;
  const height = 300;
  const left = 60;
  const right = 60;
  const top = 40;
  const bottom = 50;
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const maxTx = Math.max(10, ...blocks.map((b) => b.transactions));
  const step = plotW / Math.max(1, blocks.length);
  const y = (v, max) => top + plotH - (v / max) * plotH;
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">Load run: ${report.submitted} transactions from ${report.accounts} accounts</text>`,
    `<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="black"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotH}" stroke="black"/>`,
    `<line x1="${left + plotW}" y1="${top}" x2="${left + plotW}" y2="${top + plotH}" stroke="black"/>`,
    `<text x="15" y="${top + plotH / 2}" transform="rotate(-90 15 ${top + plotH / 2})" text-anchor="middle" fill="#1f77b4">transactions in the block</text>`,
    `<text x="${width - 12}" y="${top + plotH / 2}" transform="rotate(90 ${width - 12} ${top + plotH / 2})" text-anchor="middle" fill="#d62728">normal weight used (% of limit)</text>`,
    `<text x="${left + plotW / 2}" y="${height - 10}" text-anchor="middle">block (from #${blocks[0]?.number ?? 0}, one every 3 s)</text>`,
  ];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const ty = y(tick, 1);
    svg.push(`<text x="${left - 6}" y="${ty + 4}" text-anchor="end">${Math.round(tick * maxTx)}</text>`);
    svg.push(`<text x="${left + plotW + 6}" y="${ty + 4}">${tick * 100}</text>`);
    svg.push(`<line x1="${left}" y1="${ty}" x2="${left + plotW}" y2="${ty}" stroke="#ddd"/>`);
  }
  blocks.forEach((b, i) => {
    const h = (b.transactions / maxTx) * plotH;
    svg.push(`<rect x="${(left + i * step + step * 0.1).toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${(step * 0.8).toFixed(1)}" height="${h.toFixed(1)}" fill="#1f77b4"/>`);
  });
  const points = blocks.map((b, i) => `${(left + (i + 0.5) * step).toFixed(1)},${y(b.normalShare, 1).toFixed(1)}`);
  svg.push(`<polyline points="${points.join(' ')}" fill="none" stroke="#d62728" stroke-width="2"/>`);
  svg.push('</svg>');
  return `${svg.join('\n')}\n`;
}

/** The load section of benchmarks/README.md, between its markers. */
function readmeSection(report) {
  const kinds = Object.entries(report.perKind).sort(([a], [b]) => a.localeCompare(b)).map(([kind, k]) => {
    const errors = Object.entries(k.errors).map(([name, n]) => `${n} × \`${name}\``).join(', ');
    return `| \`${kind}\` | ${k.included} | ${k.ok} | ${errors || '—'} |`;
  });
  const seconds = (ms) => (ms / 1000).toFixed(1);
  return [
    `Run on ${report.machine}; node: ${report.node}; \`--dev\`, one block every 3 s.`,
    '',
    `- ${report.submitted} transactions from ${report.accounts} accounts and Alice, signed first and then submitted in ${seconds(report.submittedInMs)} s; refused by the pool: ${report.refusedByPool.length}; lost: ${report.lost.length}.`,
    `- Every transaction was included within ${seconds(report.drainedInMs)} s of the first submission, in ${report.blocksWithLoad} blocks: at most ${report.maxTransactionsPerBlock} and on average ${report.meanTransactionsPerBlock} load transactions per block, against a benchmarked capacity of ${report.benchmarkedDelegatesPerBlock} \`delegate\` per block.`,
    `- The fullest block used ${(report.maxNormalWeightShare * 100).toFixed(1)} % of the normal-class weight limit, the weight of ${report.maxDelegateEquivalentsPerBlock} \`delegate\` calls of the ${report.delegatesPerBlockByWeight} the limit admits (a block is charged ${(Number(report.delegateRefTime) / 1e6).toFixed(0)} µs per \`delegate\`: call, transaction extensions and extrinsic base weight, from \`TransactionPaymentApi::query_info\`); no block went over it.`,
    `- The author built each loaded block in ${Math.min(...report.proposalMs)}–${Math.max(...report.proposalMs)} ms of wall time.`,
    `- Why the author closed each block: ${Object.entries(report.proposalEnds).map(([end, n]) => `${n} × \`${end}\``).join(', ')}. A block that starts a session (${report.sessionBlocks.map((n) => `#${n}`).join(', ') || 'none here'}) carries no transaction: \`pallet-session\` charges the whole block (\`max_block\`) for a rotation.`,
    `- The node's peak resident memory (VmHWM): ${report.peakMemoryMiB} MiB.`,
    '',
    '| call | included | succeeded | refused at dispatch (expected) |',
    '|---|---|---|---|',
    ...kinds,
    '',
    '![Transactions and normal weight per block](load.svg)',
  ].join('\n');
}


async function main() {
  const node = devNode(`load-${PORT}`, { port: PORT });
  const api = await node.start();
  try {
    console.log(`set-up: funding and bonding ${ACCOUNTS} accounts and a load operator`);
    const context = await setUp(api);
    const txs = plan(api, context);
    console.log(`load: signing and submitting ${txs.length} transactions`);
    const submission = await submitAll(api, txs);
    console.log(`  submitted in ${submission.submittedInMs} ms, ${submission.refused.length} refused by the pool`);
    const followed = await follow(api, submission);
    const report = summarize(submission, followed, submission.pending, {
      peakKiB: peakMemoryKiB(node.child.pid),
      proposed: proposals(node.logFile),
      perDelegate: await delegateWeight(api),
    });
    writeFileSync(path.join(BENCHMARKS, 'load.json'), `${JSON.stringify(report, null, 1)}\n`);
    writeFileSync(path.join(BENCHMARKS, 'load.svg'), plot(report));
    console.log(readmeSection(report));

    assert.deepEqual(report.lost, [], 'no transaction may be lost');
    assert.deepEqual(report.refusedByPool, [], 'the pool refused transactions');
    for (const { kind, error, signer, nonceOffset } of followed.outcomes) {
      if (error) {
        assert.ok((expectedErrors[kind] ?? []).includes(error),
          `${kind} (${signer.address}, nonce +${nonceOffset}) failed with ${error}`);
      }
    }
    // Dave's and Eve's oracle targets had 8 and 7 free places (Eve's holds the genesis cover).
    const covers = report.perKind['insurance.buyCover'];
    const perTarget = api.consts.insurance.maxCoversPerTarget.toNumber();
    assert.ok(covers.ok >= Math.min(COVER_BUYERS, 2 * perTarget - 1), 'covers sold up to the places free on their targets');
    for (const operator of [dave, eve]) {
      const held = (await api.query.insurance.coversOf(operator.address, 0)).length;
      assert.ok(held <= perTarget, `${held} covers on ${operator.address}`);
    }
    const slashes = report.perKind['slashing.requestSlash'];
    assert.equal(slashes.ok, api.consts.slashing.maxSlashesPerWindow.toNumber(), 'slash requests up to the window cap');
    for (const block of followed.blocks) {
      assert.ok(block.normalRefTime <= block.normalLimit, `block #${block.number} over its normal weight`);
    }
    const checked = await checkPositions(api, followed.outcomes, context.vault);
    console.log(`every outcome as expected; ${checked} positions add up to their calls`);
    writeReadmeSection('load', readmeSection(report));
  } finally {
    await node.stop();
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
