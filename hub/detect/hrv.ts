/**
 * Time-domain HRV in the Task Force (1996) / Kubios convention:
 * SDNN with n-1, RMSSD over the N-1 successive differences, pNN50 = share of the N-1 successive differences
 * strictly greater than 50 ms, mean HR = mean of the instantaneous rates 60000/NN.
 */
export interface HrvMetrics {
  n: number;
  mean_nn_ms: number;
  sdnn_ms: number;
  rmssd_ms: number;
  pnn50_pct: number;
  mean_hr_bpm: number;
}

/** Metrics of an NN series (already cleaned); undefined below two intervals, where SDNN and RMSSD do not exist. */
export function hrvMetrics(nn: readonly number[]): HrvMetrics | undefined {
  const n = nn.length;
  if (n < 2) return undefined;
  let sum = 0;
  let rateSum = 0;
  for (const v of nn) {
    sum += v;
    rateSum += 60_000 / v;
  }
  const mean = sum / n;
  let squares = 0;
  let diffSquares = 0;
  let nn50 = 0;
  let prev: number | undefined;
  for (const v of nn) {
    squares += (v - mean) ** 2;
    if (prev !== undefined) {
      const d = v - prev;
      diffSquares += d * d;
      if (Math.abs(d) > 50) nn50++;
    }
    prev = v;
  }
  return {
    n,
    mean_nn_ms: mean,
    sdnn_ms: Math.sqrt(squares / (n - 1)),
    rmssd_ms: Math.sqrt(diffSquares / (n - 1)),
    pnn50_pct: (100 * nn50) / (n - 1),
    mean_hr_bpm: rateSum / n,
  };
}
