// The ingest benchmark suite (`npm run bench -- ingest [--iterations 20] [--batch 1] [--threads 1] [--frames 300]
// [--detections 50] [--reid-iterations 50]`): the detection stage (frames/s per core and non-inference ÷ inference time with the YOLOv8n-sized
// compute proxy on 1280×720 frames) and DeepSORT's update time for 50 detections against the reference Python
// implementation. Ends with one JSON line for tools.

import { argument, runDetectionBench } from './detection';
import { runReidBench } from './reid';
import { runTrackerBench } from './tracker';

const TARGET_OVERHEAD_RATIO = 0.1;
const TARGET_TRACKER_RATIO = 0.2;

async function main(): Promise<void> {
  const detection = await runDetectionBench({
    iterations: argument('iterations', 20),
    batch: argument('batch', 1),
    threads: argument('threads', 1),
    width: argument('width', 1280),
    height: argument('height', 720),
  });
  console.log('');
  const tracker = await runTrackerBench({ frames: argument('frames', 300), detections: argument('detections', 50) });
  console.log('');
  // Only our crop preparation is a real figure here: the synthetic ReID model has no trained network's cost.
  const reid = await runReidBench({ iterations: argument('reid-iterations', 50), detections: argument('detections', 50) });
  console.log('');
  const verdict = (value: number, target: number) => `${value.toFixed(3)} (target ≤ ${target}: ${value <= target ? 'met' : 'NOT met'})`;
  console.log(`ingest: ${detection.framesPerSecondPerCore.toFixed(2)} frames/s per core (CPU time); overhead ratio ${verdict(detection.overheadRatio, TARGET_OVERHEAD_RATIO)}; tracker ratio ${verdict(tracker.ratio, TARGET_TRACKER_RATIO)}`);
  const round = (value: number, digits: number) => Number(value.toFixed(digits));
  console.log(
    JSON.stringify({
      suite: 'ingest',
      fps_per_core: round(detection.framesPerSecondPerCore, 2),
      overhead_ratio: round(detection.overheadRatio, 4),
      tracker_ratio: round(tracker.ratio, 4),
      reid_preprocess_cpu_ms_per_frame: round(reid.preprocessCpuMsPerFrame, 3),
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
