import { canvasToSourceX, canvasToSourceY, type Letterbox } from './letterbox';
import type { DetectedObject } from './types';

/**
 * How one image's rows sit in the output tensor. Ultralytics exports `channels-first`
 * ([N, 4 + C, anchors]); some converters transpose to `anchors-first` ([N, anchors, 4 + C]).
 */
export type OutputLayout = 'channels-first' | 'anchors-first';

/** bestClass of an anchor whose class scores all stay under the threshold. */
const NO_CLASS = 0xffff;

export interface DecodeSettings {
  readonly classNames: readonly string[];
  readonly anchors: number;
  readonly layout: OutputLayout;
  readonly confidenceThreshold: number;
  readonly iouThreshold: number;
  readonly maxDetections: number;
  /** Candidates entering NMS at most, best first (Ultralytics' max_nms). */
  readonly maxCandidates: number;
  /** 1 for each class id to keep; undefined keeps every class. */
  readonly keepClass: Uint8Array | undefined;
}

/**
 * Decodes YOLOv8 detection heads: best class per anchor, threshold, class filter, class-aware NMS,
 * then boxes mapped back through the letterbox, clipped and normalised. Holds scratch buffers, so
 * one decoder serves one caller at a time.
 */
export class YoloDecoder {
  private readonly bestScore: Float32Array;
  private readonly bestClass: Uint16Array;
  private readonly order: Uint32Array;
  private readonly boxes: Float32Array;
  private readonly kept: Int32Array;
  private readonly keptClass: Int32Array;
  /** Ids of the kept classes when the filter keeps at most half of them (the sparse scan pays off), else undefined. */
  private readonly wantedClasses: readonly number[] | undefined;
  /** Anchors where a wanted class reaches the threshold (sparse scan scratch). */
  private readonly flagged: Uint8Array;

  constructor(readonly settings: DecodeSettings) {
    const { anchors, maxDetections, keepClass, classNames } = settings;
    const wanted = keepClass === undefined ? [] : classNames.map((_, id) => id).filter((id) => keepClass[id] === 1);
    this.wantedClasses = keepClass !== undefined && wanted.length <= classNames.length / 2 ? wanted : undefined;
    this.flagged = new Uint8Array(this.wantedClasses === undefined ? 0 : anchors);
    if (settings.classNames.length >= NO_CLASS) throw new RangeError(`at most ${NO_CLASS - 1} classes are supported`);
    this.bestScore = new Float32Array(anchors);
    this.bestClass = new Uint16Array(anchors);
    this.order = new Uint32Array(anchors);
    this.boxes = new Float32Array(anchors * 4);
    this.kept = new Int32Array(maxDetections);
    this.keptClass = new Int32Array(maxDetections);
  }

  /** Decodes image `index` of a batch output (`data` holds the whole batch). */
  decode(data: Float32Array, index: number, letterbox: Letterbox): DetectedObject[] {
    const { anchors, layout, classNames, keepClass } = this.settings;
    const classes = classNames.length;
    const rowLength = 4 + classes;
    const base = index * rowLength * anchors;
    // Channel c of anchor a lives at base + c·channelStride + a·anchorStride.
    const channelStride = layout === 'channels-first' ? anchors : 1;
    const anchorStride = layout === 'channels-first' ? 1 : rowLength;
    // Candidates: best class above threshold and kept by the filter (as Ultralytics: the anchor's best
    // class must be wanted; a box that looks more like a chair than a person is not a person).
    let count = 0;
    const { bestScore, bestClass, order } = this;
    if (this.wantedClasses !== undefined) {
      count = this.wantedCandidates(data, base, channelStride, anchorStride, classes, this.wantedClasses);
    } else {
      this.bestClasses(data, base, channelStride, anchorStride, classes);
      for (let a = 0; a < anchors; a++) {
        const classId = bestClass[a]!;
        if (classId !== NO_CLASS && (keepClass === undefined || keepClass[classId] === 1)) order[count++] = a;
      }
    }
    const candidates = order.subarray(0, count);
    candidates.sort((left, right) => bestScore[right]! - bestScore[left]! || left - right);
    const considered = Math.min(count, this.settings.maxCandidates);
    this.cornerBoxes(data, base, channelStride, anchorStride, candidates, considered);
    const keptCount = this.suppress(candidates, considered);
    return this.toObjects(keptCount, letterbox);
  }

  /**
   * Best class per anchor among scores reaching the threshold, walking memory in order (class-major
   * for channels-first). Each anchor starts at the threshold, so the usual score — far below it —
   * costs two well-predicted comparisons and no writes (measured ~40% less CPU than a plain argmax
   * on YOLO-like score distributions).
   */
  private bestClasses(data: Float32Array, base: number, channelStride: number, anchorStride: number, classes: number): void {
    const { bestScore, bestClass } = this;
    const { anchors, confidenceThreshold: threshold } = this.settings;
    bestScore.fill(threshold);
    bestClass.fill(NO_CLASS);
    for (let k = 0; k < classes; k++) {
      const channel = base + (4 + k) * channelStride;
      for (let a = 0; a < anchors; a++) {
        const score = data[channel + a * anchorStride]!;
        // The first class reaching the threshold, then any strictly better one (ties keep the lower id).
        if (score > bestScore[a]! || (score >= threshold && bestClass[a] === NO_CLASS)) {
          bestScore[a] = score;
          bestClass[a] = k;
        }
      }
    }
  }

  /**
   * The candidates when few classes are wanted (the service keeps `person` of 80): an anchor can only be a candidate
   * if a wanted class reaches the threshold there, so only the wanted classes' scores are scanned, and the full best
   * class is worked out for those anchors alone (~1/40 of the reads). Same candidates, order, scores and classes as
   * `bestClasses` followed by the filter. Returns their count, written to `order` in anchor order.
   */
  private wantedCandidates(data: Float32Array, base: number, channelStride: number, anchorStride: number, classes: number, wanted: readonly number[]): number {
    const { bestScore, bestClass, order, flagged } = this;
    const { anchors, confidenceThreshold: threshold, keepClass } = this.settings;
    flagged.fill(0);
    for (const k of wanted) {
      const channel = base + (4 + k) * channelStride;
      for (let a = 0; a < anchors; a++) if (data[channel + a * anchorStride]! >= threshold) flagged[a] = 1;
    }
    let count = 0;
    for (let a = 0; a < anchors; a++) {
      if (flagged[a] === 0) continue;
      let best = threshold;
      let bestId = NO_CLASS;
      for (let k = 0; k < classes; k++) {
        const score = data[base + (4 + k) * channelStride + a * anchorStride]!;
        // As bestClasses: the first class reaching the threshold, then any strictly better one.
        if (score > best || (score >= threshold && bestId === NO_CLASS)) {
          best = score;
          bestId = k;
        }
      }
      bestScore[a] = best;
      bestClass[a] = bestId;
      if (keepClass![bestId] === 1) order[count++] = a;
    }
    return count;
  }

  /** cx, cy, w, h → x1, y1, x2, y2 (canvas pixels) for the candidates NMS will look at. */
  private cornerBoxes(data: Float32Array, base: number, channelStride: number, anchorStride: number, candidates: Uint32Array, considered: number): void {
    const boxes = this.boxes;
    for (let i = 0; i < considered; i++) {
      const at = base + candidates[i]! * anchorStride;
      const cx = data[at]!;
      const cy = data[at + channelStride]!;
      const halfW = data[at + 2 * channelStride]! / 2;
      const halfH = data[at + 3 * channelStride]! / 2;
      boxes[i * 4] = cx - halfW;
      boxes[i * 4 + 1] = cy - halfH;
      boxes[i * 4 + 2] = cx + halfW;
      boxes[i * 4 + 3] = cy + halfH;
    }
  }

  /** Greedy NMS within each class: a box is dropped only by a better box of its own class. */
  private suppress(candidates: Uint32Array, considered: number): number {
    const { boxes, kept, keptClass, bestClass } = this;
    const { iouThreshold, maxDetections } = this.settings;
    let keptCount = 0;
    for (let i = 0; i < considered && keptCount < maxDetections; i++) {
      const x1 = boxes[i * 4]!;
      const y1 = boxes[i * 4 + 1]!;
      const x2 = boxes[i * 4 + 2]!;
      const y2 = boxes[i * 4 + 3]!;
      if (!(x2 > x1 && y2 > y1)) continue; // empty or NaN box
      const area = (x2 - x1) * (y2 - y1);
      const classId = bestClass[candidates[i]!]!;
      let suppressed = false;
      for (let j = 0; j < keptCount; j++) {
        if (keptClass[j] !== classId) continue;
        const k = kept[j]! * 4;
        const overlapW = Math.min(x2, boxes[k + 2]!) - Math.max(x1, boxes[k]!);
        if (overlapW <= 0) continue;
        const overlapH = Math.min(y2, boxes[k + 3]!) - Math.max(y1, boxes[k + 1]!);
        if (overlapH <= 0) continue;
        const overlap = overlapW * overlapH;
        const otherArea = (boxes[k + 2]! - boxes[k]!) * (boxes[k + 3]! - boxes[k + 1]!);
        if (overlap / (area + otherArea - overlap) > iouThreshold) {
          suppressed = true;
          break;
        }
      }
      if (suppressed) continue;
      kept[keptCount] = i;
      keptClass[keptCount] = classId;
      keptCount++;
    }
    return keptCount;
  }

  private toObjects(keptCount: number, letterbox: Letterbox): DetectedObject[] {
    const { boxes, kept, bestScore, bestClass, order } = this;
    const { sourceWidth: width, sourceHeight: height } = letterbox;
    const objects: DetectedObject[] = [];
    for (let j = 0; j < keptCount; j++) {
      const i = kept[j]!;
      const anchor = order[i]!;
      const left = clamp(canvasToSourceX(letterbox, boxes[i * 4]!), 0, width);
      const top = clamp(canvasToSourceY(letterbox, boxes[i * 4 + 1]!), 0, height);
      const right = clamp(canvasToSourceX(letterbox, boxes[i * 4 + 2]!), 0, width);
      const bottom = clamp(canvasToSourceY(letterbox, boxes[i * 4 + 3]!), 0, height);
      // A box lying wholly in the grey padding has nothing left after clipping.
      if (!(right > left && bottom > top)) continue;
      const classId = bestClass[anchor]!;
      objects.push({
        classId,
        className: this.settings.classNames[classId]!,
        // Sigmoid outputs are in [0, 1]; the clamp only guards the event contract against odd exports.
        confidence: clamp(bestScore[anchor]!, 0, 1),
        pixelBox: { x: left, y: top, w: right - left, h: bottom - top },
        bbox: { x: left / width, y: top / height, w: (right - left) / width, h: (bottom - top) / height },
      });
    }
    return objects;
  }
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}
