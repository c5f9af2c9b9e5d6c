/** Percentiles and small summaries. */

export interface Dist {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

export function dist(values: ArrayLike<number>): Dist {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const at = (q: number) => (n === 0 ? NaN : sorted[Math.min(n - 1, Math.ceil(q * n) - 1)]!);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  const r = (v: number) => Math.round(v * 1000) / 1000;
  return { n, p50: r(at(0.5)), p95: r(at(0.95)), p99: r(at(0.99)), max: r(n ? sorted[n - 1]! : NaN), mean: r(n ? sum / n : NaN) };
}

export const round = (v: number, digits = 2) => (Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : v);
export const ratio = (a: number, b: number) => (b > 0 ? round(a / b, 2) : NaN);

/** Latency histogram with 10 µs buckets up to 30 s (beyond that, the last bucket); mergeable across processes. */
export class Histogram {
  static readonly BUCKET_MS = 0.01;
  static readonly BUCKETS = 3_000_000;
  readonly counts = new Uint32Array(Histogram.BUCKETS);
  n = 0;
  max = 0;
  sum = 0;

  add(ms: number): void {
    const v = ms < 0 ? 0 : ms;
    this.counts[Math.min(Histogram.BUCKETS - 1, Math.floor(v / Histogram.BUCKET_MS))]!++;
    this.n++;
    this.sum += v;
    if (v > this.max) this.max = v;
  }

  /** Non-empty buckets only, for sending to another process. */
  toSparse(): SparseHistogram {
    const idx: number[] = [];
    const cnt: number[] = [];
    for (let i = 0; i < this.counts.length; i++) {
      if (this.counts[i]) {
        idx.push(i);
        cnt.push(this.counts[i]!);
      }
    }
    return { idx, cnt, n: this.n, max: this.max, sum: this.sum };
  }

  merge(s: SparseHistogram): void {
    s.idx.forEach((i, k) => (this.counts[i]! += s.cnt[k]!));
    this.n += s.n;
    this.sum += s.sum;
    if (s.max > this.max) this.max = s.max;
  }

  dist(): Dist {
    const at = (q: number) => {
      const rank = Math.max(1, Math.ceil(q * this.n));
      let seen = 0;
      for (let i = 0; i < this.counts.length; i++) {
        seen += this.counts[i]!;
        if (seen >= rank) return Math.min(this.max, (i + 1) * Histogram.BUCKET_MS);
      }
      return NaN;
    };
    const r = (v: number) => Math.round(v * 100) / 100;
    if (this.n === 0) return { n: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN, mean: NaN };
    return { n: this.n, p50: r(at(0.5)), p95: r(at(0.95)), p99: r(at(0.99)), max: r(this.max), mean: r(this.sum / this.n) };
  }
}

export interface SparseHistogram {
  idx: number[];
  cnt: number[];
  n: number;
  max: number;
  sum: number;
}
