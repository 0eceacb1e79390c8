// The systemic-risk report: random restaking networks of 10 to 1,000 operators and services,
// each the genesis of its own node, read through the runtime API.
//
//   node tests/e2e/risk.js            # or benchmarks/risk.sh, which builds the node first
//
// For every size n in RISK_SIZES (default 10, 30, 100, 300, 1000) and every family below it
// generates a network of n operators and n services (seeded, so every run builds the same
// ones), writes it into the `development` genesis beside the demo's own services (whose risk
// profiles it drops, so that they count as declaring nothing), starts a
// node on it (temporary state, RPC on RISK_RPC_PORT, default 9971; no blocks are authored: the
// calls read the genesis state) and asks `RestakingApi`:
// - `securityReport(ψ)`: the overcollateralization γ the per-operator condition certifies, the
//   largest load, the cascade bound (1 + 1/γ)·ψ;
// - `stressTest(Uniform(ψ), 64)` for every shock ψ in SHOCKS: what the search finds lost, in
//   how many steps, against the bound.
// Each call is made once untimed (warming the node's state cache), then timed RISK_REPEAT times
// (default 5) as the raw `state_call` RPC (execution in the node's wasm runtime plus the local
// RPC round trip), and the median kept.
//
// Families (unique stake, as the demo runtime's `MaxLeverage = 1`): each operator has a
// self-bond of 1,000–10,000 UNIT split evenly over 1–4 services (at most 32 operators a
// service); each service has a critical slash f of 10, 25 or 50 % and a corruption threshold α
// of 1/3 or 2/3; its profit from corruption is u · f · α · S_s with u drawn from [0, u_max]:
// u_max = 0.5 (certified γ ≥ 1), 0.8 (γ ≥ 0.25) and 1.5 (not certified).
//
// Writes benchmarks/risk.json (every figure), benchmarks/risk.svg and the systemic-risk section
// of benchmarks/README.md (RISK_FROM_JSON=1 renders the last two again from the first). Exits
// non-zero if a certified network loses more than its bound.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';

import { encodeAddress } from '@polkadot/util-crypto';
import { hexToU8a, u8aConcat, u8aToHex } from '@polkadot/util';

import { UNIT } from './lib/chain.js';
import { ChainNode, NODE_BIN } from './lib/nodes.js';
import { BENCHMARKS, writeReadmeSection } from './lib/report.js';

const PORT = Number(process.env.RISK_RPC_PORT ?? 9971);
const SIZES = (process.env.RISK_SIZES ?? '10,30,100,300,1000').split(',').map(Number);
const REPEAT = Number(process.env.RISK_REPEAT ?? 5);
const FAMILIES = [
  { name: 'γ ≥ 1', uMax: 0.5 },
  { name: 'γ ≥ 0.25', uMax: 0.8 },
  { name: 'not certified', uMax: 1.5 },
];
/** Shocks ψ, in percent of every operator's stake. */
const SHOCKS = [5, 10, 20, 33];
const MAX_STEPS = 64;
const MAX_OPERATORS_PER_SERVICE = 32;
const PERBILL = 1_000_000_000n;
const QUINTILL = 1_000_000_000_000_000_000n;
/** The demo preset registers two services of its own: generated ones start at this id. */
const FIRST_SERVICE = 2;

/** A seeded pseudo-random generator (mulberry32): numbers in [0, 1). */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A distinct account for `tag` and `index` (no key behind it: genesis needs only addresses). */
function address(tag, index) {
  const bytes = new Uint8Array(32);
  bytes[0] = tag;
  new DataView(bytes.buffer).setUint32(1, index);
  return encodeAddress(bytes, 42);
}

/** `x · parts / 10^9`, rounded down, as `Perbill::mul_floor` does. */
const perbill = (parts, x) => (x * BigInt(parts)) / PERBILL;

/** Network `n` of `family`, with the chain's own rounding for what each service can slash. */
function generate(n, family, seed) {
  const draw = random(seed);
  const operators = [];
  const members = Array.from({ length: n }, () => 0);
  const allocations = [];
  const behind = Array.from({ length: n }, () => 0n);
  for (let i = 0; i < n; i++) {
    const stake = BigInt(1_000 + Math.floor(draw() * 9_000)) * UNIT;
    const wanted = 1 + Math.floor(draw() * 4);
    const chosen = new Set();
    for (let tries = 0; chosen.size < wanted && tries < 64; tries++) {
      const s = Math.floor(draw() * n);
      if (members[s] < MAX_OPERATORS_PER_SERVICE) chosen.add(s);
    }
    const magnitude = QUINTILL / BigInt(Math.max(chosen.size, 1));
    for (const s of chosen) {
      members[s] += 1;
      allocations.push([i, s, magnitude]);
      behind[s] += (stake * magnitude) / QUINTILL;
    }
    operators.push(stake);
  }
  const services = behind.map((stake) => {
    const fraction = [100_000_000, 250_000_000, 500_000_000][Math.floor(draw() * 3)];
    const threshold = [333_333_334, 666_666_667][Math.floor(draw() * 2)];
    const cost = perbill(fraction, perbill(threshold, stake));
    const u = draw() * family.uMax;
    const profit = (cost * BigInt(Math.round(u * 1e6))) / 1_000_000n;
    return { fraction, threshold, profit, behind: stake };
  });
  return { operators, allocations, services };
}

/** The genesis patch of `network` merged into the development preset's `patch`. */
function withNetwork(patch, network) {
  const owner = address(1, 0);
  const operator = (i) => address(2, i);
  const id = (s) => FIRST_SERVICE + s;
  patch.balances.balances.push([owner, BigInt(network.services.length + 1) * 1_000n * UNIT]);
  network.operators.forEach((stake, i) => patch.balances.balances.push([operator(i), stake + 1_000n * UNIT]));
  const r = patch.restaking;
  // The demo's own services keep their operators but declare nothing (the bridge's profit
  // would leave every network uncertified): the figures are the generated network's.
  r.riskProfiles = [];
  for (let s = 0; s < network.services.length; s++) {
    r.services.push([owner, [], 0n, MAX_OPERATORS_PER_SERVICE, false, 0n]);
  }
  network.operators.forEach((stake, i) => r.operators.push([operator(i), stake, 50_000_000, []]));
  for (const [i, s, magnitude] of network.allocations) r.allocations.push([operator(i), id(s), magnitude]);
  network.services.forEach(({ profit, threshold, fraction }, s) => {
    r.riskProfiles.push([id(s), profit, threshold]);
    patch.slashing.policies.push([id(s), null, fraction / 10, fraction / 2, fraction, fraction, 20]);
  });
  return patch;
}

/** JSON with every BigInt written as a plain number (genesis balances exceed 2^53). */
function toJson(value) {
  const marked = JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? `@@${v}@@` : v));
  return marked.replace(/"@@(\d+)@@"/g, '$1');
}

/** The development chain spec as the node writes it (its runtime and genesis patch). */
function baseSpec() {
  return JSON.parse(execFileSync(NODE_BIN, ['build-spec', '--chain', 'dev'], {
    stdio: ['ignore', 'pipe', 'ignore'],
    maxBuffer: 256 * 1024 * 1024,
  }).toString());
}

/** One `state_call` of `RestakingApi_<method>` over HTTP: the SCALE-encoded result. */
async function stateCall(method, input) {
  const response = await fetch(`http://127.0.0.1:${PORT}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'state_call', params: [`RestakingApi_${method}`, input] }),
  });
  const reply = await response.json();
  if (reply.error) throw new Error(`RestakingApi_${method}: ${JSON.stringify(reply.error)}`);
  return reply.result;
}

/**
 * Call `RestakingApi_<method>` with `args` REPEAT times over HTTP; the median wall time and the
 * decoded result. (HTTP, not the WebSocket: there, replies of a few to a few tens of KiB waited
 * about 40 ms on TCP acknowledgements, whatever the runtime took.)
 */
async function timed(api, method, camel, args) {
  const meta = api.call.restakingApi[camel].meta;
  const input = u8aToHex(u8aConcat(...meta.params.map((p, i) => api.registry.createTypeUnsafe(p.type, [args[i]]).toU8a())));
  // One call first, untimed: it warms the node's state cache.
  let raw = await stateCall(method, input);
  const times = [];
  for (let k = 0; k < REPEAT; k++) {
    const start = performance.now();
    raw = await stateCall(method, input);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  const value = api.registry.createTypeUnsafe(meta.type, [hexToU8a(raw)]).toJSON();
  return { ms: times[Math.floor(times.length / 2)], value };
}

const percentOf = (perbillParts) => Number(perbillParts) / 1e7;

async function measure(spec, n, family, seed, scratch) {
  const network = generate(n, family, seed);
  const chain = structuredClone(spec);
  withNetwork(chain.genesis.runtimeGenesis.patch, network);
  const file = path.join(scratch, `risk-${n}-${seed}.json`);
  writeFileSync(file, toJson(chain));
  const node = new ChainNode(`risk-${PORT}`, [
    '--chain', file, '--tmp', '--listen-addr', '/ip4/127.0.0.1/tcp/0',
    '--no-prometheus', '--no-telemetry', '--no-mdns',
  ], PORT);
  const api = await node.start();
  try {
    const report = await timed(api, 'security_report', 'securityReport', [SHOCKS[0] * 10_000_000]);
    const certificate = report.value.overcollateralization;
    const gamma = certificate.gamma !== undefined ? Number(BigInt(certificate.gamma)) / 1e18 : null;
    const loads = report.value.operators.map((o) => Number(BigInt(o.load)) / 1e18);
    const stress = [];
    for (const psi of SHOCKS) {
      const run = await timed(api, 'stress_test', 'stressTest', [{ Uniform: psi * 10_000_000 }, MAX_STEPS]);
      const v = run.value;
      stress.push({
        shockPercent: percentOf(v.shock),
        lostPercent: percentOf(v.lost),
        boundPercent: v.cascadeBound === null ? null : percentOf(v.cascadeBound),
        steps: v.steps.length,
        attacked: v.steps.reduce((sum, step) => sum + step.services.length, 0),
        truncated: v.truncated,
        ms: run.ms,
      });
    }
    return {
      n,
      family: family.name,
      uMax: family.uMax,
      seed,
      edges: network.allocations.length,
      services: report.value.services.length,
      operators: report.value.operators.length,
      certificate: gamma !== null ? 'gamma' : Object.keys(certificate)[0] ?? String(certificate),
      gamma,
      maxLoad: Math.max(...loads),
      securityReportMs: report.ms,
      stress,
    };
  } finally {
    await node.stop();
  }
}

/** A log-log chart of the calls' times against n. */
function plot(results) {
  const width = 760;
  const height = 360;
  const left = 70;
  const top = 30;
  const plotW = width - left - 200;
  const plotH = height - top - 50;
  const xs = [...new Set(results.map((r) => r.n))].sort((a, b) => a - b);
  const series = [
    { label: 'securityReport', color: '#1f77b4', value: (r) => r.securityReportMs },
    ...SHOCKS.map((psi, k) => ({
      label: `stressTest ψ = ${psi} %`,
      color: ['#2ca02c', '#ff7f0e', '#d62728', '#9467bd'][k],
      value: (r) => r.stress[k].ms,
    })),
  ];
  const all = results.flatMap((r) => series.map((s) => s.value(r)));
  const lo = Math.log10(Math.max(Math.min(...all), 0.1));
  const hi = Math.log10(Math.max(...all)) + 0.1;
  const x = (n) => left + (plotW * (Math.log10(n) - Math.log10(xs[0]))) / Math.max(Math.log10(xs[xs.length - 1] / xs[0]), 1e-9);
  const y = (ms) => top + plotH - (plotH * (Math.log10(Math.max(ms, 0.1)) - lo)) / (hi - lo);
  const svg = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    '<rect width="100%" height="100%" fill="white"/>',
    `<text x="${left}" y="18">RestakingApi call time (median ms, log) against operators = services (log); worst family per size</text>`,
  ];
  for (let d = Math.ceil(lo); d <= Math.floor(hi); d++) {
    svg.push(`<line x1="${left}" y1="${y(10 ** d)}" x2="${left + plotW}" y2="${y(10 ** d)}" stroke="#ddd"/>`);
    svg.push(`<text x="${left - 6}" y="${y(10 ** d) + 4}" text-anchor="end">${10 ** d}</text>`);
  }
  for (const n of xs) svg.push(`<text x="${x(n)}" y="${top + plotH + 18}" text-anchor="middle">${n}</text>`);
  series.forEach((s, k) => {
    const points = xs.map((n) => {
      const worst = Math.max(...results.filter((r) => r.n === n).map(s.value));
      return `${x(n).toFixed(1)},${y(worst).toFixed(1)}`;
    });
    svg.push(`<polyline points="${points.join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    svg.push(`<rect x="${left + plotW + 20}" y="${top + k * 20}" width="12" height="12" fill="${s.color}"/>`);
    svg.push(`<text x="${left + plotW + 38}" y="${top + k * 20 + 11}">${s.label}</text>`);
  });
  svg.push('</svg>');
  return `${svg.join('\n')}\n`;
}

function readmeSection(report) {
  const fmt = (v, digits = 2) => (v === null ? '—' : v.toFixed(digits));
  const rows = report.results.map((r) => {
    const cascades = r.stress.map((s) => `${fmt(s.lostPercent, 1)} / ${s.boundPercent === null ? '—' : fmt(s.boundPercent, 1)}`).join(' · ');
    const ms = Math.max(...r.stress.map((s) => s.ms));
    return `| ${r.n} | ${r.edges} | ${r.family} | ${r.gamma === null ? r.certificate : fmt(r.gamma)} | ${fmt(r.maxLoad)} | ${cascades} | ${r.stress.reduce((m, s) => Math.max(m, s.steps), 0)} | ${fmt(r.securityReportMs, 1)} | ${fmt(ms, 1)} |`;
  });
  return [
    `Run on ${report.machine}; node: ${report.node}. Every network is the genesis of its own node; the times are the median of ${report.repeat} raw \`state_call\` requests over HTTP (wasm execution and the local RPC round trip).`,
    '',
    `Cascades: stake lost after a uniform shock ψ of ${report.shocksPercent.join(', ')} % (shock included) as the stress test's search finds it, against the bound (1 + 1/γ)·ψ where the network is certified, both in % of all stake. Most steps: the longest cascade of attacks found; ${MAX_STEPS} means the search stopped at \`MAX_STRESS_STEPS\` with a profitable attack left (\`truncated\`).`,
    '',
    '| operators = services | edges | family | γ certified | largest load | lost / bound at each ψ | most steps | `securityReport` ms | slowest `stressTest` ms |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    '![RestakingApi call time against network size](risk.svg)',
  ].join('\n');
}


/** Render the report again from benchmarks/risk.json (RISK_FROM_JSON=1): plot and section. */
function render(report) {
  writeFileSync(path.join(BENCHMARKS, 'risk.svg'), plot(report.results));
  const section = readmeSection(report);
  writeReadmeSection('risk', section);
  console.log(section);
}

async function main() {
  if (process.env.RISK_FROM_JSON) {
    render(JSON.parse(readFileSync(path.join(BENCHMARKS, 'risk.json'), 'utf8')));
    return;
  }
  const spec = baseSpec();
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'risk-'));
  const results = [];
  try {
    for (const n of SIZES) {
      for (const [k, family] of FAMILIES.entries()) {
        const result = await measure(spec, n, family, 1_000 * n + k, scratch);
        results.push(result);
        console.log(`n = ${n}, ${family.name}: γ = ${result.gamma ?? result.certificate}, ` +
          `securityReport ${result.securityReportMs.toFixed(1)} ms, lost/bound ` +
          result.stress.map((s) => `${s.lostPercent.toFixed(1)}/${s.boundPercent?.toFixed(1) ?? '—'} in ${s.ms.toFixed(0)} ms`).join(', '));
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.arch()}`;
  const report = { machine, node: process.env.NODE_LABEL ?? NODE_BIN, repeat: REPEAT, shocksPercent: SHOCKS, results };
  writeFileSync(path.join(BENCHMARKS, 'risk.json'), `${JSON.stringify(report, null, 1)}\n`);
  render(report);

  for (const r of results) {
    if (r.family !== 'not certified') assert.equal(r.certificate, 'gamma', `n = ${r.n}, ${r.family}: certified`);
    for (const s of r.stress) {
      if (s.boundPercent !== null) {
        assert.ok(s.lostPercent <= s.boundPercent + 1e-7,
          `n = ${r.n}, ${r.family}, ψ = ${s.shockPercent} %: lost ${s.lostPercent} % above the bound ${s.boundPercent} %`);
      }
    }
  }
}

main().then(() => process.exit(0), (error) => {
  console.error(error);
  process.exit(1);
});
