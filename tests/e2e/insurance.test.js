// Insurance on the dev chain through polkadot-js: the genesis pool and cover shown by
// `api.call.insuranceApi.*`, a quote honoured by a purchase to the unit, and bad calls failing
// with the pallet's documented errors. (A covered slash paying out is part of the lifecycle
// scenario and the runtime tests.)
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { startDevNode } from './lib/devnode.js';
import { UNIT, devAccounts, findEvent, step, submit, submitOk } from './lib/chain.js';

describe('insurance on the dev chain', () => {
  let node;
  let api;
  const { bob, eve, ferdie } = devAccounts();

  before(async () => {
    node = await startDevNode('insurance');
    api = node.api;
  });

  after(async () => {
    if (node) await node.stop();
  });

  it('shows the genesis pool and cover', async () => {
    const pool = (await api.call.insuranceApi.poolState(0)).unwrap();
    assert.equal(pool.owner.toString(), ferdie.address);
    assert.equal(pool.locked.toBigInt(), 5_000n * UNIT);
    // The genesis cover's premium is earned block by block over its period.
    assert.ok(pool.unearned.toBigInt() > 0n, 'part of the premium is still to be earned');
    assert.equal(pool.capital.toBigInt(), 100_000n * UNIT + pool.premiums.toBigInt());
    const covers = await api.call.insuranceApi.coversOf(eve.address, 0);
    assert.equal(covers.length, 1);
    assert.equal(covers[0].remaining.toBigInt(), 5_000n * UNIT);
    step('genesis pool', {
      capital: `${pool.capital.toBigInt() / UNIT} UNIT`,
      locked: `${pool.locked.toBigInt() / UNIT} UNIT`,
      utilization: `${pool.utilization.toNumber() / 1e7} %`,
      premiums: `${pool.premiums.toBigInt()} earned, ${pool.unearned.toBigInt()} to earn (planck)`,
    });
  });

  it('sells cover at the quoted premium', async () => {
    const amount = 1_000n * UNIT;
    const period = 100;
    const before = (await api.query.system.account(bob.address)).data.free.toBigInt();
    const result = await submit(
      api,
      api.tx.insurance.buyCover(0, eve.address, 0, amount, period),
      bob,
    );
    assert.equal(result.error, null);
    const { events } = result;
    const bought = findEvent(events, 'insurance', 'CoverBought');
    const premium = bought.data.premium.toBigInt();
    // The quote answers for a sale in the next block: asked on the state the including block
    // started from, it is what the sale charged (premiums are earned block by block, so the
    // price moves a little from one block to the next).
    const parent = (await api.rpc.chain.getHeader(result.blockHash)).parentHash;
    const quote = await (await api.at(parent)).call.insuranceApi.insuranceQuote(
      0, eve.address, 0, amount, period);
    assert.ok(quote.isOk, 'the cover can be sold');
    assert.equal(quote.asOk.toBigInt(), premium);
    const fee = findEvent(events, 'transactionPayment', 'TransactionFeePaid').data.actualFee.toBigInt();
    const after = (await api.query.system.account(bob.address)).data.free.toBigInt();
    assert.equal(before - after, premium + fee);
    step('cover bought', { amount: `${amount / UNIT} UNIT`, period, premium: `${premium} planck` });
  });

  it('rejects bad calls with documented module errors', async () => {
    const notAllocated = await submit(
      api,
      api.tx.insurance.buyCover(0, bob.address, 0, 1_000n * UNIT, 100),
      bob,
    );
    assert.equal(notAllocated.error, 'insurance.NotAllocated');
    const tooBig = await submit(
      api,
      api.tx.insurance.buyCover(0, eve.address, 0, 1_000_000n * UNIT, 100),
      bob,
    );
    assert.equal(tooBig.error, 'insurance.InsufficientCapacity');
    const early = await submit(api, api.tx.insurance.withdraw(0), ferdie);
    assert.equal(early.error, 'insurance.NoWithdrawal');
    const quote = await api.call.insuranceApi.insuranceQuote(0, eve.address, 0, 1_000n * UNIT, 1);
    assert.ok(quote.isErr, 'a one-block cover is refused');
    step('bad calls rejected', {
      buyCover: `${notAllocated.error}, ${tooBig.error}`,
      withdraw: early.error,
      quote: JSON.stringify(quote.asErr.toHuman()),
    });
  });
});
