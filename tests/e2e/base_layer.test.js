// The dev chain's base layer through polkadot-js: blocks are produced and finalized, a balance
// transfer lands, a transaction signed with the metadata hash (as Ledger and Polkadot Vault
// sign) is accepted and one with a wrong hash refused, a new account bonds and nominates in
// pallet-staking, and bad calls fail with the module errors the metadata documents.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { merkleizeMetadata } from '@polkadot-api/merkleize-metadata';
import { u8aToHex } from '@polkadot/util';

import { startDevNode } from './lib/devnode.js';
import { UNIT, devAccounts, findEvent, step, submit, submitOk, waitForFinalized } from './lib/chain.js';

describe('dev chain base layer', () => {
  let node;
  let api;
  const { alice, dave, ferdie } = devAccounts();

  before(async () => {
    node = await startDevNode('base_layer');
    api = node.api;
    step('node started', { rpc: api._options.provider.endpoint, log: node.logFile });
  });

  after(async () => {
    if (node) await node.stop();
  });

  it('produces and finalizes blocks', async () => {
    const finalized = await waitForFinalized(api, 2);
    const chain = await api.rpc.system.chain();
    const props = await api.rpc.system.properties();
    step('finalized', { block: finalized, chain: chain.toString(), token: props.tokenSymbol.unwrap()[0].toString() });
    assert.ok(finalized >= 2);
    assert.equal(props.tokenDecimals.toJSON()[0], 12);
  });

  it('transfers a balance', async () => {
    const amount = 10n * UNIT;
    const { data: beforeDave } = await api.query.system.account(dave.address);
    const events = await submitOk(api, api.tx.balances.transferKeepAlive(dave.address, amount), alice);
    const transfer = findEvent(events, 'balances', 'Transfer');
    assert.ok(transfer, 'balances.Transfer emitted');
    assert.equal(transfer.data.from.toString(), alice.address);
    assert.equal(transfer.data.to.toString(), dave.address);
    assert.equal(transfer.data.amount.toBigInt(), amount);
    const { data: afterDave } = await api.query.system.account(dave.address);
    assert.equal(afterDave.free.toBigInt() - beforeDave.free.toBigInt(), amount);
    step('transfer', { from: 'Alice', to: 'Dave', amount: `${amount / UNIT} UNIT` });
  });

  it('accepts a transaction signed with the metadata hash (CheckMetadataHash mode 1)', async () => {
    // The hash a hardware wallet computes: the merkleized V15 metadata with the chain's token
    // symbol and decimals (RFC 78). The runtime's own hash is fixed when it is built.
    const opaque = await api.call.metadata.metadataAtVersion(15);
    assert.ok(opaque.isSome, 'the runtime offers V15 metadata');
    const props = await api.rpc.system.properties();
    const tokenSymbol = props.tokenSymbol.unwrap()[0].toString();
    const decimals = props.tokenDecimals.unwrap()[0].toNumber();
    const metadata = opaque.unwrap().toU8a(true);
    const metadataHash = u8aToHex(merkleizeMetadata(metadata, { decimals, tokenSymbol }).digest());
    step('metadata hash', { hash: metadataHash, tokenSymbol, decimals });

    const amount = 3n * UNIT;
    const { data: before } = await api.query.system.account(dave.address);
    const events = await submitOk(api, api.tx.balances.transferKeepAlive(dave.address, amount), alice,
      { mode: 1, metadataHash });
    assert.ok(findEvent(events, 'balances', 'Transfer'), 'balances.Transfer emitted');
    const { data: after } = await api.query.system.account(dave.address);
    assert.equal(after.free.toBigInt() - before.free.toBigInt(), amount);

    // A wallet holding other metadata signs another hash: the runtime's signed payload differs,
    // so the signature does not verify and the pool refuses the transaction.
    const wrongHash = u8aToHex(merkleizeMetadata(metadata, { decimals: decimals + 1, tokenSymbol }).digest());
    await assert.rejects(
      api.tx.balances.transferKeepAlive(dave.address, amount)
        .signAndSend(alice, { mode: 1, metadataHash: wrongHash }),
      /bad signature/,
    );
    const { data: unchanged } = await api.query.system.account(dave.address);
    assert.equal(unchanged.free.toBigInt(), after.free.toBigInt());
    step('mode 1', { accepted: 'right hash', refused: 'wrong hash' });
  });

  it('bonds and nominates in pallet-staking', async () => {
    const bond = 1_000n * UNIT;
    const bonded = await submitOk(api, api.tx.staking.bond(bond, 'Staked'), ferdie);
    const bondedEvent = findEvent(bonded, 'staking', 'Bonded');
    assert.ok(bondedEvent, 'staking.Bonded emitted');
    assert.equal(bondedEvent.data.amount.toBigInt(), bond);

    // `nominate` emits no event of its own: the nominations are read back from storage.
    const nominated = await submitOk(api, api.tx.staking.nominate([alice.address]), ferdie);
    assert.ok(findEvent(nominated, 'system', 'ExtrinsicSuccess'), 'system.ExtrinsicSuccess emitted');

    const ledger = (await api.query.staking.ledger(ferdie.address)).unwrap();
    assert.equal(ledger.active.toBigInt(), bond);
    const nominations = (await api.query.staking.nominators(ferdie.address)).unwrap();
    assert.deepEqual(nominations.targets.map((t) => t.toString()), [alice.address]);
    step('bonded and nominated', { who: 'Ferdie', bond: `${bond / UNIT} UNIT`, target: 'Alice' });
  });

  it('rejects bad calls with documented module errors', async () => {
    // Bonding twice from the same stash.
    const twice = await submit(api, api.tx.staking.bond(UNIT, 'Staked'), ferdie);
    assert.equal(twice.error, 'staking.AlreadyBonded');
    // Creating an offence needs root.
    const offence = await submit(api, api.tx.rootOffences.createOffence([[alice.address, 100_000_000]], null, null), dave);
    assert.equal(offence.error, 'BadOrigin');
    step('bad calls rejected', { bond: twice.error, createOffence: offence.error });
  });
});
