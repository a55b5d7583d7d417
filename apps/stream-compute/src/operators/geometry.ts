import type { Point } from '../records/reference';

/** The object's position in a frame: bottom-centre of its box (where it stands on the floor). */
export function positionOf(bbox: { x: number; y: number; w: number; h: number }): Point {
  return { x: bbox.x + bbox.w / 2, y: bbox.y + bbox.h };
}

/**
 * Even-odd (crossing number) test: correct for concave polygons too. A point exactly on an edge
 * may fall either way; positions are floats from a detector, so that never matters.
 */
export function polygonContains(polygon: readonly Point[], x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const a = polygon[i]!;
    const b = polygon[j]!;
    if (a.y > y !== b.y > y && x < ((b.x - a.x) * (y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

/** A polygon prepared for many `preparedPolygonContains` calls: its vertical extent computed once. */
export interface PreparedPolygon {
  readonly polygon: readonly Point[];
  readonly minY: number;
  readonly maxY: number;
}

export function preparePolygon(polygon: readonly Point[]): PreparedPolygon {
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (const point of polygon) {
    if (point.y < minY) minY = point.y;
    if (point.y > maxY) maxY = point.y;
  }
  return { polygon, minY, maxY };
}

/**
 * `polygonContains(polygon, x, y)` exactly, skipping the edges when y is outside the polygon's
 * vertical extent: with y less than every vertex's, or not less than the largest, no edge straddles
 * y and the test would count no crossing.
 */
export function preparedPolygonContains(prepared: PreparedPolygon, x: number, y: number): boolean {
  if (y < prepared.minY || y >= prepared.maxY) return false;
  return polygonContains(prepared.polygon, x, y);
}

/**
 * Signed distance of a point from the infinite line through a → b: positive on the side a → b
 * turned 90° clockwise on screen (image y grows downwards), i.e. to the right of a → b.
 */
export function signedDistance(a: Point, b: Point, x: number, y: number): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  return (dx * (y - a.y) - dy * (x - a.x)) / Math.hypot(dx, dy);
}

/** A line a → b prepared for many `preparedSignedDistance` calls: its direction and length computed once. */
export interface PreparedLine {
  readonly ax: number;
  readonly ay: number;
  readonly dx: number;
  readonly dy: number;
  readonly length: number;
}

export function prepareLine(a: Point, b: Point): PreparedLine {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  return { ax: a.x, ay: a.y, dx, dy, length: Math.hypot(dx, dy) };
}

/** `signedDistance(a, b, x, y)` to the bit, without recomputing the line's length (Math.hypot is slow). */
export function preparedSignedDistance(line: PreparedLine, x: number, y: number): number {
  return (line.dx * (y - line.ay) - line.dy * (x - line.ax)) / line.length;
}

/**
 * Whether moving from p to q passes through the segment a → b itself (not its extension), given
 * their signed distances dp and dq of opposite signs.
 */
export function crossesSegment(a: Point, b: Point, p: Point, q: Point, dp: number, dq: number): boolean {
  const t = dp / (dp - dq);
  const x = p.x + (q.x - p.x) * t;
  const y = p.y + (q.y - p.y) * t;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const u = ((x - a.x) * dx + (y - a.y) * dy) / (dx * dx + dy * dy);
  return u >= 0 && u <= 1;
}
