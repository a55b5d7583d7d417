/**
 * The workspace test command (`npm test`, called by `./lakehouse test` and CI):
 *   1. typecheck, lint and unit-test every project (no servers needed);
 *   2. bring the local stack up (installing on a fresh machine);
 *   3. run every project's integration tests against it, one project at a time;
 *   4. stop the servers this run started (STACK_KEEP=1 keeps them), print one closing line.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { down, stackContext, status, SERVICE_NAMES, type ServiceName } from '@retail/stack';

const ROOT = path.resolve(__dirname, '../../..');
const RESULTS_DIR = path.join(ROOT, 'tmp', 'test-results');

interface Totals {
  passed: number;
  failed: number;
  skipped: number;
  brokenSuites: number;
}

function nx(args: string[], extraEnv: Record<string, string> = {}): boolean {
  const result = spawnSync('npx', ['nx', ...args, '--outputStyle=stream'], {
    cwd: ROOT,
    stdio: 'inherit',
    env: { ...process.env, ...extraEnv, TEST_RESULTS_DIR: RESULTS_DIR, NX_DAEMON: 'false' },
  });
  return result.status === 0;
}

function totals(): Totals {
  const sum: Totals = { passed: 0, failed: 0, skipped: 0, brokenSuites: 0 };
  for (const file of readdirSync(RESULTS_DIR)) {
    const r = JSON.parse(readFileSync(path.join(RESULTS_DIR, file), 'utf8'));
    sum.passed += r.passed;
    sum.failed += r.failed;
    sum.skipped += r.skipped;
    sum.brokenSuites += r.failedSuites + r.runtimeErrorSuites;
  }
  return sum;
}

async function main(): Promise<number> {
  rmSync(RESULTS_DIR, { recursive: true, force: true });
  mkdirSync(RESULTS_DIR, { recursive: true });
  const steps: [string, boolean][] = [];

  // --skip-nx-cache: a cached success prints no fresh jest results, and the closing line must count every test.
  steps.push(['build + lint + unit', nx(['run-many', '-t', 'build', 'lint', 'test', '--parallel=2', '--skip-nx-cache'])]);

  const ctx = stackContext();
  const before = new Map((await status(ctx)).map((s) => [s.name, s.state]));
  // `up` runs in a short-lived process of its own: the servers it starts are then re-parented
  // to init, instead of staying children of this runner, which would leave each one stopped by a
  // test (a broker restart) unreaped while this runner is blocked in a synchronous call.
  const stackUp = spawnSync('npx', ['tsx', path.join(ROOT, 'tools/stack/src/cli.ts'), 'up'], { cwd: ROOT, stdio: 'inherit' }).status === 0;
  steps.push(['local stack up', stackUp]);
  if (stackUp) {
    // One project at a time, on a stack nobody else uses meanwhile: tests that disturb the shared
    // servers (a broker restart) may run, and they look for STACK_EXCLUSIVE=1.
    steps.push(['integration', nx(['run-many', '-t', 'integration', '--parallel=1', '--skip-nx-cache'], { STACK_EXCLUSIVE: '1' })]);
  }

  if (process.env.STACK_KEEP !== '1') {
    const startedHere = SERVICE_NAMES.filter((name: ServiceName) => before.get(name) === 'stopped');
    await down(ctx, startedHere);
  }

  const sum = totals();
  for (const [name, ok] of steps) console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
  if (sum.brokenSuites > 0) console.log(`${sum.brokenSuites} test suite(s) failed to run`);
  console.log(`${sum.passed} passed, ${sum.failed} failed, ${sum.skipped} skipped`);
  return steps.every(([, ok]) => ok) && sum.failed === 0 && sum.brokenSuites === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(error);
    process.exit(1);
  },
);
