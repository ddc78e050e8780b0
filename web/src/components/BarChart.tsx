import { ChartFigure } from './ChartFigure';

/** One series of a {@link BarChart} (one bar per group). */
export interface BarSeries {
  label: string;
  /** A CSS colour (theme variable), e.g. `var(--me-primary)`. */
  color: string;
}

/** One group of bars: a label and one value per series. */
export interface BarGroup {
  label: string;
  values: readonly number[];
}

const W = 320;
const ROW = 14;
const GAP = 8;
/** Narrowest label column (SVG units); a longer label widens it (see {@link labelWidth}). */
const LABEL_W = 96;
/**
 * Upper estimate of one label character's width in SVG units at `.chart-label`'s 9px (wide sans fonts such as
 * DejaVu Sans average about 5.4): the label column is sized from it, since SVG text is not measured before drawing.
 */
export const LABEL_CHAR_W = 5.5;
const VALUE_W = 48;

/** Width of the label column (SVG units): room for the longest label and its 4-unit gap, at least {@link LABEL_W}. */
function labelWidth(groups: readonly BarGroup[]): number {
  const longest = Math.max(0, ...groups.map((g) => g.label.length));
  return Math.max(LABEL_W, Math.ceil(longest * LABEL_CHAR_W) + 4);
}

/**
 * A small horizontal bar chart (SVG, no library): per group one bar per series, scaled to the largest value (or
 * `max`), each labelled with its value. The label column widens for long group labels (the bars get narrower) so no
 * label is clipped. The SVG is one image for assistive technology, named by the title and
 * described by every value; the legend names the series.
 */
export function BarChart({
  title,
  series,
  groups,
  max,
  format = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1)),
}: {
  title: string;
  series: readonly BarSeries[];
  groups: readonly BarGroup[];
  /** Value of a full-width bar (default: the largest value, at least 1). */
  max?: number;
  /** A value as shown (labels and description). */
  format?: (v: number) => string;
}) {
  const top = max ?? Math.max(1, ...groups.flatMap((g) => g.values));
  const labelW = labelWidth(groups);
  const groupH = series.length * ROW + GAP;
  const H = Math.max(groupH, groups.length * groupH);
  const barW = (v: number) => Math.max(0, ((W - labelW - VALUE_W) * Math.min(v, top)) / top);
  const describe = groups
    .map((g) => `${g.label}: ${series.map((s, i) => `${s.label} ${format(g.values[i] ?? 0)}`).join(', ')}`)
    .join('; ');
  return (
    <ChartFigure
      title={title}
      description={groups.length === 0 ? 'No data.' : describe}
      viewBox={`0 0 ${W} ${H}`}
      className="bar-chart"
      legend={series.length > 1 ? series.map((s) => ({ key: s.label, color: s.color, text: s.label })) : []}
    >
      {groups.map((g, gi) => (
        <g key={g.label} transform={`translate(0 ${gi * groupH})`}>
          <text x={labelW - 4} y={(series.length * ROW) / 2 + 3} textAnchor="end" className="chart-label">
            {g.label}
          </text>
          {series.map((s, si) => {
            const v = g.values[si] ?? 0;
            return (
              <g key={s.label} transform={`translate(0 ${si * ROW})`}>
                <rect x={labelW} y={1} width={barW(v)} height={ROW - 3} fill={s.color} />
                <text x={labelW + barW(v) + 3} y={ROW - 4} className="chart-label">
                  {format(v)}
                </text>
              </g>
            );
          })}
        </g>
      ))}
    </ChartFigure>
  );
}
