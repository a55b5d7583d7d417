import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { SourceError } from './errors';
import { FrameSource, type FrameSourceOptions, type FrameSourceState, type VideoFrame } from './frame-source';
import { fakeGstLaunch } from './test-support/fake-gst';

// The supervisor logic (restarts, backoff, queueing, event time, stop) runs against a scripted stand-in for
// gst-launch-1.0; the real GStreamer is exercised by the integration tests.
const FAST_RESTART = { initialMs: 10, maxMs: 40, multiplier: 2, jitter: 0 };
// Each test starts a few node processes as scripted children; allow for a busy machine.
jest.setTimeout(20_000);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sources-frame-source-spec-'));
});
// A failing test must not leave a source restarting in the background (jest would never exit).
const created: FrameSource[] = [];
afterEach(async () => {
  await Promise.all(created.splice(0).map((frameSource) => frameSource.stop()));
  await rm(dir, { recursive: true, force: true });
});

const executables = new WeakMap<FrameSource, string>();
const gstLaunchOf = (frameSource: FrameSource) => executables.get(frameSource)!;

async function source(steps: string, options: Partial<FrameSourceOptions> = {}): Promise<FrameSource> {
  const gstLaunch = await fakeGstLaunch(dir, steps);
  const frameSource = new FrameSource({ cameraId: 'cam-1', source: 'videotestsrc://ball?live=false', fpsLimit: 30, gstLaunch, restart: FAST_RESTART, ...options });
  executables.set(frameSource, gstLaunch);
  created.push(frameSource);
  return frameSource;
}

async function take(frameSource: FrameSource, count: number): Promise<VideoFrame[]> {
  const frames: VideoFrame[] = [];
  for (let frame = await frameSource.next(); frame !== undefined; frame = await frameSource.next()) {
    frames.push(frame);
    if (frames.length === count) break;
  }
  return frames;
}

async function drain(frameSource: FrameSource): Promise<VideoFrame[]> {
  const frames: VideoFrame[] = [];
  for await (const frame of frameSource) frames.push(frame);
  return frames;
}

function failures(frameSource: FrameSource): Array<{ error: SourceError; willRestart: boolean }> {
  const seen: Array<{ error: SourceError; willRestart: boolean }> = [];
  frameSource.on('failure', (error, { willRestart }) => seen.push({ error, willRestart }));
  return seen;
}

describe('FrameSource with a scripted gst-launch', () => {
  it('delivers frames of recorded media in order with seq, PTS, size and event time, then ends', async () => {
    const frameSource = await source('frames-3-5x2', { startTimeUs: 1_000_000 });
    frameSource.start();
    const frames = await drain(frameSource);
    expect(frames.map(({ seq, ptsNs, eventTimeUs, width, height }) => ({ seq, ptsNs, eventTimeUs, width, height }))).toEqual([
      { seq: 0, ptsNs: 0, eventTimeUs: 1_000_000, width: 5, height: 2 },
      { seq: 1, ptsNs: 33_333_333, eventTimeUs: 1_033_333, width: 5, height: 2 },
      { seq: 2, ptsNs: 66_666_667, eventTimeUs: 1_066_667, width: 5, height: 2 },
    ]);
    expect(frames[2]!.rgb).toHaveLength(5 * 2 * 3); // row padding removed
    expect(frames[2]!.rgb.every((byte) => byte === 2)).toBe(true);
    expect(frameSource.state).toBe('ended');
    expect(frameSource.stats()).toMatchObject({ framesIn: 3, framesOut: 3, droppedQueueFull: 0, restarts: 0 });
  });

  it('drops frames above fpsLimit by PTS', async () => {
    const frameSource = await source('frames-30-fps30', { fpsLimit: 5 });
    frameSource.start();
    const frames = await drain(frameSource);
    expect(frames.map((frame) => frame.ptsNs)).toEqual([0, 200_000_000, 400_000_000, 600_000_000, 800_000_000]);
    expect(frameSource.stats()).toMatchObject({ framesIn: 30, framesOut: 5, droppedRateLimit: 25 });
  });

  it('reports a GStreamer error on recorded media with its text and gives up (same bytes, same error)', async () => {
    const frameSource = await source('error');
    const seen = failures(frameSource);
    frameSource.start();
    expect(await drain(frameSource)).toEqual([]);
    expect(frameSource.state).toBe('failed');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.willRestart).toBe(false);
    expect(seen[0]!.error).toMatchObject({
      code: 'pipeline-error',
      retriable: false,
      message: 'GStreamer error from fake0: Could not open resource for reading. (connection refused)',
    });
    expect(frameSource.stats().lastError?.code).toBe('pipeline-error');
  });

  it('restarts a live source with capped exponential backoff until it delivers, then resets the schedule', async () => {
    const frameSource = await source('error/error/error/forever', { source: 'videotestsrc://ball?live=true' });
    const restarts: Array<{ attempt: number; delayMs: number }> = [];
    frameSource.on('restart', (restart) => restarts.push(restart));
    const seen = failures(frameSource);
    frameSource.start();
    const first = await frameSource.next();
    expect(first).toMatchObject({ seq: 0, ptsNs: 0 });
    expect(restarts).toEqual([
      { attempt: 1, delayMs: 10 },
      { attempt: 2, delayMs: 20 },
      { attempt: 3, delayMs: 40 },
    ]);
    expect(seen.every(({ error, willRestart }) => willRestart && error.code === 'pipeline-error' && error.retriable)).toBe(true);
    await frameSource.stop();
    expect(frameSource.state).toBe('stopped');
    expect(frameSource.stats().restarts).toBe(3);
  });

  it('restarts a live source that ends, continuing seq and re-anchoring event time', async () => {
    let wallUs = 50_000_000;
    const frameSource = await source('frames-2/frames-2/error', {
      source: 'videotestsrc://ball?live=true',
      restart: { ...FAST_RESTART, maxAttempts: 2 },
      queueCapacity: 10,
      wallClockUs: () => (wallUs += 100_000),
    });
    const seen = failures(frameSource);
    frameSource.start();
    const frames = await drain(frameSource);
    expect(frames.map((frame) => [frame.seq, frame.ptsNs])).toEqual([
      [0, 0],
      [1, 33_333_333],
      [2, 0],
      [3, 33_333_333],
    ]);
    // Each run anchors at its first frame: event time steps by PTS within a run, jumps to the wall-clock across runs.
    expect(frames[1]!.eventTimeUs - frames[0]!.eventTimeUs).toBe(33_333);
    expect(frames[2]!.eventTimeUs).toBeGreaterThan(frames[1]!.eventTimeUs);
    expect(frames[3]!.eventTimeUs - frames[2]!.eventTimeUs).toBe(33_333);
    expect(seen.map(({ error, willRestart }) => [error.code, willRestart])).toEqual([
      ['pipeline-exited', true],
      ['pipeline-exited', true],
      ['pipeline-error', true],
      ['pipeline-error', false],
    ]);
    expect(frameSource.state).toBe('failed');
  });

  it('waits with backoff for a file that appears later, then reads it', async () => {
    const video = path.join(dir, 'later.mp4');
    const frameSource = await source('frames-2', { source: `file://${video}` });
    const seen = failures(frameSource);
    frameSource.start();
    await until(() => seen.length >= 2);
    expect(seen[0]!.error).toMatchObject({ code: 'source-missing', retriable: true });
    expect(seen[0]!.willRestart).toBe(true);
    await writeFile(video, 'not read by the fake');
    expect(await drain(frameSource)).toHaveLength(2);
    expect(frameSource.state).toBe('ended');
  });

  it('treats a corrupt frame stream as an error for this camera and kills its child', async () => {
    const frameSource = await source('corrupt');
    const seen = failures(frameSource);
    frameSource.start();
    expect(await drain(frameSource)).toEqual([]);
    expect(seen[0]!.error).toMatchObject({ code: 'corrupt-stream' });
    expect(frameSource.state).toBe('failed');
  });

  it('reports a crash of the child with its exit status', async () => {
    const frameSource = await source('crash', { restart: { ...FAST_RESTART, maxAttempts: 0 }, source: 'videotestsrc://ball' });
    const seen = failures(frameSource);
    frameSource.start();
    await drain(frameSource);
    expect(seen[0]!.error).toMatchObject({ code: 'pipeline-exited', message: expect.stringMatching(/exited with code 139/) });
  });

  it('drops the oldest frames of a live source when the consumer falls behind', async () => {
    const dropped: string[] = [];
    const depths: number[] = [];
    const frameSource = await source('frames-10', {
      source: 'videotestsrc://ball?live=true',
      queueCapacity: 3,
      restart: { ...FAST_RESTART, maxAttempts: 0 },
      metrics: { framesDropped: (_camera, reason) => dropped.push(reason), queueDepth: (_camera, depth) => depths.push(depth) },
    });
    frameSource.start();
    await until(() => frameSource.state === 'failed');
    const frames = await drain(frameSource);
    expect(frames.map((frame) => frame.seq)).toEqual([7, 8, 9]);
    expect(frameSource.stats()).toMatchObject({ framesIn: 10, framesOut: 3, droppedQueueFull: 7, queueDepth: 0 });
    expect(dropped).toEqual(Array(7).fill('queue-full'));
    expect(Math.max(...depths)).toBe(3);
  });

  it('loses nothing from recorded media: a full queue pauses the pipe instead', async () => {
    // 20 frames of 200x100 RGB (60 kB each) overflow the pipe, so the child really has to wait for us.
    const frameSource = await source('frames-20-200x100', { queueCapacity: 2 });
    frameSource.start();
    const seqs: number[] = [];
    let maxDepth = 0;
    for await (const frame of frameSource) {
      seqs.push(frame.seq);
      maxDepth = Math.max(maxDepth, frameSource.stats().queueDepth);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    expect(seqs).toEqual(Array.from({ length: 20 }, (_, index) => index));
    expect(frameSource.stats().droppedQueueFull).toBe(0);
    expect(maxDepth).toBeLessThan(20);
  });

  it('restarts a live pipeline that stops delivering without an error (stall watchdog)', async () => {
    // 1 s: the scripted child must have started (and counted its run) before the watchdog fires, even on a busy machine.
    const frameSource = await source('stall/forever', { source: 'videotestsrc://ball', stallTimeoutMs: 1000 });
    const seen = failures(frameSource);
    frameSource.start();
    const frames = await take(frameSource, 3);
    expect(frames.map((frame) => frame.seq)).toEqual([0, 1, 2]);
    expect(seen[0]!.error).toMatchObject({ code: 'pipeline-stalled', retriable: true, message: 'no frame from the live source for 1000 ms' });
    expect(seen[0]!.willRestart).toBe(true);
    await frameSource.stop();
  });

  it('fails a recorded source whose pipeline hangs without an error', async () => {
    const frameSource = await source('stall', { stallTimeoutMs: 1000 });
    const seen = failures(frameSource);
    frameSource.start();
    expect((await drain(frameSource)).map((frame) => frame.seq)).toEqual([0]);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.error).toMatchObject({ code: 'pipeline-stalled', retriable: false, message: expect.stringMatching(/GStreamer hung without reporting an error/) });
    expect(seen[0]!.willRestart).toBe(false);
    expect(frameSource.state).toBe('failed');
  });

  it('never treats a recorded source waiting on its consumer as stalled', async () => {
    const frameSource = await source('frames-20-200x100', { queueCapacity: 1, stallTimeoutMs: 1500 });
    const seen = failures(frameSource);
    frameSource.start();
    await until(() => frameSource.stats().queueDepth >= 1);
    await new Promise((resolve) => setTimeout(resolve, 2500)); // past the stall timeout while the child waits for us
    expect(await drain(frameSource)).toHaveLength(20);
    expect(seen).toEqual([]);
  });

  it('stops a recorded source whose child is blocked on a full pipe', async () => {
    const frameSource = await source('frames-50-200x100', { queueCapacity: 1 });
    frameSource.start();
    await until(() => frameSource.stats().queueDepth >= 1);
    await frameSource.stop();
    expect(frameSource.state).toBe('stopped');
    expect(frameSource.stats().framesIn).toBeLessThan(50);
  });

  it('stops a pipeline that ignores SIGINT by killing it after the deadline', async () => {
    const frameSource = await source('hang', { source: 'videotestsrc://ball', stopTimeoutMs: 100 });
    const states: FrameSourceState[] = [];
    frameSource.on('state', (state) => states.push(state));
    frameSource.start();
    await until(() => frameSource.stats().framesIn === 1);
    const pid = Number(await readFile(`${gstLaunchOf(frameSource)}.runs.pid`, 'utf8'));
    await frameSource.stop(); // would never resolve without the SIGKILL
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
    expect(frameSource.state).toBe('stopped');
    expect(states).toEqual(['starting', 'running', 'stopped']);
    await expect(frameSource.next()).resolves.toMatchObject({ seq: 0 });
    await expect(frameSource.next()).resolves.toBeUndefined();
  });

  it('stops a live source cleanly (EOS on SIGINT) and keeps queued frames readable', async () => {
    const calls: string[] = [];
    const frameSource = await source('forever', {
      source: 'videotestsrc://ball',
      metrics: { framesIn: () => calls.push('in'), framesOut: () => calls.push('out'), state: (_camera, state) => calls.push(state) },
    });
    frameSource.start();
    await until(() => frameSource.stats().framesIn >= 3);
    await frameSource.stop();
    const rest = await drain(frameSource);
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.length).toBeLessThanOrEqual(4);
    expect(calls).toContain('starting');
    expect(calls).toContain('in');
    expect(calls).toContain('out');
    expect(calls[calls.length - 1]).toBe('out');
    expect(calls.filter((call) => call === 'stopped')).toHaveLength(1);
  });

  it('stops during backoff without waiting for the delay', async () => {
    const frameSource = await source('error', { source: 'videotestsrc://ball', restart: { initialMs: 60_000, maxMs: 60_000, multiplier: 1, jitter: 0 } });
    frameSource.start();
    await until(() => frameSource.state === 'backoff');
    await frameSource.stop();
    expect(frameSource.state).toBe('stopped');
  });

  it('reports a missing gst-launch-1.0 as spawn-failed', async () => {
    const frameSource = new FrameSource({ cameraId: 'c', source: 'videotestsrc://ball?live=false', fpsLimit: 5, gstLaunch: path.join(dir, 'missing-gst-launch') });
    created.push(frameSource);
    const seen = failures(frameSource);
    frameSource.start();
    await drain(frameSource);
    expect(seen[0]!.error).toMatchObject({ code: 'spawn-failed', message: expect.stringMatching(/install gstreamer1\.0-tools/) });
  });
});

describe('FrameSource options', () => {
  const base = { cameraId: 'cam-9', source: 'videotestsrc://ball', fpsLimit: 5 };
  it.each([
    [{ fpsLimit: 0 }, /camera cam-9: fpsLimit must be above 0/],
    [{ queueCapacity: 0 }, /camera cam-9: queueCapacity must be a whole number >= 1/],
    [{ maxSize: { width: 0, height: 10 } }, /camera cam-9: maxSize\.width must be a whole number >= 1/],
    [{ restart: { jitter: 3 } }, /camera cam-9: restart\.jitter must be from 0 to 1/],
    [{ stopTimeoutMs: -1 }, /camera cam-9: stopTimeoutMs must be above 0/],
    [{ stallTimeoutMs: 0 }, /camera cam-9: stallTimeoutMs must be above 0/],
    [{ source: 'gopher://x' }, /^camera cam-9: source URI gopher:\/\/x: unsupported scheme/],
  ])('rejects %j', (override, message) => {
    expect(() => new FrameSource({ ...base, ...override })).toThrow(message);
  });

  it('describes its pipeline with credentials masked', () => {
    const frameSource = new FrameSource({ ...base, source: 'rtsp://admin:pw@cam/live', maxSize: { width: 64, height: 64 } });
    expect(frameSource.describe()).toMatch(/^rtspsrc location=rtsp:\/\/\*\*\*@cam\/live latency=200 .*width=\[1,64\],height=\[1,64\],pixel-aspect-ratio=1\/1 ! queue/);
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
