// Writes a test or benchmark model to disk, e.g. for a local run of ingest without real weights:
//   npx tsx apps/ingest/src/models/write-model.ts synthetic models/yolov8n-synthetic.onnx
//   npx tsx apps/ingest/src/models/write-model.ts proxy /tmp/yolov8n-compute-proxy.onnx
//   npx tsx apps/ingest/src/models/write-model.ts reid models/reid-synthetic.onnx
// Neither model detects real objects (see apps/ingest/src/detection/README.md).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildComputeProxyYolov8 } from './compute-proxy-yolov8';
import { buildSyntheticReid } from './synthetic-reid';
import { buildSyntheticYolov8 } from './synthetic-yolov8';

const BUILDERS: Record<string, () => Uint8Array> = {
  synthetic: () => buildSyntheticYolov8(),
  'synthetic-static': () => buildSyntheticYolov8({ dynamicBatch: false }),
  proxy: () => buildComputeProxyYolov8().bytes,
  reid: () => buildSyntheticReid(),
};

const [kind, target] = process.argv.slice(2);
const build = kind === undefined ? undefined : BUILDERS[kind];
if (build === undefined || target === undefined) {
  console.error(`usage: write-model.ts <${Object.keys(BUILDERS).join('|')}> <file.onnx>`);
  process.exit(2);
}
mkdirSync(path.dirname(path.resolve(target)), { recursive: true });
const bytes = build();
writeFileSync(target, bytes);
console.log(`wrote ${kind} model to ${target} (${(bytes.length / 1e6).toFixed(1)} MB)`);
