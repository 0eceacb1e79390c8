// Start and stop a dev node for the end-to-end tests.
//
// The node runs `--dev` with temporary state on its own RPC port (E2E_RPC_PORT, default 9955,
// so a dev chain on 9944 can keep running) and an OS-chosen p2p port. Its output goes to
// tests/e2e/.e2e/node-<port>.log. `stop()` ends it; an exit hook kills it if a test crashes,
// so no process is left behind.
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { ApiPromise, WsProvider } from '@polkadot/api';

const here = path.dirname(fileURLToPath(import.meta.url));
const targetDir = process.env.CARGO_TARGET_DIR ?? path.join(os.homedir(), '.cache', 'restaking-target');
export const NODE_BIN = process.env.NODE_BIN ?? path.join(targetDir, 'debug', 'restaking-node');
export const RPC_PORT = Number(process.env.E2E_RPC_PORT ?? 9955);
const START_TIMEOUT_MS = 180_000;

function portBusy(port) {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => { socket.destroy(); resolve(true); });
    socket.once('error', () => resolve(false));
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Start a dev node and connect to it. Returns `{ api, stop, logFile }`. */
export async function startDevNode() {
  if (!existsSync(NODE_BIN)) {
    throw new Error(`node binary not found at ${NODE_BIN}: build it with ` +
      '`cargo build -p restaking-node` (or run scripts/test.sh), or set NODE_BIN');
  }
  if (await portBusy(RPC_PORT)) {
    throw new Error(`port ${RPC_PORT} is busy: stop what listens there or set E2E_RPC_PORT`);
  }
  const logDir = path.join(here, '..', '.e2e');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `node-${RPC_PORT}.log`);
  const log = createWriteStream(logFile);

  const child = spawn(NODE_BIN, [
    '--dev', '--tmp',
    '--rpc-port', String(RPC_PORT),
    '--listen-addr', '/ip4/127.0.0.1/tcp/0',
    '--no-prometheus', '--no-telemetry', '--no-mdns',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = null;
  const exitPromise = new Promise((resolve) => child.once('exit', (code, signal) => {
    exited = { code, signal };
    resolve();
  }));
  const killOnExit = () => { if (!exited) child.kill('SIGKILL'); };
  process.once('exit', killOnExit);

  const stop = async () => {
    if (!exited) {
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exitPromise;
      clearTimeout(timer);
    }
    process.removeListener('exit', killOnExit);
    log.end();
  };

  try {
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await portBusy(RPC_PORT))) {
      if (exited) throw new Error(`the node exited (${JSON.stringify(exited)}); see ${logFile}`);
      if (Date.now() > deadline) throw new Error(`the node did not open RPC in time; see ${logFile}`);
      await sleep(250);
    }
    const provider = new WsProvider(`ws://127.0.0.1:${RPC_PORT}`, 1_000, {}, 30_000);
    const api = await ApiPromise.create({ provider, throwOnConnect: true, noInitWarn: true });
    const disconnectAndStop = async () => {
      await api.disconnect();
      await stop();
    };
    return { api, stop: disconnectAndStop, logFile };
  } catch (error) {
    await stop();
    throw error;
  }
}
