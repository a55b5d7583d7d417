import { copyFile, mkdir, mkdtemp, rm, stat, truncate } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FrameSource, type SourceError, type VideoFrame } from '../../src/sources';
import { DEFAULT_MAX_FRAME_SIZE } from '../../src/config';
import { brightBox, drain, gstLaunch, makeImage, makeSquareClip, makeVideo, meanColour, SQUARE_CLIP } from './sources-helpers';

// Real GStreamer (gst-launch-1.0 children) on tiny clips made here; no servers of the stack are involved.
const START_US = 1_700_000_000_000_000;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'sources-int-recorded-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function recorded(cameraId: string, source: string, fpsLimit: number, extra: Partial<ConstructorParameters<typeof FrameSource>[0]> = {}): FrameSource {
  return new FrameSource({ cameraId, source, fpsLimit, startTimeUs: START_US, ...extra });
}

function timeline(frames: VideoFrame[]): Array<[number, number, number, number]> {
  return frames.map((frame) => [frame.seq, frame.ptsNs, frame.width, frame.height]);
}

describe('recorded sources through real GStreamer', () => {
  it('videotestsrc: exactly the frames asked for, at their size, with increasing PTS', async () => {
    // 62 px wide: GStreamer pads RGB rows to 188 bytes, the frames must come out tightly packed.
    const source = recorded('test-pattern', 'videotestsrc://ball?width=62&height=30&fps=25&frames=12&live=false', 25);
    source.start();
    const frames = await drain(source);
    expect(timeline(frames)).toEqual(Array.from({ length: 12 }, (_, index) => [index, index * 40_000_000, 62, 30]));
    expect(frames.every((frame) => frame.rgb.length === 62 * 30 * 3)).toBe(true);
    expect(frames.map((frame) => frame.eventTimeUs)).toEqual(frames.map((frame) => START_US + frame.ptsNs / 1000));
    expect(source.state).toBe('ended');
    expect(source.stats()).toMatchObject({ framesIn: 12, framesOut: 12, droppedQueueFull: 0, droppedRateLimit: 0, restarts: 0 });
  });

  it.each([
    ['h264-mp4', 'clip.mp4'],
    ['vp8-webm', 'clip.webm'],
  ] as const)('a %s file made with GStreamer reads back with its frame count, size and PTS', async (codec, name) => {
    const file = path.join(dir, name);
    await makeVideo(file, { frames: 15, fps: 15, width: 64, height: 48 }, codec);
    const source = recorded(`file-${codec}`, `file://${file}`, 15);
    source.start();
    const frames = await drain(source);
    expect(frames.map((frame) => [frame.seq, frame.width, frame.height])).toEqual(Array.from({ length: 15 }, (_, index) => [index, 64, 48]));
    // Containers store time at their own resolution (WebM: milliseconds), so PTS is i/15 s to within 1 ms.
    frames.forEach((frame, index) => expect(Math.abs(frame.ptsNs - (index * 1e9) / 15)).toBeLessThan(1_000_000));
    expect(source.state).toBe('ended');
  });

  it('a file with an audio track: only the video stream is read', async () => {
    const file = path.join(dir, 'with-audio.mp4');
    await gstLaunch([
      '-e', 'videotestsrc', 'num-buffers=10', '!', 'video/x-raw,width=32,height=24,framerate=10/1', '!', 'openh264enc', '!', 'h264parse', '!', 'queue', '!',
      'mp4mux', 'name=mux', '!', 'filesink', `location=${file}`,
      'audiotestsrc', 'num-buffers=20', '!', 'audioconvert', '!', 'avenc_aac', '!', 'aacparse', '!', 'queue', '!', 'mux.',
    ]);
    const source = recorded('file-audio', `file://${file}`, 10);
    source.start();
    const frames = await drain(source);
    expect(frames.map((frame) => [frame.seq, frame.width, frame.height])).toEqual(Array.from({ length: 10 }, (_, index) => [index, 32, 24]));
    expect(source.state).toBe('ended');
  });

  it('fpsLimit is respected by counts, and frames scale down to fit the maximum size', async () => {
    const file = path.join(dir, 'limit.mp4');
    await makeVideo(file, { frames: 30, fps: 30, width: 64, height: 48 }, 'h264-mp4');
    const source = recorded('file-limited', `file://${file}`, 5, { maxSize: { width: 40, height: 40 } });
    source.start();
    const frames = await drain(source);
    // One second of video at 5 fps: 5 frames, one per 200 ms slot.
    expect(frames).toHaveLength(5);
    expect(frames.map((frame) => Math.floor(frame.ptsNs / 200_000_000))).toEqual([0, 1, 2, 3, 4]);
    expect(frames.every((frame) => frame.width === 40 && frame.height === 30 && frame.rgb.length === 40 * 30 * 3)).toBe(true);
  });

  it("a 16:9 camera fits the service's 640×640 box undistorted: 640×360, its square still square", async () => {
    const file = path.join(dir, 'square-16x9.mp4');
    await makeSquareClip(file, 3, 10);
    const source = recorded('file-16x9', `file://${file}`, 10, { maxSize: DEFAULT_MAX_FRAME_SIZE });
    source.start();
    const frames = await drain(source);
    expect(frames.map((frame) => [frame.width, frame.height])).toEqual([[640, 360], [640, 360], [640, 360]]);
    // Scaled by exactly 1/2 on both axes: 240×240 at (520, 240) becomes 120×120 at (260, 120) (H.264 edges: ±2 px).
    const scale = 640 / SQUARE_CLIP.width;
    const { square } = SQUARE_CLIP;
    for (const frame of frames) {
      const box = brightBox(frame);
      expect(Math.abs(box.x - square.x * scale)).toBeLessThanOrEqual(2);
      expect(Math.abs(box.y - square.y * scale)).toBeLessThanOrEqual(2);
      expect(Math.abs(box.w - square.side * scale)).toBeLessThanOrEqual(2);
      expect(Math.abs(box.h - square.side * scale)).toBeLessThanOrEqual(2);
    }
  });

  it('frames smaller than the maximum size are not scaled up, and portrait cameras fit by their height', async () => {
    const small = recorded('small', 'videotestsrc://ball?width=320&height=240&fps=10&frames=1&live=false', 10, { maxSize: DEFAULT_MAX_FRAME_SIZE });
    const portrait = recorded('portrait', 'videotestsrc://ball?width=720&height=1280&fps=10&frames=1&live=false', 10, { maxSize: DEFAULT_MAX_FRAME_SIZE });
    small.start();
    portrait.start();
    const [smallFrames, portraitFrames] = await Promise.all([drain(small), drain(portrait)]);
    expect(timeline(smallFrames)).toEqual([[0, 0, 320, 240]]);
    expect(timeline(portraitFrames)).toEqual([[0, 0, 360, 640]]);
  });

  it('an image folder is read in name order, JPEG and PNG alike, one frame per image', async () => {
    const folder = path.join(dir, 'images');
    await mkdir(folder);
    await makeImage(path.join(folder, 'shot10.jpg'), 0x0000ff, 'jpeg');
    await makeImage(path.join(folder, 'shot2.png'), 0x00ff00, 'png');
    await makeImage(path.join(folder, 'shot1.jpg'), 0xff0000, 'jpeg');
    await makeImage(path.join(folder, 'shot3.jpg'), 0xffffff, 'jpeg');
    const source = recorded('images', `images://${folder}?fps=2`, 2);
    source.start();
    const frames = await drain(source);
    expect(timeline(frames)).toEqual([
      [0, 0, 16, 16],
      [1, 500_000_000, 16, 16],
      [2, 1_000_000_000, 16, 16],
      [3, 1_500_000_000, 16, 16],
    ]);
    const dominant = frames.map((frame) => {
      const [red, green, blue] = meanColour(frame);
      if (red > 200 && green > 200 && blue > 200) return 'white';
      return red > 200 ? 'red' : green > 200 ? 'green' : blue > 200 ? 'blue' : 'unclear';
    });
    expect(dominant).toEqual(['red', 'green', 'white', 'blue']);
    expect(source.state).toBe('ended');
  });

  it('a truncated file is an error for its camera only, with GStreamer\'s text; other cameras go on', async () => {
    const whole = path.join(dir, 'whole.mp4');
    const broken = path.join(dir, 'truncated.mp4');
    await makeVideo(whole, { frames: 20, fps: 20, width: 64, height: 48 }, 'h264-mp4');
    await copyFile(whole, broken);
    await truncate(broken, Math.floor((await stat(whole)).size / 2));

    // GStreamer itself sometimes hangs on this file instead of posting its error; the stall watchdog ends that.
    const brokenCamera = recorded('broken', `file://${broken}`, 20, { restart: { initialMs: 50, maxMs: 100 }, stallTimeoutMs: 3000 });
    const healthyCamera = recorded('healthy', 'videotestsrc://smpte?width=32&height=24&fps=10&frames=20&live=false', 10);
    const failures: SourceError[] = [];
    brokenCamera.on('failure', (error, { willRestart }) => {
      failures.push(error);
      expect(willRestart).toBe(false);
    });
    brokenCamera.start();
    healthyCamera.start();
    const [brokenFrames, healthyFrames] = await Promise.all([drain(brokenCamera), drain(healthyCamera)]);

    expect(brokenCamera.state).toBe('failed');
    expect(brokenFrames).toEqual([]);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ retriable: false });
    if (failures[0]!.code === 'pipeline-error') expect(failures[0]!.message).toMatch(/^GStreamer error from qtdemux\d+: /);
    else expect(failures[0]!.code).toBe('pipeline-stalled');
    expect(healthyFrames).toHaveLength(20);
    expect(healthyCamera.state).toBe('ended');
  });
});
