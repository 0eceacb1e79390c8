// A dev node on a base path (not `--tmp`), killed with SIGKILL in the middle of an era, resumes
// on restart with every block it had finalized and the state at it: a restaking delegation, a
// waiting slash request, a cover bought and a vault deposit read back the same, and the chain
// goes on from there.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';

import { devNode } from './lib/devnode.js';
import { removeDir, scratchDir } from './lib/nodes.js';
import {
  UNIT, devAccounts, finalizedHead, findEvent, hash32, step, submitOk, waitForFinalized,
} from './lib/chain.js';

const ERA_BLOCKS = 30; // 3 sessions of 10 blocks

describe('a dev node killed mid-era', () => {
  let dir;
  let node;
  const { alice, dave, eve, ferdie } = devAccounts();

  before(async () => {
    dir = scratchDir('dev');
    node = devNode('restart-dev', { basePath: dir });
    await node.start();
  });

  after(async () => {
    if (node) await node.stop();
    if (dir) removeDir(dir);
  });

  it('resumes with the restaking, slashing, insurance and vault state it had finalized', async () => {
    let { api } = node;
    // Ferdie bonds and restakes through Eve; Alice asks for a minor slash of Eve (its veto
    // window is longer than this test); Ferdie buys cover on Eve's delegators; Alice deposits
    // into Dave's vault (there from genesis).
    await submitOk(api, api.tx.staking.bond(10_000n * UNIT, 'Staked'), ferdie);
    await submitOk(api, api.tx.restaking.delegate(eve.address, 2_000n * UNIT), ferdie);
    const requested = await submitOk(
      api, api.tx.slashing.requestSlash(0, eve.address, 'Minor', hash32('0b')), alice);
    const slash = findEvent(requested, 'slashing', 'SlashRequested').data.id.toNumber();
    const bought = await submitOk(api, api.tx.insurance.buyCover(0, eve.address, 0, 1_000n * UNIT, 200), ferdie);
    const cover = findEvent(bought, 'insurance', 'CoverBought').data.cover.toNumber();
    const vault = (await api.query.liquidRestaking.vaultOf(dave.address)).unwrap().toNumber();
    const deposited = await submitOk(api, api.tx.liquidRestaking.deposit(vault, 500n * UNIT, 0), alice);
    assert.ok(findEvent(deposited, 'liquidRestaking', 'Deposited'));

    const included = (await api.rpc.chain.getHeader()).number.toNumber();
    await waitForFinalized(api, included, 60_000);
    const { hash, number } = await finalizedHead(api);
    const read = async (chain) => {
      const at = await chain.at(hash);
      const answers = await Promise.all([
        at.call.restakingApi.stakerExposure(ferdie.address),
        at.call.restakingApi.systemRisk(),
        at.call.slashingApi.pendingSlashes(),
        at.query.slashing.requests(slash),
        at.call.insuranceApi.coversOf(eve.address, 0),
        at.query.insurance.covers(cover),
        at.call.liquidRestakingApi.vaultState(vault),
        at.query.liquidRestaking.vaults(vault),
        at.query.staking.ledger(ferdie.address),
      ]);
      return {
        stateRoot: (await chain.rpc.chain.getHeader(hash)).stateRoot.toHex(),
        answers: answers.map((answer) => answer.toHex()),
      };
    };
    const before = await read(api);
    assert.ok((await (await api.at(hash)).query.slashing.requests(slash)).isSome, 'the request waits');
    assert.ok((await (await api.at(hash)).query.insurance.covers(cover)).isSome, 'the cover runs');
    const era = (await (await api.at(hash)).query.staking.activeEra()).unwrap().index.toNumber();
    const position = (await api.rpc.chain.getHeader()).number.toNumber() % ERA_BLOCKS;

    await node.kill('SIGKILL');
    api = await node.start();
    // Every finalized block is still there, with the same state.
    assert.ok((await api.rpc.chain.getBlockHash(number)).eq(hash), `block #${number} is kept`);
    assert.deepEqual(await read(api), before);
    assert.ok((await finalizedHead(api)).number >= number, 'finality does not go back');
    // And the chain goes on from there.
    await waitForFinalized(api, number + 2, 60_000);
    step('restarted', {
      finalized: `#${number}`,
      era,
      blockOfEra: `${position}/${ERA_BLOCKS}`,
      answers: before.answers.length,
      stateRoot: `${before.stateRoot.slice(0, 10)}…`,
    });
  });
});
