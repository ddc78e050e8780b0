/**
 * A/B statistics computed from the `ab_results` aggregates (no raw events needed): conversion per variant,
 * relative lift against the control with a confidence interval, the difference of proportions with Newcombe's hybrid
 * score interval (method 10 of Newcombe 1998, built from Wilson intervals), a two-proportion z-test, and the sample-ratio
 * mismatch check (chi-squared goodness of fit of exposures against the catalog weights, flagged below p = 0.001).
 * Pure functions, tested against reference values.
 */

/** p-value below which a sample-ratio mismatch is flagged (the assignment or the logging is broken). */
export const SRM_ALPHA = 0.001;

/** Regularized lower incomplete gamma P(a, x) (series for x < a + 1, else continued fraction), |error| < 1e-14. */
export function regularizedGammaP(a: number, x: number): number {
  if (x <= 0) return 0;
  const lnGa = logGamma(a);
  if (x < a + 1) {
    let sum = 1 / a;
    let term = sum;
    for (let n = 1; n < 1000; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
    }
    return sum * Math.exp(-x + a * Math.log(x) - lnGa);
  }
  // Lentz's continued fraction for Q(a, x).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return 1 - Math.exp(-x + a * Math.log(x) - lnGa) * h;
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9). */
export function logGamma(x: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const xx = x - 1;
  let a = c[0]!;
  const t = xx + g + 0.5;
  for (let i = 1; i < g + 2; i++) a += c[i]! / (xx + i);
  return 0.5 * Math.log(2 * Math.PI) + (xx + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Upper tail of the chi-squared distribution: P(X ≥ x) with `df` degrees of freedom. */
export function chiSquaredSurvival(x: number, df: number): number {
  return x <= 0 ? 1 : 1 - regularizedGammaP(df / 2, x / 2);
}

/** Standard normal CDF Φ(z), from the regularized gamma function (accurate to ~1e-14). */
export function normalCdf(z: number): number {
  const p = 0.5 * regularizedGammaP(0.5, (z * z) / 2);
  return z >= 0 ? 0.5 + p : 0.5 - p;
}

/**
 * Standard normal quantile Φ⁻¹(p) (Acklam's rational approximation refined by one Halley step; ~1e-15).
 * @throws {RangeError} p outside (0, 1)
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError('p must be in (0, 1)');
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  let x: number;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    x =
      (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  } else if (p <= 1 - lo) {
    const q = p - 0.5;
    const r = q * q;
    x =
      ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) /
      (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x =
      -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const e = normalCdf(x) - p;
  const u = e * Math.sqrt(2 * Math.PI) * Math.exp((x * x) / 2);
  return x - u / (1 + (x * u) / 2);
}

/**
 * Wilson score interval of a proportion x / n (no continuity correction): always within [0, 1], sound for small n.
 * @param x successes (0 ≤ x ≤ n)
 * @param n trials (> 0)
 * @param z standard normal quantile of the level (1.959963984540054 for 95 %)
 * @returns [lower, upper]
 */
export function wilsonInterval(x: number, n: number, z: number): [number, number] {
  const p = x / n;
  const z2 = z * z;
  const centre = (x + z2 / 2) / (n + z2);
  const half = (z * Math.sqrt(n * p * (1 - p) + z2 / 4)) / (n + z2);
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/**
 * Newcombe's hybrid score interval for the difference of two independent proportions x1/n1 − x2/n2 (Newcombe 1998,
 * "Interval estimation for the difference between independent proportions", Statistics in Medicine 17, method 10):
 * with Wilson limits (l1, u1) and (l2, u2) and d = p1 − p2, the interval is
 * [d − √((p1 − l1)² + (u2 − p2)²), d + √((u1 − p1)² + (p2 − l2)²)]. Always within [−1, 1].
 * @returns [lower, upper]
 */
export function newcombeInterval(
  x1: number,
  n1: number,
  x2: number,
  n2: number,
  z: number,
): [number, number] {
  const p1 = x1 / n1;
  const p2 = x2 / n2;
  const [l1, u1] = wilsonInterval(x1, n1, z);
  const [l2, u2] = wilsonInterval(x2, n2, z);
  const d = p1 - p2;
  return [d - Math.hypot(p1 - l1, u2 - p2), d + Math.hypot(u1 - p1, p2 - l2)];
}

/** Exposures and conversions of one variant (summed over the rows of `ab_results`). */
export interface VariantCounts {
  variant: string;
  exposed: number;
  converted: number;
}

/** Sample-ratio mismatch check result. */
export interface SrmResult {
  chiSquared: number;
  df: number;
  pValue: number;
  /** `pValue < SRM_ALPHA`: do not trust the experiment's results. */
  mismatch: boolean;
}

/**
 * Chi-squared goodness of fit of observed exposures against the expected split from the weights.
 * @param observed exposures per variant
 * @param weights catalog weights, same order
 * @throws {Error} lengths differ, fewer than two variants, or no exposures
 */
export function sampleRatioMismatch(observed: readonly number[], weights: readonly number[]): SrmResult {
  if (observed.length !== weights.length || observed.length < 2) {
    throw new Error('need observed counts and weights for at least two variants');
  }
  const total = observed.reduce((s, x) => s + x, 0);
  const wsum = weights.reduce((s, x) => s + x, 0);
  if (total <= 0 || wsum <= 0) throw new Error('no exposures or no weight');
  let chi = 0;
  observed.forEach((o, i) => {
    const e = (total * weights[i]!) / wsum;
    chi += ((o - e) * (o - e)) / e;
  });
  const df = observed.length - 1;
  const pValue = chiSquaredSurvival(chi, df);
  return { chiSquared: chi, df, pValue, mismatch: pValue < SRM_ALPHA };
}

/** One treatment variant compared with the control. */
export interface VariantComparison {
  variant: string;
  exposed: number;
  converted: number;
  /** converted / exposed. */
  conversion: number;
  /** Relative lift over the control: p_t / p_c − 1 (`null` when the control converts nobody). */
  lift: number | null;
  /** Confidence interval of the lift (delta method on ln(p_t / p_c)); `null` when undefined. */
  liftCi: [number, number] | null;
  /** Absolute difference p_t − p_c. */
  difference: number;
  /** Interval of the difference: Newcombe's hybrid score interval (Wilson-based), within [−1, 1]. */
  differenceCi: [number, number];
  /** Two-sided p-value of the pooled two-proportion z-test. */
  pValue: number;
  /**
   * The difference is significant at the `confidence` level: `differenceCi` excludes 0. Decided by the interval (the
   * z-test's `pValue` is reported alongside and agrees except very near the boundary).
   */
  significant: boolean;
}

/** Experiment result: the control, each treatment against it, and the SRM check. */
export interface ExperimentResult {
  control: { variant: string; exposed: number; converted: number; conversion: number };
  treatments: VariantComparison[];
  srm: SrmResult;
  confidence: number;
}

/**
 * Compares every variant with the first one (the control).
 * @param counts exposures and conversions per variant, the control first
 * @param weights catalog weights in the same order (for the SRM check)
 * @param confidence interval level (default 0.95)
 * @throws {Error} when a variant has no exposures or the inputs do not line up
 */
export function compareVariants(
  counts: readonly VariantCounts[],
  weights: readonly number[],
  confidence = 0.95,
): ExperimentResult {
  const [control, ...rest] = counts;
  if (!control || rest.length === 0) throw new Error('need a control and at least one treatment');
  for (const c of counts) {
    if (c.exposed <= 0) throw new Error(`variant ${c.variant} has no exposures`);
    if (c.converted < 0 || c.converted > c.exposed) throw new Error(`variant ${c.variant}: bad conversions`);
  }
  const z = normalQuantile(1 - (1 - confidence) / 2);
  const pc = control.converted / control.exposed;
  const treatments = rest.map((t): VariantComparison => {
    const pt = t.converted / t.exposed;
    const diff = pt - pc;
    const differenceCi = newcombeInterval(t.converted, t.exposed, control.converted, control.exposed, z);
    const pooled = (t.converted + control.converted) / (t.exposed + control.exposed);
    const sePooled = Math.sqrt(pooled * (1 - pooled) * (1 / t.exposed + 1 / control.exposed));
    const zStat = sePooled === 0 ? 0 : diff / sePooled;
    let lift: number | null = null;
    let liftCi: [number, number] | null = null;
    if (pc > 0) {
      lift = pt / pc - 1;
      if (pt > 0) {
        const se = Math.sqrt((1 - pt) / (t.exposed * pt) + (1 - pc) / (control.exposed * pc));
        const l = Math.log(pt / pc);
        liftCi = [Math.exp(l - z * se) - 1, Math.exp(l + z * se) - 1];
      }
    }
    return {
      variant: t.variant,
      exposed: t.exposed,
      converted: t.converted,
      conversion: pt,
      lift,
      liftCi,
      difference: diff,
      differenceCi,
      pValue: 2 * (1 - normalCdf(Math.abs(zStat))),
      significant: differenceCi[0] > 0 || differenceCi[1] < 0,
    };
  });
  return {
    control: {
      variant: control.variant,
      exposed: control.exposed,
      converted: control.converted,
      conversion: pc,
    },
    treatments,
    srm: sampleRatioMismatch(
      counts.map((c) => c.exposed),
      weights,
    ),
    confidence,
  };
}
