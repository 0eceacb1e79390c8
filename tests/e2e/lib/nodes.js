// Start, kill and restart nodes of this chain for the end-to-end tests.
//
// A `ChainNode` is one node process with its arguments and RPC port: `start()` runs it and
// connects polkadot-js, `kill()` ends it at once (SIGKILL, as a crash would), `stop()` ends it
// cleanly, `start()` again runs it anew on the same arguments (and so the same base path; a
// node without a fixed RPC port gets a new one).
// Every node's output goes to tests/e2e/.e2e/<name>.log (a new node starts it anew, a restart
// appends to it). A node still running when the test process exits is killed then, also when a
// test fails or crashes, so no process is left behind.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ApiPromise, WsProvider } from '@polkadot/api';

const here = path.dirname(fileURLToPath(import.meta.url));
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(os.homedir(), '.cache', 'restaking-target');
export const NODE_BIN = process.env.NODE_BIN ?? path.join(targetDir, 'debug', 'restaking-node');
export const LOG_DIR = path.join(here, '..', '.e2e');
const START_TIMEOUT_MS = 180_000;
const STOP_TIMEOUT_MS = 20_000;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function portBusy(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

/** Poll `predicate` (async) every 500 ms until it holds; fail after `timeoutMs` naming `what`. */
export async function waitUntil(predicate, what, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(500);
  }
}

const running = new Set();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

// What a node logs once its RPC server listens, with the port it got.
const RPC_LISTENING = /Running JSON-RPC server: addr=127\.0\.0\.1:(\d+)/;

/**
 * One node process (see the file's header): this chain's node, or the binary `bin` (the
 * parachain's `polkadot-omni-node`), serving RPC on `port`. With `port` null the system chooses
 * a free port at each start (`--rpc-port 0`) and `rpcPort` is the one the node reports, so test
 * files running side by side never share one. A fixed port the node cannot get fails `start()`:
 * the node would otherwise fall back to a random port without a word. `startTimeoutMs` bounds
 * how long a start may take until RPC listens.
 */
export class ChainNode {
  constructor(name, args, port, bin = NODE_BIN, { startTimeoutMs = START_TIMEOUT_MS } = {}) {
    this.name = name;
    this.startTimeoutMs = startTimeoutMs;
    this.args = args;
    this.port = port;
    this.rpcPort = port;
    this.bin = bin;
    this.logFile = path.join(LOG_DIR, `${name}.log`);
    this.child = null;
    this.api = null;
    this.starts = 0;
  }

  get running() {
    return this.child !== null;
  }

  /** Run the node, wait until it serves RPC, and connect `this.api`. */
  async start() {
    if (this.child) throw new Error(`${this.name} is already running`);
    if (!existsSync(this.bin)) {
      throw new Error(`node binary not found at ${this.bin}: build it with ` +
        '`cargo build -p restaking-node` (or run scripts/test.sh), or set NODE_BIN');
    }
    if (this.port !== null && await portBusy(this.port)) {
      throw new Error(`port ${this.port} is busy: stop what listens there`);
    }
    mkdirSync(LOG_DIR, { recursive: true });
    const log = createWriteStream(this.logFile, { flags: this.starts === 0 ? 'w' : 'a' });
    this.starts += 1;
    const child = spawn(this.bin, [...this.args, '--rpc-port', String(this.port ?? 0)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(log);
    child.stderr.pipe(log);
    // The port the node reports listening on (the log line may arrive in pieces).
    let listening = null;
    let tail = '';
    const scan = (chunk) => {
      if (listening !== null) return;
      tail = (tail + chunk.toString()).slice(-1_000);
      const found = RPC_LISTENING.exec(tail);
      if (found) listening = Number(found[1]);
    };
    child.stdout.on('data', scan);
    child.stderr.on('data', scan);
    running.add(child);
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => {
      running.delete(child);
      log.end();
      if (this.child === child) this.child = null;
      resolve({ code, signal });
    }));
    try {
      const deadline = Date.now() + this.startTimeoutMs;
      while (listening === null) {
        if (!this.child) throw new Error(`${this.name} exited while starting; see ${this.logFile}`);
        if (Date.now() > deadline) throw new Error(`${this.name} did not open RPC; see ${this.logFile}`);
        await sleep(250);
      }
      if (this.port !== null && listening !== this.port) {
        throw new Error(`${this.name} could not listen on port ${this.port} (it took ${listening}); ` +
          'stop what listens there');
      }
      this.rpcPort = listening;
      const provider = new WsProvider(`ws://127.0.0.1:${this.rpcPort}`, 1_000, {}, 30_000);
      this.api = await ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true });
    } catch (error) {
      await this.stop();
      throw error;
    }
    return this.api;
  }

  async #disconnect() {
    if (this.api) {
      const api = this.api;
      this.api = null;
      await api.disconnect();
    }
  }

  /** End the node at once with `signal` (SIGKILL by default: a crash, nothing flushed). */
  async kill(signal = 'SIGKILL') {
    await this.#disconnect();
    if (this.child) {
      const exited = this.exited;
      this.child.kill(signal);
      await exited;
    }
  }

  /** End the node cleanly (SIGINT, then SIGKILL if it has not exited in 20 s). */
  async stop() {
    await this.#disconnect();
    if (this.child) {
      const child = this.child;
      const exited = this.exited;
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
  }
}

/** The peer id of the node key in `file`, as the node computes it. */
export function peerId(file) {
  return execFileSync(NODE_BIN, ['key', 'inspect-node-key', '--file', file]).toString().trim();
}

/** A fresh folder for nodes' base paths and keys, under the system's temporary folder. */
export function scratchDir(prefix) {
  return mkdtempSync(path.join(os.tmpdir(), `restaking-${prefix}-`));
}

/** Remove a folder made by `scratchDir`. */
export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}

/** The validators of the `local_testnet` preset, in the order `startNetwork` starts them. */
export const LOCAL_VALIDATORS = ['alice', 'bob', 'charlie', 'ferdie'];

/**
 * Start the `local_testnet` validators named in `names`, each on its own base path, node key
 * (fixed: the n-th node's secret is n) and ports (p2p on 127.0.0.1 from `p2pPort`, RPC from
 * `rpcPort`), the first one the bootnode of the others. Resolves with `{ nodes, dir, stop }`:
 * `stop()` stops every node still running and removes their folder.
 */
export async function startNetwork({
  names = LOCAL_VALIDATORS,
  rpcPort = Number(process.env.E2E_NET_RPC_PORT ?? 9960),
  p2pPort = Number(process.env.E2E_NET_P2P_PORT ?? 30560),
} = {}) {
  const dir = scratchDir('net');
  const nodes = [];
  const stop = async () => {
    await Promise.all(nodes.map((node) => node.stop()));
    removeDir(dir);
  };
  try {
    let bootnode = [];
    for (const [i, name] of names.entries()) {
      const keyFile = path.join(dir, `${name}.key`);
      writeFileSync(keyFile, (i + 1).toString(16).padStart(64, '0'));
      const listen = `/ip4/127.0.0.1/tcp/${p2pPort + i}`;
      if (await portBusy(p2pPort + i)) throw new Error(`p2p port ${p2pPort + i} is busy`);
      const node = new ChainNode(`net-${name}`, [
        '--chain', 'local', `--${name}`,
        '--base-path', path.join(dir, name),
        '--node-key-file', keyFile,
        '--listen-addr', listen,
        '--no-mdns', '--no-prometheus', '--no-telemetry',
        ...bootnode,
      ], rpcPort + i);
      nodes.push(node);
      await node.start();
      if (bootnode.length === 0) bootnode = ['--bootnodes', `${listen}/p2p/${peerId(keyFile)}`];
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodes, dir, stop };
}
