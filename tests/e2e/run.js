// Run the end-to-end test files (every `*.test.js` here, or the ones named on the command line)
// E2E_CONCURRENCY at a time (3 unless set), each in its own process, with the spec reporter.
//
// Most of a file's time is spent waiting for blocks, so files run side by side; the longest
// start first, so that no long file starts last and the whole run lasts about as long as the
// longest file. Every dev node takes a free RPC port; the network and parachain files use their
// own fixed ports (README.md). Arguments name the files to run (`lifecycle.test.js`).
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
// The longest files, longest first (lifecycle about 390 s, network 210 s, parachain and
// dashboard about 135 s each, on two cores); the others follow in name order.
const LONGEST = ['lifecycle.test.js', 'network.test.js', 'parachain.test.js', 'dashboard.test.js'];
const rank = (file) => {
  const i = LONGEST.indexOf(file);
  return i === -1 ? LONGEST.length : i;
};

const args = process.argv.slice(2);
const unknown = args.find((arg) => !arg.endsWith('.test.js'));
if (unknown) {
  console.error(`run.js takes test files (*.test.js), not '${unknown}'`);
  process.exit(2);
}
const named = args.map((file) => path.basename(file));
const files = (named.length ? named : readdirSync(here).filter((file) => file.endsWith('.test.js')))
  .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
  .map((file) => path.join(here, file));
const concurrency = Number(process.env.E2E_CONCURRENCY ?? 3);
if (!Number.isInteger(concurrency) || concurrency < 1) {
  console.error(`E2E_CONCURRENCY must be a whole number of files, at least 1: '${process.env.E2E_CONCURRENCY}'`);
  process.exit(2);
}

const stream = run({ files, concurrency });
stream.on('test:fail', () => { process.exitCode = 1; });
stream.compose(new spec()).pipe(process.stdout);
