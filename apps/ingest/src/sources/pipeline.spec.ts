import { buildPipelineArgs, describePipeline, fraction } from './pipeline';
import { parseSourceUri, redactUri } from './source-uri';

const RGB_TAIL = 'videoscale ! videoconvert ! video/x-raw,format=RGB,pixel-aspect-ratio=1/1';
const LIVE_QUEUE = 'queue max-size-buffers=2 max-size-bytes=0 max-size-time=0 leaky=downstream !';

function pipelineFor(uri: string, options: Partial<Parameters<typeof buildPipelineArgs>[1]> = {}): string {
  return describePipeline(buildPipelineArgs(parseSourceUri(uri), { fpsLimit: 5, ...options }));
}

describe('source URI → pipeline', () => {
  it('file: decodebin, read as fast as consumed', () => {
    expect(pipelineFor('file:///videos/shop%20floor.mp4')).toBe(
      `filesrc "location=/videos/shop floor.mp4" ! decodebin ! ${RGB_TAIL} ! gdppay crc-header=true ! fdsink fd=3 sync=false`,
    );
  });

  it('file: realtime replay syncs to the clock', () => {
    expect(pipelineFor('file:///v.webm', { realtime: true })).toMatch(/fdsink fd=3 sync=true$/);
  });

  it('rtsp: latency, UDP with TCP fallback, video stream only, leaky queue', () => {
    expect(pipelineFor('rtsp://cam.local:554/stream1?profile=2')).toBe(
      'rtspsrc location=rtsp://cam.local:554/stream1?profile=2 latency=200 protocols=udp+tcp timeout=5000000 drop-on-latency=true name=src ' +
        `src. ! application/x-rtp,media=video ! decodebin ! ${RGB_TAIL} ! ${LIVE_QUEUE} gdppay crc-header=true ! fdsink fd=3 sync=false`,
    );
  });

  it('rtsp: options ride in the fragment and never reach the camera', () => {
    const spec = parseSourceUri('rtsp://user:secret@cam/live?channel=1#latency=50&transport=tcp&udp-timeout=2000');
    expect(spec).toEqual({ kind: 'rtsp', location: 'rtsp://user:secret@cam/live?channel=1', latencyMs: 50, transport: 'tcp', udpTimeoutMs: 2000, live: true });
    expect(describePipeline(buildPipelineArgs(spec, { fpsLimit: 5 }))).toContain('protocols=tcp ');
  });

  it('http(s): souphttpsrc stamping arrival time, decodebin for MJPEG or H.264', () => {
    expect(pipelineFor('https://cam/video.cgi?res=2#timeout=3')).toBe(
      `souphttpsrc location=https://cam/video.cgi?res=2 is-live=true do-timestamp=true timeout=3 ! decodebin ! ${RGB_TAIL} ! ${LIVE_QUEUE} gdppay crc-header=true ! fdsink fd=3 sync=false`,
    );
  });

  it('http(s) with #format=mjpeg: multipart demuxer in single-stream mode, no decodebin wait', () => {
    expect(pipelineFor('http://cam/video.mjpg#format=mjpeg')).toContain(
      'souphttpsrc location=http://cam/video.mjpg is-live=true do-timestamp=true timeout=10 ! multipartdemux single-stream=true ! jpegdec ! videoscale',
    );
    expect(() => parseSourceUri('http://cam/x#format=h265')).toThrow(/#format=h265 is not one of auto, mjpeg/);
  });

  it('videotestsrc: pattern, size, rate and frame count from the URI', () => {
    expect(pipelineFor('videotestsrc://ball?width=64&height=48&fps=30&frames=10&live=false')).toBe(
      `videotestsrc pattern=ball is-live=false num-buffers=10 ! video/x-raw,width=64,height=48,framerate=30/1 ! ${RGB_TAIL} ! gdppay crc-header=true ! fdsink fd=3 sync=false`,
    );
    expect(parseSourceUri('videotestsrc://')).toEqual({ kind: 'videotestsrc', pattern: 'smpte', width: 320, height: 240, fps: 10, live: true });
    expect(parseSourceUri('videotestsrc://?pattern=snow&fps=2.5')).toMatchObject({ pattern: 'snow', fps: 2.5 });
  });

  it('videotestsrc live: leaky queue before the pipe', () => {
    expect(pipelineFor('videotestsrc://smpte')).toContain(`is-live=true ! video/x-raw,width=320,height=240,framerate=10/1 ! ${RGB_TAIL} ! ${LIVE_QUEUE}`);
  });

  it('images: multifilesrc over the linked run, decoder per format', () => {
    const spec = parseSourceUri('images:///data/frames?fps=2');
    expect(spec).toEqual({ kind: 'images', dir: '/data/frames', fps: 2, live: false });
    const run = { location: '/tmp/l/%08d.png', firstIndex: 3, lastIndex: 9, format: 'png' as const, fps: 2 };
    expect(describePipeline(buildPipelineArgs(spec, { fpsLimit: 2 }, run))).toBe(
      'multifilesrc location=/tmp/l/%08d.png index=3 start-index=3 stop-index=9 caps=image/png,framerate=2/1 ! pngdec ! ' +
        'videoscale ! videoconvert ! video/x-raw,format=RGB,pixel-aspect-ratio=1/1 ! gdppay crc-header=true ! fdsink fd=3 sync=false',
    );
    expect(() => buildPipelineArgs(spec, { fpsLimit: 2 })).toThrow(/ImageRun/);
  });

  it('images: relative folders resolve against the working directory', () => {
    expect(parseSourceUri('images://frames/day1')).toMatchObject({ dir: `${process.cwd()}/frames/day1` });
  });

  it('fits frames inside the maximum size with square pixels (the aspect ratio kept), or keeps native size', () => {
    expect(pipelineFor('file:///v.mp4', { maxSize: { width: 640, height: 480 } })).toContain(
      'videoscale ! videoconvert ! video/x-raw,format=RGB,width=[1,640],height=[1,480],pixel-aspect-ratio=1/1 !',
    );
    expect(pipelineFor('file:///v.mp4')).toContain('video/x-raw,format=RGB,pixel-aspect-ratio=1/1 !');
  });

  it('leaves the fps limit to FrameSource (no videorate: it drops frames of jittery streams below its max-rate)', () => {
    expect(pipelineFor('file:///v.webm', { fpsLimit: 5 })).not.toContain('videorate');
  });

  it('writes frame rates as GStreamer fractions', () => {
    expect(fraction(25)).toBe('25/1');
    expect(fraction(2.5)).toBe('2500/1000');
  });
});

describe('parseSourceUri errors', () => {
  it.each([
    ['ftp://x/y.mp4', /unsupported scheme "ftp:\/\/"/],
    ['no-scheme', /expected scheme/],
    ['file://relative.mp4', /absolute path/],
    ['file:///v.mp4#latency=5', /unknown option "latency" \(this kind of source takes no options\)/],
    ['rtsp://cam/live#transport=quic', /transport=quic is not one of auto, tcp, udp/],
    ['rtsp://cam/live#latency=-1', /latency=-1 must be a whole number from 0 to 60000/],
    ['videotestsrc://plaid', /pattern "plaid" is not a videotestsrc pattern/],
    ['videotestsrc://ball?width=0', /width=0 must be a whole number from 1/],
    ['videotestsrc://ball?fps=0', /fps=0 must be a frame rate above 0/],
    ['videotestsrc://ball?live=maybe', /live=maybe must be true or false/],
    ['videotestsrc://ball?size=4', /unknown option "size" \(known options: pattern, width, height, fps, frames, live\)/],
    ['images://', /no folder given/],
  ])('%s', (uri, message) => {
    expect(() => parseSourceUri(uri)).toThrow(expect.objectContaining({ code: 'invalid-uri', message: expect.stringMatching(message) }));
  });

  it('keeps credentials out of error messages', () => {
    expect(() => parseSourceUri('rtsp://admin:hunter2@cam/live#transport=x')).toThrow(/rtsp:\/\/\*\*\*@cam\/live/);
    expect(redactUri('http://u:p@cam/x')).toBe('http://***@cam/x');
    expect(redactUri('http://cam/x?a=b@c')).toBe('http://cam/x?a=b@c');
  });
});
