/**
 * One benchmark figure. `anchor` names the reference measured side by side in the same run
 * (this machine is shared and noisy, so absolute numbers drift; ratios travel better) and
 * `ratio` is value / anchor's value.
 */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  anchor?: string;
  ratio?: number;
  /** One line a reader needs to interpret the figure (sample size, what was measured). */
  note?: string;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? NaN) : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
