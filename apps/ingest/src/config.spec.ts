import { ConfigError, loadConfig } from '@retail/runtime';
import { DEFAULT_TRACKER, INGEST_HTTP_PORT, ingestConfigSchema } from './config';
import { DEFAULT_IOU_THRESHOLD, DEFAULT_MAX_DETECTIONS } from './detection';
import { DEFAULT_NN_BUDGET } from './tracking';

const load = (env: NodeJS.ProcessEnv) => loadConfig({ service: 'ingest', schema: ingestConfigSchema, env }).config;

function problems(env: NodeJS.ProcessEnv): string[] {
  try {
    load(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((problem) => `${problem.env} (${problem.key}): ${problem.message}`);
  }
  throw new Error('expected invalid configuration');
}

describe('ingest configuration', () => {
  it('starts from the local stack and DeepSORT defaults with no configuration at all', () => {
    const config = load({});
    expect(config.http.port).toBe(INGEST_HTTP_PORT);
    expect(config.pulsar.serviceUrl).toBe('pulsar://127.0.0.1:6650');
    expect(config.tracker).toEqual({
      ...DEFAULT_TRACKER,
      // No ReID model: the built-in histogram; ImageNet normalisation for when one is set.
      reidMean: [0.485, 0.456, 0.406],
      reidStd: [0.229, 0.224, 0.225],
      reidChannelOrder: 'rgb',
      reidMaxBatchSize: 100,
    });
    expect(config.tracker.reidModel).toBeUndefined();
    expect(config.topics).toEqual({
      detections: 'persistent://retail/ingest/detections',
      trackEvents: 'persistent://retail/ingest/track-events',
    });
    expect(config.cameras).toEqual([]);
  });

  it('reads cameras as JSON from CAMERAS, defaulting each fps limit', () => {
    const config = load({
      CAMERAS: JSON.stringify([
        { cameraId: 'cam-1', storeId: 'store-1', source: 'rtsp://10.0.0.5/stream1' },
        { cameraId: 'cam-2', storeId: 'store-1', source: 'images:///data/frames', fpsLimit: 2 },
      ]),
      DETECTION_CLASS_FILTER: 'person,handbag',
    });
    expect(config.cameras.map((camera) => camera.fpsLimit)).toEqual([5, 2]);
    expect(config.detection.classFilter).toEqual(['person', 'handbag']);
  });

  it('rejects unknown source schemes and duplicate camera ids, naming the element', () => {
    const found = problems({
      CAMERAS: JSON.stringify([
        { cameraId: 'cam-1', storeId: 's', source: 'ftp://x/video.mp4' },
        { cameraId: 'cam-1', storeId: 's', source: 'videotestsrc://ball' },
      ]),
    });
    expect(found).toEqual([
      'CAMERAS (cameras[0].source): expected a source URI starting with file://, rtsp://, http://, https://, videotestsrc://, images://, got "ftp://x/video.mp4"',
      'CAMERAS (cameras[1].cameraId): duplicate cameraId (also cameras[0]), got "cam-1"',
    ]);
  });

  it('suggests the camelCase key for a snake_case one in a camera entry', () => {
    expect(problems({ CAMERAS: JSON.stringify([{ cameraId: 'c', storeId: 's', source: 'file:///v.mp4', fps_limit: 2 }]) })).toEqual([
      'CAMERAS (cameras[0].fps_limit): unknown key in the value of CAMERAS: did you mean "fpsLimit"?',
    ]);
  });

  it('bounds the confidence threshold to [0, 1]', () => {
    expect(problems({ DETECTION_CONFIDENCE_THRESHOLD: '1.5' })).toEqual([
      'DETECTION_CONFIDENCE_THRESHOLD (detection.confidenceThreshold): expected a value <= 1, got 1.5',
    ]);
  });

  it('takes the detector and tracker defaults from the stages and the producer name from INGEST_PRODUCER_NAME', () => {
    const config = load({ INGEST_PRODUCER_NAME: 'edge-store-1', DETECTION_EXECUTION_PROVIDERS: 'cuda,cpu', DETECTION_MAX_BATCH_SIZE: '4', TRACKER_NN_BUDGET: '50' });
    expect(config.detection).toMatchObject({
      iouThreshold: DEFAULT_IOU_THRESHOLD,
      maxDetections: DEFAULT_MAX_DETECTIONS,
      executionProviders: ['cuda', 'cpu'],
      fallbackToCpu: true,
      maxBatchSize: 4,
      publishUntracked: false,
    });
    expect(config.tracker.nnBudget).toBe(50);
    expect(load({}).tracker.nnBudget).toBe(DEFAULT_NN_BUDGET);
    expect(config.publish.producerName).toBe('edge-store-1');
    expect(load({}).publish.producerName).toBeUndefined();
  });

  it('reads the ReID settings, lists as comma-separated numbers', () => {
    const config = load({ REID_MODEL_URI: 's3://models/reid.onnx', REID_MEAN: '0,0,0', REID_STD: '[0.0039, 0.0039, 0.0039]', REID_CHANNEL_ORDER: 'bgr' });
    expect(config.tracker).toMatchObject({ reidModel: 's3://models/reid.onnx', reidMean: [0, 0, 0], reidStd: [0.0039, 0.0039, 0.0039], reidChannelOrder: 'bgr' });
    expect(problems({ REID_STD: '0.5,0,0.5', REID_MEAN: '1,2' })).toEqual([
      expect.stringMatching(/^REID_MEAN \(tracker\.reidMean\): /),
      expect.stringMatching(/^REID_STD \(tracker\.reidStd\[1\]\): /),
    ]);
  });

  it('names the key and the fix for bad detection, publishing and tracker values', () => {
    expect(
      problems({
        DETECTION_EXECUTION_PROVIDERS: 'gpu',
        DETECTION_MAX_BATCH_SIZE: '0',
        PUBLISH_BUFFER_CAPACITY: '-5',
        INGEST_PRODUCER_NAME: 'edge store',
        TRACKER_NN_BUDGET: '2.5',
      }),
    ).toEqual([
      expect.stringMatching(/^DETECTION_EXECUTION_PROVIDERS \(detection\.executionProviders\[0\]\): .*cpu.*cuda/),
      expect.stringMatching(/^DETECTION_MAX_BATCH_SIZE \(detection\.maxBatchSize\): /),
      expect.stringMatching(/^TRACKER_NN_BUDGET \(tracker\.nnBudget\): /),
      expect.stringMatching(/^INGEST_PRODUCER_NAME \(publish\.producerName\): use letters, digits/),
      expect.stringMatching(/^PUBLISH_BUFFER_CAPACITY \(publish\.bufferCapacity\): /),
    ]);
  });
});
