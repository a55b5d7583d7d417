// Command-line numbers and CPU clocks of the ingest benchmark.

import { readFileSync } from 'node:fs';

/** `--name N` as a positive whole number, else `fallback`. */
export function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index >= 0 ? Number(process.argv[index + 1]) : fallback;
  if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive whole number, got ${process.argv[index + 1]}`);
  return value;
}

/** CPU time of this process (all its threads) in milliseconds: a clock that does not run while other processes use the cores. */
export function cpuClockMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const MAIN_THREAD_SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`;

/**
 * CPU time of this process's main thread (the JavaScript thread) in milliseconds, from Linux's schedstat (ns
 * resolution); undefined where it is not available. The rest of `cpuClockMs` is other threads: V8's compiler and
 * garbage-collector helpers, which run while the main thread waits.
 */
export function mainThreadCpuMs(): number | undefined {
  try {
    return Number(readFileSync(MAIN_THREAD_SCHEDSTAT, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
}
