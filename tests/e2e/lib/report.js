// The reports the benchmark scripts write into benchmarks/README.md, each between its markers.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCHMARKS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'benchmarks');

/** Replace what lies between `<!-- name:begin -->` and `<!-- name:end -->` in benchmarks/README.md. */
export function writeReadmeSection(name, section) {
  const file = path.join(BENCHMARKS, 'README.md');
  const text = readFileSync(file, 'utf8');
  const begin = `<!-- ${name}:begin -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(begin);
  const to = text.indexOf(end);
  if (from < 0 || to < from) throw new Error(`benchmarks/README.md lacks the ${begin} … ${end} markers`);
  writeFileSync(file, `${text.slice(0, from + begin.length)}\n${section}\n${text.slice(to)}`);
}
