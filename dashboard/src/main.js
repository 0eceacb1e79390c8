// The page: connects to a node (`?rpc=` or the endpoint field, ws://127.0.0.1:9944 by default),
// renders the chosen account and the whole system, and renders again on every new block.
import { ApiPromise, WsProvider } from '@polkadot/api';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

import './style.css';
import { loadAccount, loadSystem, securityAt } from './data.js';
import {
  countdown, esc, fixedDecimal, fixedPercent, perbillOf, perbillPercent, setToken, short, units,
} from './format.js';
import { drawGraph } from './graph.js';

const DEFAULT_ENDPOINT = 'ws://127.0.0.1:9944';
const DEV_NAMES = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'];
/** Blocks the security plot keeps. */
const PLOT_BLOCKS = 60;

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(window.location.search);
const state = {
  api: null,
  account: params.get('account') ?? '',
  names: new Map(),
  head: 0,
  headHash: null,
  blockMs: 3000,
  history: [],
  plot: null,
  rendering: false,
  again: false,
};

const nameOf = (address) => state.names.get(address) ?? short(address);

/** A figure with its raw value, for people (the text) and for tests (`data-value`). */
const figure = (name, value, text) =>
  `<dt>${esc(name.label)}</dt><dd data-figure="${name.key}" data-value="${value}">${esc(text)}</dd>`;

function table(headers, rows, empty) {
  if (rows.length === 0) return `<p class="muted">${esc(empty)}</p>`;
  const head = headers.map((h) => `<th class="${h.num ? 'num' : ''}">${esc(h.label)}</th>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function renderAccount(account) {
  if (!account) {
    return '<p class="muted" data-empty="account">This account neither stakes nor restakes.</p>';
  }
  const parts = [];
  const e = account.exposure;
  if (e) {
    parts.push(`<dl class="figures">
      ${figure({ key: 'operator', label: 'Operator' }, e.operator ?? '', e.operator ? nameOf(e.operator) : 'none (vault tokens only)')}
      ${figure({ key: 'restaked', label: 'Restaked value' }, e.restaked, units(e.restaked))}
      ${figure({ key: 'pending-loss', label: 'Pending loss' }, e.pendingLoss, units(e.pendingLoss))}
      ${figure({ key: 'pending-rewards', label: 'Rewards to claim' }, e.pendingRewards, units(e.pendingRewards))}
      ${figure({ key: 'pending-compensation', label: 'Compensation to claim' }, e.pendingCompensation, units(e.pendingCompensation))}
      ${figure({ key: 'queued-outflow', label: 'Waiting in the outflow queue' }, e.queuedOutflow, units(e.queuedOutflow))}
      ${figure({ key: 'base-bond', label: 'Base-layer bond' }, e.baseBond, units(e.baseBond))}
    </dl>`);
    parts.push('<h3>Withdrawals</h3>', table(
      [{ label: 'Value', num: true }, { label: 'Unlocks at block' }, { label: '' }],
      e.withdrawals.map((w) => `<tr data-withdrawal><td class="num" data-value="${w.value}">${units(w.value)}</td>
        <td>${w.unlockAt}</td><td>${countdown(w.unlockAt, state.head, state.blockMs)}</td></tr>`),
      'No withdrawal waiting.',
    ));
    parts.push('<h3>What each service can slash</h3>', table(
      [{ label: 'Service' }, { label: 'Slashable', num: true }, { label: 'Critical tier', num: true }],
      e.services.map((s) => `<tr data-exposure="${s.service}"><td>service ${s.service}</td>
        <td class="num" data-value="${s.slashable}">${units(s.slashable)}</td>
        <td class="num">${perbillPercent(s.critical)}</td></tr>`),
      'No service can slash this account.',
    ));
    const losses = e.services.map((s) => ({ ...s, loss: perbillOf(s.critical, s.slashable) }));
    const total = losses.reduce((sum, s) => sum + s.loss, 0n);
    parts.push(`<button id="stress" type="button">Stress: every service slashes at its Critical tier</button>
      <div id="stress-view" hidden>
        ${table(
          [{ label: 'Service' }, { label: 'Loss', num: true }],
          losses.map((s) => `<tr data-stress="${s.service}"><td>service ${s.service}</td>
            <td class="num loss" data-value="${s.loss}">${units(s.loss)}</td></tr>`),
          'Nothing to lose.',
        )}
        <dl class="figures">
          ${figure({ key: 'stress-loss', label: 'Lost in all' }, total, units(total))}
          ${figure({ key: 'stress-left', label: 'Restaked value left' }, e.restaked - total, units(e.restaked - total))}
        </dl>
      </div>`);
    parts.push('<h3>Vault positions</h3>', table(
      [{ label: 'Vault' }, { label: 'Operator' }, { label: 'Tokens', num: true }, { label: 'Value', num: true }],
      e.vaults.map((v) => `<tr data-vault-position="${v.vault}"><td>${v.vault}</td><td>${esc(nameOf(v.operator))}</td>
        <td class="num">${units(v.tokens)}</td><td class="num" data-value="${v.value}">${units(v.value)}</td></tr>`),
      'No vault tokens.',
    ));
  }
  const y = account.yield;
  if (y) {
    const row = (key, label, part, sign) => `<tr data-part="${key}">
      <td>${label}</td>
      <td class="num ${sign}" data-amount="${part.amount}">${units(part.amount)}</td>
      <td class="num" data-basis="${part.basis}">${units(part.basis, 0)}</td>
      <td class="num ${sign}" data-per-year="${part.perYear}">${fixedPercent(part.perYear)}</td></tr>`;
    const eras = (n) => `${n} completed era${n === 1 ? '' : 's'}`;
    parts.push(`<h3>Yield</h3>
      <p class="muted">Restaking over ${eras(y.eras)}${y.eras > 0 ? ` from era ${y.firstEra}` : ''}, the base layer over
      the last ${eras(y.baseEras)} (era ${y.currentEra} in progress), annualized at ${y.erasPerYear.toLocaleString('en')} eras a year.</p>`,
    table(
      [{ label: 'Part' }, { label: 'Over the window', num: true }, { label: 'On', num: true }, { label: 'Per year', num: true }],
      [
        row('base', 'Base-layer staking', y.base, 'gain'),
        row('rewards', 'Service rewards (net of commission)', y.rewards, 'gain'),
        row('compensation', 'Insurance compensation', y.compensation, 'gain'),
        row('losses', 'Slash losses', y.losses, 'loss'),
      ],
      '',
    ),
    `<dl class="figures">${figure({ key: 'net-yield', label: 'Net, on the bond' }, y.net ?? '', y.net === null ? '—' : fixedPercent(y.net))}</dl>`);
  }
  return parts.join('');
}

function renderSystem(system) {
  const r = system.risk;
  $('system-summary').innerHTML = `<dl class="figures">
    ${figure({ key: 'total-restaked', label: 'Restaked' }, r.totalRestaked, units(r.totalRestaked, 0))}
    ${figure({ key: 'total-staked', label: 'Staked on the base layer' }, r.totalStaked, units(r.totalStaked, 0))}
    ${figure({ key: 'restaked-share', label: 'Restaked share' }, r.restakedShare, perbillPercent(r.restakedShare))}
    ${figure({ key: 'leverage', label: 'Slashable over restaked' }, r.leverage, fixedPercent(r.leverage))}
    ${figure({ key: 'top-share', label: 'Held by the 3 largest operators' }, r.topOperatorsShare, perbillPercent(r.topOperatorsShare))}
    ${figure({ key: 'shortfall', label: 'Losses not collected' }, r.shortfall, units(r.shortfall))}
  </dl>`;
  $('graph').innerHTML = drawGraph(system, nameOf);
  $('services').innerHTML = table(
    [{ label: 'Service' }, { label: 'Owner' }, { label: 'Status' }, { label: 'Slashable', num: true },
      { label: 'Operators', num: true }, { label: 'Largest operator', num: true }, { label: 'Nakamoto', num: true },
      { label: 'Reward budget', num: true }],
    system.services.map((s) => `<tr data-service="${s.id}"><td>${s.id}</td><td>${esc(nameOf(s.owner))}</td><td>${s.status}</td>
      <td class="num" data-value="${s.totalSlashable}">${units(s.totalSlashable, 0)}</td><td class="num">${s.operators.length}</td>
      <td class="num">${perbillPercent(s.largestShare)}</td><td class="num" data-nakamoto="${s.nakamoto}">${s.nakamoto}</td>
      <td class="num">${units(s.budget, 0)}</td></tr>`),
    'No service registered.',
  );
  $('operators').innerHTML = table(
    [{ label: 'Operator' }, { label: 'Self-bond', num: true }, { label: 'Pool', num: true }, { label: 'Commission', num: true },
      { label: 'Delegators', num: true }, { label: 'Allocations' }, { label: 'Net yield / year', num: true }],
    system.operators.map((o) => `<tr data-operator="${esc(o.operator)}"><td title="${esc(o.operator)}">${esc(nameOf(o.operator))}</td>
      <td class="num">${units(o.selfBond, 0)}</td><td class="num" data-value="${o.poolValue}">${units(o.poolValue, 0)}</td>
      <td class="num">${perbillPercent(o.commission)}</td><td class="num">${o.delegators}</td>
      <td>${o.allocations.map((a) => `service ${a.service}: ${fixedPercent(a.magnitude)}${a.pending ? ' (changing)' : ''}, ${units(a.slashable, 0)}`).join('<br>') || '—'}</td>
      <td class="num" data-net="${o.yield ? o.yield.net : ''}">${o.yield && o.yield.eras > 0 ? `${fixedPercent(o.yield.net)} (${o.yield.eras} eras)` : '—'}</td></tr>`),
    'No operator registered.',
  );
  $('pending').innerHTML = table(
    [{ label: 'Slash' }, { label: 'Service' }, { label: 'Operator' }, { label: 'Tier' }, { label: 'Fraction', num: true },
      { label: 'Of', num: true }, { label: 'Executes' }],
    system.pending.map((p) => `<tr data-slash="${p.id}"><td>${p.id}</td><td>${p.service}</td><td>${esc(nameOf(p.operator))}</td>
      <td>${p.tier}</td><td class="num">${perbillPercent(p.fraction)}</td><td class="num">${units(p.slashable, 0)}</td>
      <td data-due="${p.due}">block ${p.due}, ${countdown(p.due, state.head, state.blockMs)}</td></tr>`),
    'No slash waiting.',
  );
  $('pools').innerHTML = table(
    [{ label: 'Pool' }, { label: 'Owner' }, { label: 'Services' }, { label: 'Capital', num: true }, { label: 'Locked', num: true },
      { label: 'Utilization', num: true }, { label: 'Premium per block', num: true }, { label: 'Covers', num: true }],
    system.pools.map((p) => `<tr data-pool="${p.id}"><td>${p.id}</td><td>${esc(nameOf(p.owner))}</td><td>${p.services.join(', ')}</td>
      <td class="num" data-value="${p.capital}">${units(p.capital, 0)}</td><td class="num">${units(p.locked, 0)}</td>
      <td class="num">${perbillPercent(p.utilization)}</td><td class="num">${perbillPercent(p.premiumPerBlock)}</td>
      <td class="num">${p.covers}</td></tr>`),
    'No insurance pool.',
  );
  $('vaults').innerHTML = table(
    [{ label: 'Vault' }, { label: 'Operator' }, { label: 'Value', num: true }, { label: 'Tokens', num: true },
      { label: 'Value per token', num: true }, { label: '' }],
    system.vaults.map((v) => `<tr data-vault="${v.id}"><td>${v.id}</td><td>${esc(nameOf(v.operator))}</td>
      <td class="num" data-value="${v.value}">${units(v.value, 0)}</td><td class="num">${units(v.supply, 0)}</td>
      <td class="num">${fixedDecimal(v.rate)}</td><td>${v.slashPending ? 'slash pending' : ''}</td></tr>`),
    'No vault.',
  );
}

function plotSecurity() {
  const xs = state.history.map((h) => h.block);
  const toUnits = (v) => Number(v / 10n ** 9n) / 1000;
  const data = [xs, state.history.map((h) => toUnits(h.restaked)), state.history.map((h) => toUnits(h.slashable))];
  if (!state.plot) {
    state.plot = new uPlot({
      width: Math.min($('security-plot').clientWidth || 600, 720),
      height: 200,
      scales: { x: { time: false } },
      axes: [{ label: 'block' }, { label: 'UNIT', size: 70 }],
      series: [
        { label: 'block' },
        { label: 'restaked', stroke: '#1d2430', width: 2, dash: [8, 6] },
        { label: 'slashable over all services', stroke: '#d9822b', width: 2 },
      ],
    }, data, $('security-plot'));
  } else {
    state.plot.setData(data);
  }
}

/**
 * Render everything at the newest block; a block arriving meanwhile asks for one more render
 * afterwards. `body[data-rendered-at]` is the block every figure on the page was read at.
 */
async function render() {
  if (state.rendering) {
    state.again = true;
    return;
  }
  state.rendering = true;
  try {
    const { head, headHash } = state;
    const at = await state.api.at(headHash);
    const system = await loadSystem(at);
    const account = state.account ? await loadAccount(at, state.account) : undefined;
    renderSystem(system);
    if (account !== undefined) {
      const stressOpen = $('stress-view') && !$('stress-view').hidden;
      $('account-view').innerHTML = renderAccount(account);
      if (stressOpen) $('stress-view').hidden = false;
    }
    document.body.dataset.renderedAt = String(head);
  } catch (error) {
    console.error(error);
    $('status').textContent = `error: ${error.message}`;
    $('status').dataset.state = 'error';
  } finally {
    state.rendering = false;
    if (state.again) {
      state.again = false;
      render();
    }
  }
}

async function backfill(header) {
  const first = Math.max(header.number.toNumber() - 20, 0);
  for (let n = first; n <= header.number.toNumber(); n += 1) {
    const hash = await state.api.rpc.chain.getBlockHash(n);
    state.history.push({ block: n, ...(await securityAt(state.api, hash)) });
  }
  plotSecurity();
}

async function connect(endpoint) {
  if (state.api) await state.api.disconnect();
  state.history = [];
  $('status').textContent = `connecting to ${endpoint}…`;
  $('status').dataset.state = 'connecting';
  const api = await ApiPromise.create({ provider: new WsProvider(endpoint), noInitWarn: true });
  state.api = api;
  setToken(api.registry.chainDecimals[0] ?? 12, api.registry.chainTokens[0] ?? 'UNIT');
  // Aura's slots are twice the timestamp pallet's minimum period.
  if (api.consts.timestamp) state.blockMs = Number(api.consts.timestamp.minimumPeriod.toBigInt() * 2n);
  $('status').textContent = `live: ${(await api.rpc.system.chain()).toString()}`;
  $('status').dataset.state = 'live';
  const header = await api.rpc.chain.getHeader();
  state.head = header.number.toNumber();
  state.headHash = header.hash;
  await backfill(header);
  await render();
  await api.rpc.chain.subscribeNewHeads(async (head) => {
    const number = head.number.toNumber();
    if (number <= state.head) return;
    state.head = number;
    state.headHash = head.hash;
    $('head').textContent = `block #${number}`;
    state.history.push({ block: number, ...(await securityAt(api, head.hash)) });
    state.history = state.history.slice(-PLOT_BLOCKS);
    plotSecurity();
    await render();
  });
}

async function main() {
  await cryptoWaitReady();
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  for (const name of DEV_NAMES) {
    const address = keyring.addFromUri(`//${name}`).address;
    state.names.set(address, name);
    $('account-select').insertAdjacentHTML('beforeend', `<option value="${address}">${name}</option>`);
  }
  const endpoint = params.get('rpc') ?? DEFAULT_ENDPOINT;
  $('endpoint').value = endpoint;
  $('account-input').value = state.account;
  $('account-select').value = state.account;

  $('connect').addEventListener('submit', (event) => {
    event.preventDefault();
    connect($('endpoint').value.trim()).catch(showError);
  });
  const choose = (address) => {
    state.account = address;
    $('account-input').value = address;
    $('account-view').innerHTML = '<p class="muted">loading…</p>';
    if (state.api) render();
  };
  $('account-select').addEventListener('change', () => choose($('account-select').value));
  $('choose').addEventListener('submit', (event) => {
    event.preventDefault();
    choose($('account-input').value.trim());
  });
  $('account-view').addEventListener('click', (event) => {
    if (event.target.id === 'stress') $('stress-view').hidden = !$('stress-view').hidden;
  });
  await connect(endpoint);
}

function showError(error) {
  console.error(error);
  $('status').textContent = `error: ${error.message}`;
  $('status').dataset.state = 'error';
}

main().catch(showError);
