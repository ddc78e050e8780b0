import { type ReactNode, useId } from 'react';

/** Legend entry of a chart: a colour swatch (solid or dashed) and its text. */
export interface LegendItem {
  key: string;
  color: string;
  text: ReactNode;
}

/**
 * The frame every console chart draws in: a figure captioned by `title`, one SVG that assistive technology reads as
 * one image (named by the title, described by `description`: the values in words) and an optional legend.
 */
export function ChartFigure({
  title,
  description,
  viewBox,
  className,
  preserveAspectRatio,
  legend = [],
  children,
}: {
  title: string;
  description: string;
  /** SVG `viewBox`, e.g. `0 0 320 120`. */
  viewBox: string;
  /** Class of the SVG. */
  className?: string;
  preserveAspectRatio?: string;
  legend?: readonly LegendItem[];
  /** The SVG's drawing. */
  children: ReactNode;
}) {
  const id = useId();
  return (
    <figure className="chart">
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <svg
        viewBox={viewBox}
        role="img"
        aria-labelledby={`${id}-title`}
        aria-describedby={`${id}-desc`}
        className={className}
        preserveAspectRatio={preserveAspectRatio}
      >
        <title>{title}</title>
        <desc id={`${id}-desc`}>{description}</desc>
        {children}
      </svg>
      {legend.length > 0 && (
        <ul className="chart-legend">
          {legend.map((l) => (
            <li key={l.key}>
              <span className="chart-swatch" style={{ borderColor: l.color }} aria-hidden="true" /> {l.text}
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
