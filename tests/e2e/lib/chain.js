// Helpers shared by the end-to-end tests: accounts, units, transactions and events.
import { Keyring } from '@polkadot/keyring';

export const UNIT = 10n ** 12n;
/** One per cent, in `Perbill` parts. */
export const PERCENT = 10_000_000;

/** A 32-byte hash made of `byte` (two hex digits) repeated, as evidence or a test hash. */
export const hash32 = (byte) => `0x${byte.repeat(32)}`;

/**
 * The well-known dev accounts (sr25519): `alice` … `ferdie` from the `//Name` derivations, and
 * their stash accounts `aliceStash` … `ferdieStash` from `//Name//stash`.
 */
export function devAccounts() {
  const keyring = new Keyring({ type: 'sr25519', ss58Format: 42 });
  const names = ['Alice', 'Bob', 'Charlie', 'Dave', 'Eve', 'Ferdie'];
  return Object.fromEntries(names.flatMap((name) => [
    [name.toLowerCase(), keyring.addFromUri(`//${name}`)],
    [`${name.toLowerCase()}Stash`, keyring.addFromUri(`//${name}//stash`)],
  ]));
}

/** Print a step of a scenario with its figures. */
export function step(message, figures = {}) {
  const shown = Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(' ');
  console.log(`  • ${message}${shown ? ` (${shown})` : ''}`);
}

/**
 * A subscription that may be ended before polkadot-js has handed over its unsubscribe
 * function (the first callback can arrive first): `end()` then takes effect on `started`.
 */
function subscription() {
  let unsubscribe = null;
  let ended = false;
  return {
    started(unsub) {
      unsubscribe = unsub;
      if (ended) unsub();
    },
    end() {
      if (ended) return;
      ended = true;
      if (unsubscribe) unsubscribe();
    },
  };
}

/** `section.Name` of a dispatch error, decoded from the chain's metadata. */
export function errorName(api, dispatchError) {
  if (dispatchError.isModule) {
    const { section, name } = api.registry.findMetaError(dispatchError.asModule);
    return `${section}.${name}`;
  }
  return dispatchError.type;
}

/**
 * Sign and submit `tx` (with polkadot-js signer `options`, if any), wait until it is in a
 * block (or finalized, whichever is reported first). Resolves with `{ blockHash, events, error }`: `error` is `section.Name` when the call
 * failed.
 */
export function submit(api, tx, signer, options = {}) {
  return new Promise((resolve, reject) => {
    const sub = subscription();
    tx.signAndSend(signer, options, ({ status, events, dispatchError }) => {
      // A node that seals and finalizes at once (the omni-node's `--dev`) reports a
      // transaction finalized without reporting it in a block first.
      if (status.isInBlock || status.isFinalized) {
        sub.end();
        resolve({
          blockHash: (status.isInBlock ? status.asInBlock : status.asFinalized).toHex(),
          events: events.map(({ event }) => event),
          error: dispatchError ? errorName(api, dispatchError) : null,
        });
      } else if (status.isInvalid || status.isDropped || status.isUsurped) {
        sub.end();
        reject(new Error(`transaction ${status.type}`));
      }
    }).then(sub.started, reject);
  });
}

/** Submit `tx` and fail unless it succeeded. Returns its events. */
export async function submitOk(api, tx, signer, options = {}) {
  const result = await submit(api, tx, signer, options);
  if (result.error) throw new Error(`${tx.method.section}.${tx.method.method} failed: ${result.error}`);
  return result.events;
}

/** The first event `section.method` in `events`, or undefined. */
export function findEvent(events, section, method) {
  return events.find((event) => event.section === section && event.method === method);
}

/** Wait until the finalized head reaches `number`. Resolves with the finalized number. */
export function waitForFinalized(api, number, timeoutMs = 120_000) {
  return new Promise((resolve, reject) => {
    const sub = subscription();
    const timer = setTimeout(() => {
      sub.end();
      reject(new Error(`block #${number} was not finalized within ${timeoutMs} ms`));
    }, timeoutMs);
    api.rpc.chain.subscribeFinalizedHeads((header) => {
      if (header.number.toNumber() >= number) {
        clearTimeout(timer);
        sub.end();
        resolve(header.number.toNumber());
      }
    }).then(sub.started, reject);
  });
}

/** Wait until the best block reaches `number` (its state is then queryable). */
export function waitForBlock(api, number, timeoutMs = 600_000) {
  return new Promise((resolve, reject) => {
    const sub = subscription();
    const timer = setTimeout(() => {
      sub.end();
      reject(new Error(`block #${number} was not reached within ${timeoutMs} ms`));
    }, timeoutMs);
    api.rpc.chain.subscribeNewHeads((header) => {
      if (header.number.toNumber() >= number) {
        clearTimeout(timer);
        sub.end();
        resolve(header.number.toNumber());
      }
    }).then(sub.started, reject);
  });
}

/** The finalized head: `{ hash, number }`. */
export async function finalizedHead(api) {
  const hash = await api.rpc.chain.getFinalizedHead();
  return { hash, number: (await api.rpc.chain.getHeader(hash)).number.toNumber() };
}
