import type { Vertical } from '../../lib/config/data-model';

/** The tenant verticals whose workflows the end-to-end suite covers (each test runs once per vertical). */
export const E2E_VERTICALS = ['retail', 'hospitality', 'leisure'] as const satisfies readonly Vertical[];
/** One of {@link E2E_VERTICALS}. */
export type E2EVertical = (typeof E2E_VERTICALS)[number];

/** The Playwright tag of a vertical (`@retail` …); the RESULT line counts verticals from these tags. */
export function verticalTag(v: Vertical): `@${Vertical}` {
  return `@${v}`;
}
