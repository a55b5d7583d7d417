import { seededRandom } from '@retail/runtime';
import { linearSumAssignment } from './linear-sum-assignment';

function bruteForceMinimum(values: number[][]): number {
  const rows = values.length;
  const cols = values[0]!.length;
  const pairs = Math.min(rows, cols);
  let best = Infinity;
  // Assign each row (or column, when tall) to a distinct partner, all permutations.
  const [outer, inner] = rows <= cols ? [rows, cols] : [cols, rows];
  const cost = (i: number, j: number) => (rows <= cols ? values[i]![j]! : values[j]![i]!);
  const used = new Array<boolean>(inner).fill(false);
  const search = (i: number, sum: number) => {
    if (i === outer) {
      best = Math.min(best, sum);
      return;
    }
    for (let j = 0; j < inner; j++) {
      if (used[j]) continue;
      used[j] = true;
      search(i + 1, sum + cost(i, j));
      used[j] = false;
    }
  };
  search(0, 0);
  expect(pairs).toBe(outer);
  return best;
}

const matrixOf = (values: number[][]) => ({ rows: values.length, cols: values[0]?.length ?? 0, values: Float64Array.from(values.flat()) });

describe('linearSumAssignment', () => {
  it('finds a minimum-cost assignment on random square and rectangular matrices (vs brute force)', () => {
    const random = seededRandom(11);
    for (let k = 0; k < 400; k++) {
      const rows = 1 + Math.floor(random() * 6);
      const cols = 1 + Math.floor(random() * 6);
      const integer = k % 3 === 0;
      const values = Array.from({ length: rows }, () => Array.from({ length: cols }, () => (integer ? Math.floor(random() * 4) : random() * 10)));
      const { rows: assignedRows, cols: assignedCols } = linearSumAssignment(matrixOf(values));
      expect(assignedRows).toHaveLength(Math.min(rows, cols));
      expect(new Set(assignedRows).size).toBe(assignedRows.length);
      expect(new Set(assignedCols).size).toBe(assignedCols.length);
      expect([...assignedRows].sort((a, b) => a - b)).toEqual(assignedRows);
      const total = assignedRows.reduce((sum, row, i) => sum + values[row]![assignedCols[i]!]!, 0);
      expect(total).toBeCloseTo(bruteForceMinimum(values), 9);
    }
  });

  it('solves the textbook example', () => {
    const result = linearSumAssignment(matrixOf([[4, 1, 3], [2, 0, 5], [3, 2, 2]]));
    expect(result).toEqual({ rows: [0, 1, 2], cols: [1, 0, 2] });
  });

  it('returns nothing for an empty matrix', () => {
    expect(linearSumAssignment({ rows: 0, cols: 3, values: new Float64Array(0) })).toEqual({ rows: [], cols: [] });
  });

  it('avoids infinite entries while a finite assignment exists, and fails when none does', () => {
    expect(linearSumAssignment(matrixOf([[Infinity, 1], [1, Infinity]]))).toEqual({ rows: [0, 1], cols: [1, 0] });
    expect(() => linearSumAssignment(matrixOf([[Infinity, Infinity], [1, 2]]))).toThrow(expect.objectContaining({ code: 'infeasible-assignment' }));
    expect(() => linearSumAssignment(matrixOf([[NaN]]))).toThrow(expect.objectContaining({ code: 'infeasible-assignment' }));
  });
});
