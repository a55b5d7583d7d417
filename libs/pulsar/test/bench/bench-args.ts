/** Where record-frames.ts writes and consume-path.ts reads recorded frames by default. */
export const DEFAULT_FRAMES_FILE = '/tmp/pulsar-consume-frames.bin';

/** `--name <number>` from the command line, or `fallback`. */
export function argument(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? Number(process.argv[index + 1]) : fallback;
}

/** `--name <text>` from the command line, or `fallback`. */
export function textArgument(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
}
