import { describe, expect, it } from 'vitest';
import {
  chiSquaredSurvival,
  compareVariants,
  newcombeInterval,
  normalCdf,
  normalQuantile,
  sampleRatioMismatch,
  wilsonInterval,
} from '../../../lambdas/shared/analytics/stats';

// Reference values from SciPy 1.17 (scipy.stats.chi2.sf, norm.cdf, norm.ppf, chisquare), computed independently.
describe('distributions', () => {
  it('chi-squared upper tail', () => {
    expect(chiSquaredSurvival(3.841458820694124, 1)).toBeCloseTo(0.05, 12);
    expect(chiSquaredSurvival(10, 3)).toBeCloseTo(0.01856613546304325, 12);
    expect(chiSquaredSurvival(0.5, 1)).toBeCloseTo(0.47950012218695337, 12);
    expect(chiSquaredSurvival(0, 2)).toBe(1);
  });
  it('normal CDF and quantile', () => {
    expect(normalCdf(1.96)).toBeCloseTo(0.9750021048517795, 12);
    expect(normalCdf(-2.5)).toBeCloseTo(0.006209665325776132, 12);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 10);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.090232306167813, 10);
    expect(() => normalQuantile(1)).toThrow(RangeError);
  });
});

describe('sample-ratio mismatch (chi-squared, flagged below p = 0.001)', () => {
  it('a small imbalance is not flagged', () => {
    const r = sampleRatioMismatch([5000, 5200], [50, 50]);
    expect(r.chiSquared).toBeCloseTo(3.9215686274509802, 12);
    expect(r.pValue).toBeCloseTo(0.0476703806561615, 10);
    expect(r.mismatch).toBe(false);
  });
  it('a large imbalance is flagged', () => {
    const r = sampleRatioMismatch([5000, 5400], [1, 1]);
    expect(r.chiSquared).toBeCloseTo(15.384615384615385, 12);
    expect(r.pValue).toBeCloseTo(8.769942375590228e-5, 12);
    expect(r.mismatch).toBe(true);
  });
  it('uses the weights, with k − 1 degrees of freedom', () => {
    const r = sampleRatioMismatch([2600, 2450, 4950], [25, 25, 50]);
    expect(r.df).toBe(2);
    expect(r.chiSquared).toBeCloseTo(5.5, 12);
    expect(r.pValue).toBeCloseTo(0.06392786120670757, 10);
  });
  it('rejects inputs that do not line up', () => {
    expect(() => sampleRatioMismatch([1], [1])).toThrow();
    expect(() => sampleRatioMismatch([0, 0], [1, 1])).toThrow();
  });
});

const Z95 = 1.959963984540054;

describe('Wilson and Newcombe intervals (Newcombe 1998, Statistics in Medicine 17:873-890, Table II, method 10)', () => {
  it('Wilson limits, computed by hand', () => {
    // 56/70: p = 0.8, z² = 3.841459; centre = (56 + 1.920729) / 73.841459 = 0.784394;
    //   half = 1.959964 · √(70 · 0.8 · 0.2 + 0.960365) / 73.841459 = 1.959964 · 3.487172 / 73.841459 = 0.092560
    //   → [0.691834, 0.876954]
    const [l1, u1] = wilsonInterval(56, 70, Z95);
    expect(l1).toBeCloseTo(0.691834, 5);
    expect(u1).toBeCloseTo(0.876953, 5);
    // 48/80: p = 0.6; centre = (48 + 1.920729) / 83.841459 = 0.595418;
    //   half = 1.959964 · √(80 · 0.6 · 0.4 + 0.960365) / 83.841459 = 1.959964 · 4.490029 / 83.841459 = 0.104964
    //   → [0.490455, 0.700382]
    const [l2, u2] = wilsonInterval(48, 80, Z95);
    expect(l2).toBeCloseTo(0.490455, 5);
    expect(u2).toBeCloseTo(0.700382, 5);
    // x = 0 and x = n stay inside [0, 1].
    expect(wilsonInterval(0, 10, Z95)[0]).toBe(0);
    expect(wilsonInterval(10, 10, Z95)[1]).toBe(1);
  });
  it('difference limits match the published values', () => {
    // (a) 56/70 − 48/80: d = 0.2; L = 0.2 − √((0.8 − 0.691834)² + (0.700382 − 0.6)²) = 0.2 − √(0.011700 + 0.010077)
    //   = 0.0524; U = 0.2 + √((0.876954 − 0.8)² + (0.6 − 0.490455)²) = 0.2 + √(0.005922 + 0.012000) = 0.3339.
    const a = newcombeInterval(56, 70, 48, 80, Z95);
    expect(a[0]).toBeCloseTo(0.0524, 4);
    expect(a[1]).toBeCloseTo(0.3339, 4);
    // (b) 9/10 − 3/10: Wilson 9/10 = [0.5958, 0.9821], 3/10 = [0.1078, 0.6032]; d = 0.6;
    //   L = 0.6 − √(0.3042² + 0.3032²) = 0.1705, U = 0.6 + √(0.0821² + 0.1922²) = 0.8090.
    const b = newcombeInterval(9, 10, 3, 10, Z95);
    expect(b[0]).toBeCloseTo(0.1705, 4);
    expect(b[1]).toBeCloseTo(0.809, 4);
    // (c) 6/7 − 2/7 → [0.0582, 0.8062]; (d) 5/56 − 0/29 → [−0.0381, 0.1926]; (g) 10/10 − 0/20 → [0.6791, 1.0000].
    const c = newcombeInterval(6, 7, 2, 7, Z95);
    expect(c[0]).toBeCloseTo(0.0582, 4);
    expect(c[1]).toBeCloseTo(0.8062, 4);
    const d = newcombeInterval(5, 56, 0, 29, Z95);
    expect(d[0]).toBeCloseTo(-0.0381, 4);
    expect(d[1]).toBeCloseTo(0.1926, 4);
    const g = newcombeInterval(10, 10, 0, 20, Z95);
    expect(g[0]).toBeCloseTo(0.6791, 4);
    expect(g[1]).toBeCloseTo(1, 4);
  });
});

describe('compareVariants', () => {
  it('tiny samples: the difference interval stays within [-1, 1] and agrees with the significance flag', () => {
    // The issue #14 tryout: control 1/1, treatment 1/3 — the Wald interval was [-1.20, -0.13] with p = 0.248.
    const r = compareVariants(
      [
        { variant: 'control', exposed: 1, converted: 1 },
        { variant: 'prominent', exposed: 3, converted: 1 },
      ],
      [50, 50],
    );
    const t = r.treatments[0]!;
    expect(t.difference).toBeCloseTo(-2 / 3, 12);
    expect(t.differenceCi[0]).toBeGreaterThanOrEqual(-1);
    expect(t.differenceCi[1]).toBeLessThanOrEqual(1);
    expect(t.differenceCi[0]).toBeLessThan(0);
    expect(t.differenceCi[1]).toBeGreaterThan(0);
    // Independent Python transcription of method 10: [-0.938508, 0.249986].
    expect(t.differenceCi[0]).toBeCloseTo(-0.938508, 5);
    expect(t.differenceCi[1]).toBeCloseTo(0.249986, 5);
    expect(t.pValue).toBeCloseTo(0.2482, 4);
    expect(t.significant).toBe(false);
    // Every extreme tiny case stays inside [-1, 1].
    for (const [xc, nc, xt, nt] of [
      [0, 1, 1, 1],
      [1, 1, 0, 1],
      [0, 2, 3, 3],
      [5, 5, 0, 1],
    ] as const) {
      const ci = compareVariants(
        [
          { variant: 'c', exposed: nc, converted: xc },
          { variant: 't', exposed: nt, converted: xt },
        ],
        [1, 1],
      ).treatments[0]!.differenceCi;
      expect(ci[0]).toBeGreaterThanOrEqual(-1);
      expect(ci[1]).toBeLessThanOrEqual(1);
    }
  });
  it('a clear difference is flagged significant', () => {
    const t = compareVariants(
      [
        { variant: 'control', exposed: 10, converted: 3 },
        { variant: 'prominent', exposed: 10, converted: 9 },
      ],
      [1, 1],
    ).treatments[0]!;
    expect(t.differenceCi[0]).toBeCloseTo(0.1705, 4);
    expect(t.significant).toBe(true);
  });
  it('conversion, lift with CI, difference with CI, z-test p-value', () => {
    const r = compareVariants(
      [
        { variant: 'control', exposed: 1000, converted: 100 },
        { variant: 'prominent', exposed: 1000, converted: 120 },
      ],
      [50, 50],
    );
    expect(r.control.conversion).toBe(0.1);
    const t = r.treatments[0]!;
    expect(t.conversion).toBe(0.12);
    expect(t.lift).toBeCloseTo(0.2, 12);
    expect(t.liftCi?.[0]).toBeCloseTo(-0.06589424893700624, 10);
    expect(t.liftCi?.[1]).toBeCloseTo(0.5415813448973079, 10);
    // Newcombe's hybrid score interval (was Wald: [-0.0074115, 0.0474115]; at n = 1000 the two agree to 1e-4).
    // Reference: an independent Python transcription of Newcombe (1998) method 10 → [-0.0074921675, 0.0475506675].
    expect(t.differenceCi[0]).toBeCloseTo(-0.0074921675152110415, 10);
    expect(t.differenceCi[1]).toBeCloseTo(0.047550667456339055, 10);
    expect(t.pValue).toBeCloseTo(0.1529177818639462, 10);
    expect(t.significant).toBe(false);
    expect(r.srm.mismatch).toBe(false);
  });
  it('no lift when the control converts nobody; errors on empty variants', () => {
    const r = compareVariants(
      [
        { variant: 'a', exposed: 10, converted: 0 },
        { variant: 'b', exposed: 10, converted: 2 },
      ],
      [1, 1],
    );
    expect(r.treatments[0]?.lift).toBeNull();
    expect(() =>
      compareVariants(
        [
          { variant: 'a', exposed: 0, converted: 0 },
          { variant: 'b', exposed: 1, converted: 0 },
        ],
        [1, 1],
      ),
    ).toThrow(/no exposures/);
  });
});
