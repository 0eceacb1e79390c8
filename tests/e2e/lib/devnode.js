// Start and stop a dev node for the end-to-end tests.
//
// The node runs `--dev` with temporary state, RPC on a free port the system chooses and an
// OS-chosen p2p port, so test files run their nodes side by side and beside a dev chain on 9944.
// Its output goes to tests/e2e/.e2e/<name>.log. `stop()` ends it; if a test crashes, the node is
// killed when the test process exits (see `nodes.js`), so no process is left behind.
import { ChainNode } from './nodes.js';

export { NODE_BIN } from './nodes.js';

/**
 * A dev node named `name`, not yet started, serving RPC on `port` (with `null`, a free one the
 * system chooses at each start): its state temporary, or kept in `basePath` across restarts; an
 * OS-chosen p2p port; no Prometheus, telemetry or mDNS.
 */
export function devNode(name, { port = null, basePath = null } = {}) {
  return new ChainNode(name, [
    '--dev', ...(basePath ? ['--base-path', basePath] : ['--tmp']),
    '--listen-addr', '/ip4/127.0.0.1/tcp/0',
    '--no-prometheus', '--no-telemetry', '--no-mdns',
  ], port);
}

/** Start a dev node named `name` and connect to it. Returns `{ api, stop, logFile, rpcPort }`. */
export async function startDevNode(name) {
  const node = devNode(name);
  const api = await node.start();
  return { api, stop: () => node.stop(), logFile: node.logFile, rpcPort: node.rpcPort };
}
