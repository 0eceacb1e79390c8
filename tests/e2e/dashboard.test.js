// The dashboard in headless Chromium against a dev node: Bob's restaked value, pending loss and
// yield parts and the operator–service graph, each read from the page and compared with the
// runtime API at the block the page rendered them at; the stress view's loss against what a
// real critical slash then takes. Screenshots go to tests/e2e/.e2e/dashboard/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';

import { startDevNode } from './lib/devnode.js';
import { UNIT, devAccounts, findEvent, hash32, step, submitOk, waitForBlock } from './lib/chain.js';
import { launchBrowser, serveDashboard } from './lib/dashboard.js';
import { LOG_DIR, waitUntil } from './lib/nodes.js';

const SHOTS = path.join(LOG_DIR, 'dashboard');

describe('the dashboard', () => {
  let node;
  let api;
  let site;
  let browser;
  let page;
  const { alice, bob, dave } = devAccounts();

  before(async () => {
    mkdirSync(SHOTS, { recursive: true });
    node = await startDevNode('dashboard');
    api = node.api;
    site = await serveDashboard();
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on('pageerror', (error) => console.error(`page error: ${error.message}`));
  });

  after(async () => {
    if (browser) await browser.close();
    if (site) await site.close();
    if (node) await node.stop();
  });

  const shot = async (name) => {
    const file = path.join(SHOTS, `${name}.png`);
    await page.screenshot({ path: file, fullPage: true });
    step('screenshot', { file: path.relative(process.cwd(), file) });
  };

  /** The block the page's figures are from, once it is at least `block`. */
  const renderedAt = async (block) => {
    await page.waitForFunction(
      (b) => Number(document.body.dataset.renderedAt ?? -1) >= b, { timeout: 60_000 }, block,
    );
    return Number(await page.evaluate(() => document.body.dataset.renderedAt));
  };

  /** `data-*` attribute `name` of `selector`. */
  const attr = (selector, name) => page.$eval(selector, (el, n) => el.getAttribute(n), name);

  /** The runtime API at block `number`. */
  const callAt = async (number) => (await api.at(await api.rpc.chain.getBlockHash(number))).call;

  /**
   * Bob's figures on the page and from the runtime API at the block the page read them at. The
   * page renders again on every block: if it did between reading its block and its figures,
   * compare again on a newer render.
   */
  const bobOnPageAndChain = async () => {
    let since = (await api.rpc.chain.getHeader()).number.toNumber();
    for (let tries = 0; ; tries += 1) {
      const block = await renderedAt(since);
      const onPage = {
        restaked: BigInt(await attr('[data-figure="restaked"]', 'data-value')),
        pendingLoss: BigInt(await attr('[data-figure="pending-loss"]', 'data-value')),
        parts: Object.fromEntries(await Promise.all(['base', 'rewards', 'compensation', 'losses'].map(
          async (part) => [part, {
            amount: BigInt(await attr(`[data-part="${part}"] [data-amount]`, 'data-amount')),
            perYear: BigInt(await attr(`[data-part="${part}"] [data-per-year]`, 'data-per-year')),
          }],
        ))),
      };
      const stillAt = Number(await page.evaluate(() => document.body.dataset.renderedAt));
      const call = await callAt(block);
      const exposure = (await call.restakingApi.stakerExposure(bob.address)).unwrap();
      const estimate = (await call.restakingApi.stakerYield(bob.address)).unwrap();
      const onChain = {
        restaked: exposure.restaked.toBigInt(),
        pendingLoss: exposure.pendingLoss.toBigInt(),
        parts: Object.fromEntries(['base', 'rewards', 'compensation', 'losses'].map((part) => [part, {
          amount: estimate[part].amount.toBigInt(),
          perYear: estimate[part].perYear.toBigInt(),
        }])),
      };
      if (stillAt === block || tries >= 3) {
        assert.deepEqual(onPage, onChain, `Bob's figures at block ${block}`);
        return { onPage, estimate, exposure };
      }
      since = stillAt + 1;
    }
  };

  it('shows a delegator\'s position, yield and stress, and the system graph, as the chain has them', async () => {
    await page.goto(`${site.url}?rpc=ws://127.0.0.1:${node.rpcPort}`);
    await page.waitForSelector('#status[data-state="live"]', { timeout: 60_000 });
    await page.select('#account-select', bob.address);
    await page.waitForSelector('[data-figure="restaked"]', { timeout: 60_000 });

    // The graph: every operator and service the listings hold, an edge per allocation.
    const head = (await api.rpc.chain.getHeader()).number.toNumber();
    const call = await callAt(await renderedAt(head));
    const services = (await call.restakingApi.services(null, 100)).items;
    const operators = (await call.restakingApi.operators(null, 100)).items;
    const allocations = operators.flatMap(([, profile]) => profile.allocations.filter((a) => a.slashable.toBigInt() > 0n));
    assert.equal(await page.$$eval('#graph .service-node', (n) => n.length), services.length);
    assert.equal(await page.$$eval('#graph .operator-node', (n) => n.length), operators.length);
    assert.equal(await page.$$eval('#graph line.edge', (n) => n.length), allocations.length);
    assert.deepEqual([services.length, operators.length, allocations.length], [2, 2, 3]);
    for (const [id, security] of services) {
      assert.equal(await attr(`#services tr[data-service="${id}"] td[data-nakamoto]`, 'data-nakamoto'),
        String(security.nakamotoCoefficient.toNumber()));
    }
    const before = await bobOnPageAndChain();
    assert.equal(before.onPage.restaked, 20_000n * UNIT);

    // The stress view: each of Dave's services slashing Bob at its critical tier. The oracle
    // (service 0) can slash 10,000 UNIT of Bob at 10 %.
    await page.click('#stress');
    await page.waitForSelector('#stress-view:not([hidden])');
    const predicted = BigInt(await attr('#stress-view [data-stress="0"] [data-value]', 'data-value'));
    assert.equal(predicted, 1_000n * UNIT);
    await shot('1-bob-at-genesis-stress');

    // Alice pays Dave's pool, and asks for a critical slash of Dave on the oracle.
    await submitOk(api, api.tx.restaking.payRewards(0, dave.address, 1_000n * UNIT), alice);
    const events = await submitOk(api, api.tx.slashing.requestSlash(0, dave.address, 'Critical', hash32('0d')), alice);
    const due = findEvent(events, 'slashing', 'SlashRequested').data.due.toNumber();
    await page.waitForSelector('#pending tr[data-slash]', { timeout: 30_000 });
    await shot('2-slash-pending');

    // Once the slash executed and its era completed, the page shows the loss, and the yield of
    // the eras since genesis: the payment, the slash and the base layer's payouts.
    await waitForBlock(api, due + 1);
    const activeEra = async () => (await api.query.staking.activeEra()).unwrap().index.toNumber();
    const slashEra = await activeEra();
    await waitUntil(async () => (await activeEra()) > slashEra, `era ${slashEra} is over`, 180_000);
    const afterSlash = await bobOnPageAndChain();
    assert.ok(afterSlash.onPage.restaked < before.onPage.restaked, 'the slash took part of Bob\'s value');
    const { parts } = afterSlash.onPage;
    assert.ok(parts.base.amount > 0n, 'era 0 paid Bob on the base layer');
    assert.ok(parts.rewards.amount > 0n && parts.rewards.perYear > 0n, 'Alice\'s payment shows');
    assert.ok(parts.losses.amount > 0n && parts.losses.perYear > 0n, 'the slash shows as a loss');
    assert.equal(afterSlash.estimate.window.eras.toNumber(), afterSlash.estimate.window.currentEra.toNumber());

    // The oracle's critical slash took from Bob what the stress view said it would (up to the
    // pool's rounding of a unit per share record).
    const lost = before.onPage.restaked - afterSlash.onPage.restaked;
    assert.ok(predicted - lost <= 2n && lost - predicted <= 2n, `lost ${lost}, predicted ${predicted}`);
    await shot('3-bob-after-slash');
    step('dashboard', {
      restaked: `${afterSlash.onPage.restaked / UNIT} UNIT`,
      predictedLoss: `${predicted / UNIT} UNIT`,
      lost: `${lost} planck`,
      rewardsPerYear: `${parts.rewards.perYear / 10n ** 16n} %`,
      lossesPerYear: `${parts.losses.perYear / 10n ** 16n} %`,
    });
  });
});
