// Command-line numbers of the ingest benchmark (`--name value`).

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
