import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import type { FrameSource, VideoFrame } from '../../src/sources';

const run = promisify(execFile);

/** Runs a gst-launch-1.0 pipeline to completion (test fixtures are made with the real GStreamer). */
export async function gstLaunch(args: string[]): Promise<void> {
  try {
    await run('gst-launch-1.0', ['-q', ...args], { timeout: 30_000 });
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`gst-launch-1.0 ${args.join(' ')} failed: ${stderr ?? String(error)}`);
  }
}

export interface TestVideo {
  frames: number;
  fps: number;
  width: number;
  height: number;
}

/** A short H.264/MP4 (openh264enc) or VP8/WebM (vp8enc) clip of the moving-ball test pattern. */
export async function makeVideo(file: string, video: TestVideo, codec: 'h264-mp4' | 'vp8-webm'): Promise<void> {
  const encode = codec === 'h264-mp4' ? ['openh264enc', '!', 'h264parse', '!', 'mp4mux'] : ['vp8enc', 'deadline=1', '!', 'webmmux'];
  await gstLaunch([
    'videotestsrc', 'pattern=ball', `num-buffers=${video.frames}`, '!',
    `video/x-raw,format=I420,width=${video.width},height=${video.height},framerate=${video.fps}/1`, '!',
    ...encode, '!', 'filesink', `location=${file}`,
  ]);
}

/** Where the white square of `makeSquareClip` sits: a 16:9 picture, the square in its middle. */
export const SQUARE_CLIP = { width: 1280, height: 720, square: { x: 520, y: 240, side: 240 } } as const;

/**
 * A 1280×720 H.264/MP4 clip at `fps`: red, with a white 240×240 square in the middle. Any stretching of the picture
 * shows as a square that is no longer square.
 */
export async function makeSquareClip(file: string, frames: number, fps: number): Promise<void> {
  const { width, height, square } = SQUARE_CLIP;
  await gstLaunch([
    'compositor', 'name=mix', `sink_1::xpos=${square.x}`, `sink_1::ypos=${square.y}`, '!',
    `video/x-raw,format=I420,width=${width},height=${height},framerate=${fps}/1`, '!',
    'openh264enc', '!', 'h264parse', '!', 'mp4mux', '!', 'filesink', `location=${file}`,
    'videotestsrc', 'pattern=red', `num-buffers=${frames}`, '!', `video/x-raw,width=${width},height=${height},framerate=${fps}/1`, '!', 'mix.sink_0',
    'videotestsrc', 'pattern=white', `num-buffers=${frames}`, '!', `video/x-raw,width=${square.side},height=${square.side},framerate=${fps}/1`, '!', 'mix.sink_1',
  ]);
}

/** Bounding box of the pixels whose green channel is above half (white on red: the square). */
export function brightBox(frame: Pick<VideoFrame, 'width' | 'height' | 'rgb'>): { x: number; y: number; w: number; h: number } {
  let [left, top, right, bottom] = [Infinity, Infinity, -1, -1];
  for (let y = 0; y < frame.height; y++) {
    for (let x = 0; x < frame.width; x++) {
      if (frame.rgb[(y * frame.width + x) * 3 + 1]! <= 128) continue;
      left = Math.min(left, x);
      right = Math.max(right, x);
      top = Math.min(top, y);
      bottom = Math.max(bottom, y);
    }
  }
  return { x: left, y: top, w: right - left + 1, h: bottom - top + 1 };
}

/** A one-colour image (0xRRGGBB) as JPEG or PNG. */
export async function makeImage(file: string, rgb: number, format: 'jpeg' | 'png', size = 16): Promise<void> {
  await gstLaunch([
    'videotestsrc', 'pattern=solid-color', `foreground-color=${0xff000000 + rgb}`, 'num-buffers=1', '!',
    `video/x-raw,width=${size},height=${size}`, '!', 'videoconvert', '!', format === 'jpeg' ? 'jpegenc' : 'pngenc', '!',
    'filesink', `location=${file}`,
  ]);
}

/** JPEG frames of the ball pattern, for the MJPEG server. */
export async function makeJpegFrames(dir: string, count: number, width: number, height: number): Promise<Buffer[]> {
  await gstLaunch([
    'videotestsrc', 'pattern=ball', `num-buffers=${count}`, '!', `video/x-raw,width=${width},height=${height}`, '!',
    'jpegenc', '!', 'multifilesink', `location=${path.join(dir, 'mjpeg-%03d.jpg')}`,
  ]);
  const names = (await readdir(dir)).filter((name) => name.startsWith('mjpeg-')).sort();
  return Promise.all(names.map((name) => readFile(path.join(dir, name))));
}

/**
 * An HTTP MJPEG camera (multipart/x-mixed-replace, as IP cameras serve it) that can go away and come back on the
 * same port, to test reconnects against the real souphttpsrc.
 */
export class MjpegServer {
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  port = 0;
  connections = 0;

  constructor(
    private readonly jpegs: Buffer[],
    private readonly fps: number,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/video.mjpg`;
  }

  async start(): Promise<void> {
    const server = http.createServer((request, response) => this.serve(response));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Drops every client and stops listening (the camera vanishes). */
  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.clear();
    for (const socket of this.sockets) socket.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private serve(response: http.ServerResponse): void {
    this.connections++;
    const boundary = 'frameboundary';
    response.writeHead(200, { 'Content-Type': `multipart/x-mixed-replace; boundary=${boundary}`, 'Cache-Control': 'no-cache' });
    let index = 0;
    const timer = setInterval(() => {
      const jpeg = this.jpegs[index++ % this.jpegs.length]!;
      response.write(`--${boundary}\r\nContent-Type: image/jpeg\r\nContent-Length: ${jpeg.length}\r\n\r\n`);
      response.write(jpeg);
      response.write('\r\n');
    }, 1000 / this.fps);
    this.timers.add(timer);
    response.on('close', () => {
      clearInterval(timer);
      this.timers.delete(timer);
    });
  }
}

/** Reads frames until `count` arrived or the source finished. */
export async function take(source: FrameSource, count: number): Promise<VideoFrame[]> {
  const frames: VideoFrame[] = [];
  while (frames.length < count) {
    const frame = await source.next();
    if (frame === undefined) break;
    frames.push(frame);
  }
  return frames;
}

export async function drain(source: FrameSource): Promise<VideoFrame[]> {
  return take(source, Number.POSITIVE_INFINITY);
}

/** Awaits a condition (no fixed sleeps), failing after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Mean of each channel over the frame. */
export function meanColour(frame: VideoFrame): [number, number, number] {
  const sums = [0, 0, 0];
  for (let at = 0; at < frame.rgb.length; at += 3) {
    sums[0]! += frame.rgb[at]!;
    sums[1]! += frame.rgb[at + 1]!;
    sums[2]! += frame.rgb[at + 2]!;
  }
  const pixels = frame.rgb.length / 3;
  return [sums[0]! / pixels, sums[1]! / pixels, sums[2]! / pixels];
}

/** GStreamer's RTSP server (sources-rtsp-server.py, PyGObject from Debian's python3-gi) as a camera that can die and return. */
export class RtspCamera {
  private child: ChildProcess | undefined;
  port = 0;

  get url(): string {
    return `rtsp://127.0.0.1:${this.port}/cam`;
  }

  async start(): Promise<void> {
    // Debian's python3 has the gi bindings; a pyenv or venv python3 earlier on PATH usually does not.
    const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
    const child = spawn(python, [path.join(__dirname, 'sources-rtsp-server.py'), String(this.port)], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let output = '';
    this.port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`RTSP server did not start: ${output}`)), 15_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const ready = /ready (\d+)/.exec(output);
        if (ready) {
          clearTimeout(timer);
          resolve(Number(ready[1]));
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`RTSP server exited with ${code}: ${output}`));
      });
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }
}
