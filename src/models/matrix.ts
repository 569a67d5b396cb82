/**
 * The feature matrix the model engine consumes: column-major Float64Array (`data[j * nRows + i]`
 * is feature j of row i) with named columns. Column-major because feature sets are built column by
 * column and a column is then a zero-copy `subarray`.
 */
export interface FeatureMatrix {
  readonly nRows: number;
  readonly names: readonly string[];
  readonly data: Float64Array;
}

export function featureMatrix(names: readonly string[], nRows: number, data: Float64Array): FeatureMatrix {
  if (!Number.isInteger(nRows) || nRows < 0)
    throw new Error(`featureMatrix: nRows must be a non-negative integer, got ${nRows}`);
  if (data.length !== names.length * nRows) {
    throw new Error(
      `featureMatrix: data has ${data.length} values, expected ${names.length} features × ${nRows} rows = ${names.length * nRows}`,
    );
  }
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new Error(`featureMatrix: duplicate feature name "${n}"`);
    seen.add(n);
  }
  return { nRows, names: [...names], data };
}

/** Builds a matrix from equally long columns. */
export function fromColumns(names: readonly string[], columns: readonly ArrayLike<number>[]): FeatureMatrix {
  if (names.length !== columns.length)
    throw new Error(`fromColumns: ${names.length} names but ${columns.length} columns`);
  const n = columns.length > 0 ? columns[0].length : 0;
  const data = new Float64Array(n * columns.length);
  columns.forEach((c, j) => {
    if (c.length !== n) throw new Error(`fromColumns: column "${names[j]}" has ${c.length} rows, expected ${n}`);
    data.set(c, j * n);
  });
  return featureMatrix(names, n, data);
}

export function column(m: FeatureMatrix, j: number): Float64Array {
  if (j < 0 || j >= m.names.length) throw new Error(`column: index ${j} out of range 0..${m.names.length - 1}`);
  return m.data.subarray(j * m.nRows, (j + 1) * m.nRows);
}

/** The rows [begin, end) as a new matrix (copies). */
export function sliceRows(m: FeatureMatrix, begin: number, end: number): FeatureMatrix {
  if (begin < 0 || end > m.nRows || begin > end) throw new Error(`sliceRows: [${begin}, ${end}) outside 0..${m.nRows}`);
  const n = end - begin;
  const data = new Float64Array(n * m.names.length);
  for (let j = 0; j < m.names.length; j++) data.set(m.data.subarray(j * m.nRows + begin, j * m.nRows + end), j * n);
  return { nRows: n, names: m.names, data };
}

/** The given rows, in the given order, as a new matrix. */
export function takeRows(m: FeatureMatrix, rows: ArrayLike<number>): FeatureMatrix {
  const n = rows.length;
  const data = new Float64Array(n * m.names.length);
  for (let j = 0; j < m.names.length; j++) {
    const src = j * m.nRows;
    const dst = j * n;
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      if (r < 0 || r >= m.nRows) throw new Error(`takeRows: row ${r} at position ${i} outside 0..${m.nRows - 1}`);
      data[dst + i] = m.data[src + r];
    }
  }
  return { nRows: n, names: m.names, data };
}

/** Non-finite (NaN, ±Infinity) counts per column, only for columns that have any. */
export function nonFiniteCounts(m: FeatureMatrix): { name: string; count: number }[] {
  const out: { name: string; count: number }[] = [];
  for (let j = 0; j < m.names.length; j++) {
    let c = 0;
    const o = j * m.nRows;
    for (let i = 0; i < m.nRows; i++) {
      const v = m.data[o + i];
      if (v - v !== 0) c++;
    }
    if (c > 0) out.push({ name: m.names[j], count: c });
  }
  return out;
}
