/** The viewports of the visual suite: phone, tablet portrait and laptop, CSS pixels at device scale factor 1. */
export const VIEWPORTS = [
  { id: 'mobile', width: 375, height: 812 },
  { id: 'tablet', width: 768, height: 1024 },
  { id: 'desktop', width: 1440, height: 900 },
] as const;

/** One of {@link VIEWPORTS}. */
export type Viewport = (typeof VIEWPORTS)[number];
