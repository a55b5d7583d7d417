import { DetectionEvent, detectionIdOf } from '@retail/schema';

/** The bench's synthetic DetectionEvents: rows offset..offset+count-1, 50 cameras, day partitions, a null every fourth track id. */
export function detections(count: number, offset: number): DetectionEvent[] {
  const t0 = Date.UTC(2026, 10, 21, 9) * 1000;
  return Array.from({ length: count }, (_, k) => {
    const i = offset + k;
    const camera = `cam-${i % 50}`;
    const frameTs = t0 + Math.floor(i / 3) * 100_000;
    return {
      detection_id: detectionIdOf(camera, frameTs, i % 3),
      camera_id: camera,
      store_id: `store-${i % 10}`,
      frame_ts: frameTs,
      published_ts: frameTs + 30_000,
      frame_seq: Math.floor(i / 3),
      track_id: i % 4 === 0 ? null : i % 997,
      class_id: i % 80,
      item_name: ['person', 'bottle', 'cup', 'backpack'][i % 4]!,
      confidence: Math.fround(0.3 + (i % 70) / 100),
      bbox: { x: Math.fround((i % 50) / 100), y: Math.fround((i % 40) / 100), w: Math.fround(0.2), h: Math.fround(0.3) },
      frame_width: 1920,
      frame_height: 1080,
      model_name: 'yolov8n',
      model_version: '8.1.0',
      schema_version: 1,
    };
  });
}

