// Start and stop a dev node for the end-to-end tests.
//
// The node runs `--dev` with temporary state on its own RPC port (E2E_RPC_PORT, default 9955,
// so a dev chain on 9944 can keep running) and an OS-chosen p2p port. Its output goes to
// tests/e2e/.e2e/node-<port>.log. `stop()` ends it; if a test crashes, the node is killed when
// the test process exits (see `nodes.js`), so no process is left behind.
import { ChainNode } from './nodes.js';

export { NODE_BIN } from './nodes.js';
export const RPC_PORT = Number(process.env.E2E_RPC_PORT ?? 9955);

/**
 * A dev node named `name`, not yet started, serving RPC on `port`: its state temporary, or kept
 * in `basePath` across restarts; an OS-chosen p2p port; no Prometheus, telemetry or mDNS.
 */
export function devNode(name, { port = RPC_PORT, basePath = null } = {}) {
  return new ChainNode(name, [
    '--dev', ...(basePath ? ['--base-path', basePath] : ['--tmp']),
    '--listen-addr', '/ip4/127.0.0.1/tcp/0',
    '--no-prometheus', '--no-telemetry', '--no-mdns',
  ], port);
}

/** Start a dev node and connect to it. Returns `{ api, stop, logFile }`. */
export async function startDevNode() {
  const node = devNode(`node-${RPC_PORT}`);
  const api = await node.start();
  return { api, stop: () => node.stop(), logFile: node.logFile };
}
