// The ingest benchmark suite (`npm run bench -- ingest [--frames 60] [--warmup 120] [--threads 1] [--columns 10]
// [--rows 5] [--tracker-frames 300] [--detections 50] [--reid-iterations 50]`):
//   1. the service's per-frame path (frame-pipeline.ts): frames/s per core and non-inference ÷ inference CPU time,
//      everything a frame costs besides inference counted (GDP parse, letterbox, decode/NMS, appearance, DeepSORT,
//      events, Avro, publishing to the local broker);
//   2. DeepSORT's update for 50 detections against the reference Python implementation (tracker.ts);
//   3. the ReID extractor's crop preparation (reid.ts), printed only (ReID is off by default).
// Ends with one JSON line for tools.

import { argument } from './args';
import { DEFAULT_WARMUP_FRAMES, runFramePipelineBench } from './frame-pipeline';
import { runReidBench } from './reid';
import { runTrackerBench } from './tracker';

const TARGET_OVERHEAD_RATIO = 0.1;
const TARGET_TRACKER_RATIO = 0.2;

async function main(): Promise<void> {
  const frames = await runFramePipelineBench({
    frames: argument('frames', 60),
    warmupFrames: argument('warmup', DEFAULT_WARMUP_FRAMES),
    threads: argument('threads', 1),
    columns: argument('columns', 10),
    rows: argument('rows', 5),
  });
  console.log('');
  const tracker = await runTrackerBench({ frames: argument('tracker-frames', 300), detections: argument('detections', 50) });
  console.log('');
  // Only our crop preparation is a real figure here: the synthetic ReID model has no trained network's cost.
  const reid = await runReidBench({ iterations: argument('reid-iterations', 50), detections: argument('detections', 50) });
  console.log(`  (with REID_MODEL_URI set, add ${reid.preprocessCpuMsPerFrame.toFixed(2)} ms of crop preparation per frame, plus the ReID network, to the frame path above)`);
  console.log('');
  const verdict = (value: number, target: number) => `${value.toFixed(3)} (target ≤ ${target}: ${value <= target ? 'met' : 'NOT met'})`;
  console.log(
    `ingest: ${frames.framesPerSecondPerCore.toFixed(2)} frames/s per core (CPU time, GStreamer child included); ` +
      `overhead ratio ${verdict(frames.overheadRatio, TARGET_OVERHEAD_RATIO)}; tracker ratio ${verdict(tracker.ratio, TARGET_TRACKER_RATIO)}`,
  );
  const round = (value: number, digits: number) => Number(value.toFixed(digits));
  console.log(
    JSON.stringify({
      suite: 'ingest',
      fps_per_core: round(frames.framesPerSecondPerCore, 2),
      overhead_ratio: round(frames.overheadRatio, 4),
      tracker_ratio: round(tracker.ratio, 4),
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
