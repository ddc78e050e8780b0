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
const LABEL_W = 96;
const VALUE_W = 48;

/**
 * A small horizontal bar chart (SVG, no library): per group one bar per series, scaled to the largest value (or
 * `max`), each labelled with its value. The SVG is one image for assistive technology, named by the title and
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
  const groupH = series.length * ROW + GAP;
  const H = Math.max(groupH, groups.length * groupH);
  const barW = (v: number) => Math.max(0, ((W - LABEL_W - VALUE_W) * Math.min(v, top)) / top);
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
          <text x={LABEL_W - 4} y={(series.length * ROW) / 2 + 3} textAnchor="end" className="chart-label">
            {g.label}
          </text>
          {series.map((s, si) => {
            const v = g.values[si] ?? 0;
            return (
              <g key={s.label} transform={`translate(0 ${si * ROW})`}>
                <rect x={LABEL_W} y={1} width={barW(v)} height={ROW - 3} fill={s.color} />
                <text x={LABEL_W + barW(v) + 3} y={ROW - 4} className="chart-label">
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
