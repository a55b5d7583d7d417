import type { SourceSpec } from './source-uri';

/** The child writes framed data here; stdout and stderr stay free for gst-launch's own messages. */
export const FRAME_FD = 3;

export interface FrameSize {
  width: number;
  height: number;
}

export interface PipelineOptions {
  /**
   * Scale frames down (never up) to fit inside this box, keeping the camera's display aspect ratio with square pixels;
   * undefined keeps the source's native size (still with square pixels).
   */
  maxSize?: FrameSize;
  /** Frames per second at most (enforced on PTS by FrameSource; kept here for pipelines that may use it). */
  fpsLimit: number;
  /** Pace a file at its own frame rate (replay as if live) instead of reading it as fast as it is consumed. */
  realtime?: boolean;
}

/** One multifilesrc run over a folder's images of one format, linked as numbered names. */
export interface ImageRun {
  /** printf-style location, e.g. `/tmp/ingest-images-x/%08d.jpg`. */
  location: string;
  firstIndex: number;
  lastIndex: number;
  format: 'jpeg' | 'png';
  fps: number;
}

/**
 * gst-launch-1.0 argv (after its flags) for one camera: source → decoder → scale/convert to RGB → gdppay
 * on fd 3. Each property is its own argv entry, so paths and URLs with spaces need no quoting.
 * `images` sources need a run (see `ImageRun`): multifilesrc reads numbered names, so the folder is linked first.
 */
export function buildPipelineArgs(spec: SourceSpec, options: PipelineOptions, imageRun?: ImageRun): string[] {
  return [...sourceArgs(spec, imageRun), '!', ...rgbTailArgs(spec, options)];
}

function sourceArgs(spec: SourceSpec, imageRun: ImageRun | undefined): string[] {
  switch (spec.kind) {
    case 'file':
      return ['filesrc', `location=${spec.path}`, '!', 'decodebin'];
    case 'rtsp':
      return [
        'rtspsrc',
        `location=${spec.location}`,
        `latency=${spec.latencyMs}`,
        `protocols=${RTSP_PROTOCOLS[spec.transport]}`,
        // rtspsrc's `timeout` (µs) is how long UDP may stay silent before it reconnects over TCP.
        `timeout=${spec.udpTimeoutMs * 1000}`,
        'drop-on-latency=true',
        'name=src',
        // Cameras often add an audio stream; only the video stream goes on.
        'src.',
        '!',
        'application/x-rtp,media=video',
        '!',
        'decodebin',
      ];
    case 'http':
      // MJPEG carries no timestamps: stamp on arrival (do-timestamp), as a live source. `auto` lets decodebin find the
      // format (MJPEG, H.264, MPEG-TS…) but, for MJPEG, waits ~10 s for multipartdemux to announce its last stream
      // before the first frame; `mjpeg` plugs the demuxer in single-stream mode and starts at once.
      return [
        'souphttpsrc', `location=${spec.location}`, 'is-live=true', 'do-timestamp=true', `timeout=${spec.timeoutS}`, '!',
        ...(spec.format === 'mjpeg' ? ['multipartdemux', 'single-stream=true', '!', 'jpegdec'] : ['decodebin']),
      ];
    case 'videotestsrc':
      return [
        'videotestsrc',
        `pattern=${spec.pattern}`,
        `is-live=${spec.live}`,
        ...(spec.frames === undefined ? [] : [`num-buffers=${spec.frames}`]),
        '!',
        `video/x-raw,width=${spec.width},height=${spec.height},framerate=${fraction(spec.fps)}`,
      ];
    case 'images': {
      if (imageRun === undefined) throw new Error('images sources need an ImageRun (the linked folder)');
      return [
        'multifilesrc',
        `location=${imageRun.location}`,
        `index=${imageRun.firstIndex}`,
        `start-index=${imageRun.firstIndex}`,
        `stop-index=${imageRun.lastIndex}`,
        `caps=image/${imageRun.format},framerate=${fraction(imageRun.fps)}`,
        '!',
        imageRun.format === 'jpeg' ? 'jpegdec' : 'pngdec',
      ];
    }
  }
}

const RTSP_PROTOCOLS = { auto: 'udp+tcp', tcp: 'tcp', udp: 'udp' } as const;

/**
 * Raw RGB caps for the frames we read. A size is given as ranges, not a fixed size: videoscale then fixes the largest
 * size inside the box that keeps the display aspect ratio (1280×720 → 640×360, 720×1280 → 360×640, 320×240 stays), so
 * objects reach the detector undistorted and its letterbox does the rest. `pixel-aspect-ratio=1/1` makes videoscale
 * fold a camera's non-square pixels into the size instead of handing them on as stretched pixels.
 */
export function rgbCaps(maxSize: FrameSize | undefined): string {
  const size = maxSize === undefined ? '' : `,width=[1,${maxSize.width}],height=[1,${maxSize.height}]`;
  return `video/x-raw,format=RGB${size},pixel-aspect-ratio=1/1`;
}

function rgbTailArgs(spec: SourceSpec, options: PipelineOptions): string[] {
  // No videorate: with drop-only it also drops frames of streams at or below its max-rate whose timestamps jitter (WebM's
  // millisecond timestamps lost 1 frame in 15 at 15 fps), so the fps limit is applied exactly on PTS in FrameSource.
  return [
    'videoscale',
    '!',
    'videoconvert',
    '!',
    rgbCaps(options.maxSize),
    '!',
    // A live camera must never wait for us: if the pipe is full, GStreamer drops the oldest frame rather than stall
    // the network source (its jitter buffer or socket would overflow instead).
    ...(spec.live ? ['queue', 'max-size-buffers=2', 'max-size-bytes=0', 'max-size-time=0', 'leaky=downstream', '!'] : []),
    // The parser demands the header CRC (gdppay's default, stated so nobody turns it off).
    'gdppay',
    'crc-header=true',
    '!',
    'fdsink',
    `fd=${FRAME_FD}`,
    `sync=${spec.live ? false : options.realtime === true}`,
  ];
}

/** GStreamer fraction for a frame rate: whole rates stay exact, others keep three decimals. */
export function fraction(fps: number): string {
  if (Number.isInteger(fps)) return `${fps}/1`;
  return `${Math.round(fps * 1000)}/1000`;
}

/** A printable pipeline for logs (quotes entries with spaces); the argv form is what runs. */
export function describePipeline(args: readonly string[]): string {
  return args.map((arg) => (/[\s"]/.test(arg) ? JSON.stringify(arg) : arg)).join(' ');
}
