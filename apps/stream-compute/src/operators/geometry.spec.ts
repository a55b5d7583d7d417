import fc from 'fast-check';
import { crossesSegment, polygonContains, positionOf, preparedPolygonContains, preparedSignedDistance, prepareLine, preparePolygon, signedDistance } from './geometry';

const square = [
  { x: 0.1, y: 0.1 },
  { x: 0.5, y: 0.1 },
  { x: 0.5, y: 0.5 },
  { x: 0.1, y: 0.5 },
];
/** An L shape: the square [0,1]² minus its top-right quarter [0.5,1]×[0,0.5]. */
const ell = [
  { x: 0, y: 0 },
  { x: 0.5, y: 0 },
  { x: 0.5, y: 0.5 },
  { x: 1, y: 0.5 },
  { x: 1, y: 1 },
  { x: 0, y: 1 },
];

describe('geometry', () => {
  it('takes the bottom-centre of the box as the position', () => {
    expect(positionOf({ x: 0.2, y: 0.3, w: 0.1, h: 0.4 })).toEqual({ x: 0.25, y: 0.7 });
  });

  it('tests containment in a convex polygon', () => {
    expect(polygonContains(square, 0.3, 0.3)).toBe(true);
    expect(polygonContains(square, 0.6, 0.3)).toBe(false);
    expect(polygonContains(square, 0.3, 0.05)).toBe(false);
  });

  it('tests containment in a concave polygon (the notch is outside)', () => {
    expect(polygonContains(ell, 0.25, 0.25)).toBe(true);
    expect(polygonContains(ell, 0.75, 0.75)).toBe(true);
    expect(polygonContains(ell, 0.75, 0.25)).toBe(false); // in the bounding box, but in the notch
    expect(polygonContains(ell, 1.2, 0.75)).toBe(false);
  });

  it('gives positive distances to the right of a → b (a → b turned clockwise on screen)', () => {
    const a = { x: 0, y: 0.5 };
    const b = { x: 1, y: 0.5 };
    expect(signedDistance(a, b, 0.5, 0.7)).toBeCloseTo(0.2); // below the line on screen
    expect(signedDistance(a, b, 0.5, 0.4)).toBeCloseTo(-0.1);
  });

  it('counts a crossing only through the segment, not its extension', () => {
    const a = { x: 0.4, y: 0.5 };
    const b = { x: 0.6, y: 0.5 };
    const dist = (p: { x: number; y: number }) => signedDistance(a, b, p.x, p.y);
    const above = { x: 0.5, y: 0.4 };
    const below = { x: 0.5, y: 0.6 };
    expect(crossesSegment(a, b, above, below, dist(above), dist(below))).toBe(true);
    const farAbove = { x: 0.9, y: 0.4 };
    const farBelow = { x: 0.9, y: 0.6 };
    expect(crossesSegment(a, b, farAbove, farBelow, dist(farAbove), dist(farBelow))).toBe(false);
  });

  it('gives a prepared line exactly the distances of signedDistance (same arithmetic, length computed once)', () => {
    const coordinate = fc.double({ min: -2, max: 2, noNaN: true });
    fc.assert(
      fc.property(coordinate, coordinate, coordinate, coordinate, coordinate, coordinate, (ax, ay, bx, by, x, y) => {
        const a = { x: ax, y: ay };
        const b = { x: bx, y: by };
        expect(Object.is(preparedSignedDistance(prepareLine(a, b), x, y), signedDistance(a, b, x, y))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('gives a prepared polygon exactly the answers of polygonContains (only points beside its vertical extent skip the edges)', () => {
    const coordinate = fc.double({ min: -0.5, max: 1.5, noNaN: true });
    const polygon = fc.array(fc.record({ x: coordinate, y: coordinate }), { minLength: 3, maxLength: 8 });
    // Points often exactly at a vertex's height, where the extent check and the edges meet.
    fc.assert(
      fc.property(polygon, coordinate, coordinate, fc.nat(7), fc.boolean(), (points, x, y, vertex, onVertexHeight) => {
        const py = onVertexHeight ? points[vertex % points.length]!.y : y;
        expect(preparedPolygonContains(preparePolygon(points), x, py)).toBe(polygonContains(points, x, py));
      }),
      { numRuns: 2_000 },
    );
    for (const [x, y] of [[0.25, 0.25], [0.75, 0.25], [0.75, 0.75], [0.5, 0], [0.5, 1], [0.5, -0.1], [0.5, 1.1]] as const)
      expect([x, y, preparedPolygonContains(preparePolygon(ell), x, y)]).toEqual([x, y, polygonContains(ell, x, y)]);
  });
});
