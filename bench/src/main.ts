/**
 * `npm run bench -- <suite> [args]`: runs one benchmark suite from bench/<suite>/main.ts.
 * Each suite measures our code and a peer in the same run, prints its figures, and ends with
 * one JSON line `{"suite": ..., ...}` that tools can collect.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';

const BENCH_DIR = path.resolve(__dirname, '..');

function suites(): string[] {
  return readdirSync(BENCH_DIR, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== 'src' && existsSync(path.join(BENCH_DIR, entry.name, 'main.ts')))
    .map((entry) => entry.name)
    .sort();
}

/**
 * Node flags of a suite that runs a service in its own process: the flags the service is deployed
 * with (stream-compute's `serve` target and compose service), so the figures are the deployment's.
 */
const SUITE_NODE_FLAGS: Record<string, string[]> = { compute: ['--max-semi-space-size=64'] };

const [suite, ...args] = process.argv.slice(2);
const available = suites();
if (!suite || !available.includes(suite)) {
  console.error(`usage: npm run bench -- <suite> [args]\nsuites available: ${available.join(', ') || '(none yet)'}`);
  process.exit(suite ? 2 : 0);
}
const result = spawnSync(process.execPath, [...(SUITE_NODE_FLAGS[suite] ?? []), '--import', 'tsx', path.join(BENCH_DIR, suite, 'main.ts'), ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
