import { describe, expect, it } from 'vitest';
import {
  chiSquaredSurvival,
  compareVariants,
  normalCdf,
  normalQuantile,
  sampleRatioMismatch,
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

describe('compareVariants', () => {
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
    expect(t.differenceCi[0]).toBeCloseTo(-0.0074114819980199455, 10);
    expect(t.differenceCi[1]).toBeCloseTo(0.04741148199801992, 10);
    expect(t.pValue).toBeCloseTo(0.1529177818639462, 10);
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
