import { ChartFigure } from './ChartFigure';

/** One line of a {@link LineChart}. */
export interface ChartLine {
  label: string;
  /** One value per point of `times`; `null` = no data (a gap). */
  values: readonly (number | null)[];
  /** A CSS colour (theme variable), e.g. `var(--me-primary)`. */
  color: string;
  /** Dashed (a second series on the same axis). */
  dashed?: boolean;
}

const W = 320;
const H = 120;
const PAD = { left: 40, right: 8, top: 8, bottom: 20 };

/**
 * A small time-series chart (SVG, no library): one polyline per line over the same x axis, y from 0 to the largest
 * value, first and last time and the y maximum as labels, a legend with each line's latest value. The SVG is one
 * image for assistive technology, named by the title and described by the latest values.
 */
export function LineChart({
  title,
  times,
  lines,
  unit = '',
}: {
  title: string;
  /** Point times, ISO 8601 (labels show `HH:MM:SS` UTC). */
  times: readonly string[];
  lines: readonly ChartLine[];
  unit?: string;
}) {
  const max = Math.max(1, ...lines.flatMap((l) => l.values.filter((v): v is number => v !== null)));
  const n = Math.max(1, times.length - 1);
  const x = (i: number) => PAD.left + ((W - PAD.left - PAD.right) * i) / n;
  const y = (v: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - v / max);
  const latest = (l: ChartLine) => [...l.values].reverse().find((v) => v !== null) ?? null;
  const describe = lines.map((l) => `${l.label} ${fmt(latest(l))}${unit}`).join(', ');
  const hhmmss = (t: string | undefined) => (t ? t.slice(11, 19) : '');
  return (
    <ChartFigure
      title={title}
      description={`Latest: ${describe}`}
      viewBox={`0 0 ${W} ${H}`}
      preserveAspectRatio="none"
      legend={lines.map((l) => ({
        key: l.label,
        color: l.color,
        text: `${l.label}: ${fmt(latest(l))}${unit}`,
      }))}
    >
      <line x1={PAD.left} y1={y(0)} x2={W - PAD.right} y2={y(0)} className="chart-axis" />
      <line x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={y(0)} className="chart-axis" />
      <text x={PAD.left - 4} y={PAD.top + 8} textAnchor="end" className="chart-label">
        {fmt(max)}
      </text>
      <text x={PAD.left - 4} y={y(0)} textAnchor="end" className="chart-label">
        0
      </text>
      <text x={PAD.left} y={H - 4} className="chart-label">
        {hhmmss(times[0])}
      </text>
      <text x={W - PAD.right} y={H - 4} textAnchor="end" className="chart-label">
        {hhmmss(times[times.length - 1])}
      </text>
      {lines.map((l) => (
        <path
          key={l.label}
          d={pathOf(l.values, x, y)}
          fill="none"
          stroke={l.color}
          strokeWidth={2}
          strokeDasharray={l.dashed ? '4 3' : undefined}
          vectorEffect="non-scaling-stroke"
        />
      ))}
    </ChartFigure>
  );
}

/** SVG path through the non-null points (a gap starts a new segment). */
function pathOf(
  values: readonly (number | null)[],
  x: (i: number) => number,
  y: (v: number) => number,
): string {
  let d = '';
  let pen = false;
  values.forEach((v, i) => {
    if (v === null) {
      pen = false;
      return;
    }
    d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)} `;
    pen = true;
  });
  return d.trim();
}

function fmt(v: number | null): string {
  if (v === null) return '–';
  return Number.isInteger(v) ? String(v) : v.toFixed(1);
}
