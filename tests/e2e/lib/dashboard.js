// Serve the built dashboard (dashboard/dist, from `npm --prefix dashboard run build`) on an
// OS-chosen local port, and open it in headless Chromium: Debian's `chromium` (or CHROMIUM_BIN)
// driven by puppeteer-core, which downloads no browser.
import { existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import puppeteer from 'puppeteer-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const DIST = path.resolve(here, '..', '..', '..', 'dashboard', 'dist');
export const CHROMIUM_BIN = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';

const TYPES = {
  '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.json': 'application/json', '.wasm': 'application/wasm',
};

/** Serve `DIST`; resolves with `{ url, close }`. */
export async function serveDashboard() {
  if (!existsSync(path.join(DIST, 'index.html'))) {
    throw new Error(`${DIST} has no build: run \`npm --prefix dashboard run build\` first`);
  }
  const server = http.createServer((request, response) => {
    const url = new URL(request.url, 'http://localhost');
    const file = path.join(DIST, path.normalize(decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)));
    if (!file.startsWith(DIST + path.sep) || !existsSync(file) || !statSync(file).isFile()) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
    response.end(readFileSync(file));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}/`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Headless Chromium. As root it runs without its sandbox (which needs user namespaces). */
export function launchBrowser() {
  if (!existsSync(CHROMIUM_BIN)) {
    throw new Error(`no Chromium at ${CHROMIUM_BIN}: install Debian's chromium (scripts/setup.sh) or set CHROMIUM_BIN`);
  }
  return puppeteer.launch({
    executablePath: CHROMIUM_BIN,
    headless: true,
    args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), '--window-size=1400,1800'],
    defaultViewport: { width: 1400, height: 1800 },
  });
}
