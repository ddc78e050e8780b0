import { useMemo, useState } from 'react';
import { type OperationsSummary, useOperations, useOperationsPath } from '../../api/operations';
import { ApiErrorView } from '../../components/ApiErrorView';
import { type Column, DataTable } from '../../components/DataTable';
import { Field } from '../../components/Field';
import { formatUtc } from '../../components/format';
import { LineChart } from '../../components/LineChart';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';

/** Refresh interval of the operations view, ms. */
export const OPERATIONS_REFRESH_MS = 5000;

/** Windows the page offers, minutes. */
const WINDOWS = [5, 15, 60] as const;

type Row = OperationsSummary['routes'][number];
type Point = OperationsSummary['series'][number];

/** The charts of the page: title, unit and lines (label, series field, colour; lines after the first are dashed). */
const CHARTS: readonly {
  title: string;
  unit?: string;
  lines: readonly (readonly [string, Exclude<keyof Point, 't'>, string])[];
}[] = [
  { title: 'Requests', lines: [['requests', 'requests', 'var(--me-primary)']] },
  {
    title: '429 and 5xx answers',
    lines: [
      ['429', 'status429', 'var(--me-focus)'],
      ['5xx', 'status5xx', 'var(--me-danger)'],
    ],
  },
  {
    title: 'Latency',
    unit: ' ms',
    lines: [
      ['p50', 'p50Ms', 'var(--me-success)'],
      ['p99', 'p99Ms', 'var(--me-primary)'],
    ],
  },
  {
    title: 'Limiter denials and degraded decisions',
    lines: [
      ['denied', 'denied', 'var(--me-focus)'],
      ['degraded', 'degraded', 'var(--me-danger)'],
    ],
  },
];

type LimiterRow = OperationsSummary['limiterByTier'][number];

const LIMITER_COLUMNS: readonly Column<LimiterRow>[] = [
  { id: 'tier', header: 'Tier', rowHeader: true, cell: (r) => r.tier },
  { id: 'allowed', header: 'Allowed', cell: (r) => r.allowed },
  { id: 'denied', header: 'Denied', cell: (r) => r.denied },
  { id: 'degraded', header: 'Degraded', cell: (r) => r.degraded },
];

/**
 * Platform-admin: what the stack measures — per-route p50/p99, requests, 429s and 5xx; the same by tenant and by
 * user type; limiter decisions; charts over the window, refreshed every few seconds (pausable); alarms in ALARM with
 * their runbook. Data: the operations summary of the stage (`operationsPath`; the local stack's metric store).
 */
export default function OperationsPage() {
  const path = useOperationsPath();
  const [minutes, setMinutes] = useState<number>(15);
  const [paused, setPaused] = useState(false);
  const q = useOperations(minutes, paused ? false : OPERATIONS_REFRESH_MS);
  if (path === undefined) {
    return (
      <>
        <PageHeader title="Operations" />
        <p className="notice">
          This stage has no operations summary for the console. Its operations views are the CloudWatch
          dashboard (per-route latency, requests, 429s and 5XX, limiter decisions, SLOs) and the saved Logs
          Insights queries (per tenant and user type). The local stack serves this page from its own metric
          store.
        </p>
      </>
    );
  }
  return (
    <>
      <PageHeader title="Operations" />
      <div className="toolbar">
        <Field label="Window">
          <select value={minutes} onChange={(e) => setMinutes(Number(e.target.value))}>
            {WINDOWS.map((m) => (
              <option key={m} value={m}>
                Last {m} minutes
              </option>
            ))}
          </select>
        </Field>
        <button type="button" className="secondary" onClick={() => setPaused(!paused)} aria-pressed={paused}>
          {paused ? 'Resume refresh' : 'Pause refresh'}
        </button>
      </div>
      {q.error ? (
        <ApiErrorView error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data ? (
        <Loading label="Loading operations" />
      ) : (
        <Summary data={q.data} paused={paused} updatedAt={q.dataUpdatedAt} />
      )}
    </>
  );
}

function Summary({
  data,
  paused,
  updatedAt,
}: {
  data: OperationsSummary;
  paused: boolean;
  updatedAt: number;
}) {
  const times = data.series.map((p) => p.t);
  const firing = (data.alarms ?? []).filter((a) => a.state === 'ALARM');
  const t = data.totals;
  return (
    <>
      <p className="muted" aria-live="off">
        {paused ? 'Paused' : `Refreshing every ${OPERATIONS_REFRESH_MS / 1000} s`} · updated{' '}
        {formatUtc(new Date(updatedAt).toISOString())} · {t.requests} requests, {t.status429} answered 429,{' '}
        {t.status5xx} answered 5xx, p99 {ms(t.p99Ms)} in the last {data.minutes} minutes
      </p>
      <section aria-labelledby="ops-alarms">
        <h2 id="ops-alarms">Alarms</h2>
        {data.alarms === undefined ? (
          <p>No alarm states in this summary.</p>
        ) : firing.length === 0 ? (
          <p>No alarm is in ALARM ({data.alarms.length} evaluated).</p>
        ) : (
          <ul>
            {firing.map((a) => (
              <li key={a.name}>
                <strong>{a.name}</strong> ({a.severity}) — {a.reason}. Runbook: <code>{a.runbook}</code>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="ops-charts">
        <h2 id="ops-charts">Over time ({data.bucketSec} s buckets)</h2>
        <div className="charts">
          {CHARTS.map((c) => (
            <LineChart
              key={c.title}
              title={c.title}
              unit={c.unit}
              times={times}
              lines={c.lines.map(([label, key, color], n) => ({
                label,
                values: data.series.map((p) => p[key]),
                color,
                dashed: n > 0,
              }))}
            />
          ))}
        </div>
      </section>
      <TrafficTable caption="Per route" head="Route" rows={data.routes} />
      <TrafficTable
        caption={`Busiest tenants (top ${data.tenants.length})`}
        head="Tenant"
        rows={data.tenants}
      />
      <TrafficTable caption="Per user type" head="User type" rows={data.userTypes} />
      <DataTable
        caption="Limiter decisions"
        columns={LIMITER_COLUMNS}
        rows={[
          ...data.limiterByTier,
          {
            tier: 'All tiers',
            allowed: data.limiter.RateLimitAllowed,
            denied: data.limiter.RateLimitDenied,
            degraded: data.limiter.RateLimitDegraded,
          },
        ]}
        rowKey={(r) => r.tier}
        empty="No limiter decisions."
      />
      <p className="muted">
        Also in the window: {data.limiter.RateLimitNearLimit} near the limit,{' '}
        {data.limiter.RateLimitShadowDenied} shadow denials, {data.limiter.RateLimitBypassed} bypassed.
      </p>
    </>
  );
}

function trafficColumns(head: string): Column<Row>[] {
  return [
    { id: 'key', header: head, rowHeader: true, cell: (r) => (r.key === '-' ? '(none)' : r.key) },
    { id: 'requests', header: 'Requests', cell: (r) => r.requests },
    { id: 'p50', header: 'p50', cell: (r) => ms(r.p50Ms) },
    { id: 'p99', header: 'p99', cell: (r) => ms(r.p99Ms) },
    { id: '429', header: '429', cell: (r) => r.status429 },
    { id: '5xx', header: '5xx', cell: (r) => r.status5xx },
  ];
}

function TrafficTable({ caption, head, rows }: { caption: string; head: string; rows: readonly Row[] }) {
  const columns = useMemo(() => trafficColumns(head), [head]);
  if (rows.length === 0) return <p>{caption}: no requests in the window.</p>;
  return <DataTable caption={caption} columns={columns} rows={rows} rowKey={(r) => r.key} empty="" />;
}

function ms(v: number | null): string {
  return v === null ? '–' : `${v} ms`;
}
