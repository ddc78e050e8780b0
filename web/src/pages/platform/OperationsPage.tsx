import { useState } from 'react';
import { type OperationsSummary, useOperations, useOperationsPath } from '../../api/operations';
import { ApiErrorView } from '../../components/ApiErrorView';
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
          <LineChart
            title="Requests"
            times={times}
            lines={[
              { label: 'requests', values: data.series.map((p) => p.requests), color: 'var(--me-primary)' },
            ]}
          />
          <LineChart
            title="429 and 5xx answers"
            times={times}
            lines={[
              { label: '429', values: data.series.map((p) => p.status429), color: 'var(--me-focus)' },
              {
                label: '5xx',
                values: data.series.map((p) => p.status5xx),
                color: 'var(--me-danger)',
                dashed: true,
              },
            ]}
          />
          <LineChart
            title="Latency"
            unit=" ms"
            times={times}
            lines={[
              { label: 'p50', values: data.series.map((p) => p.p50Ms), color: 'var(--me-success)' },
              {
                label: 'p99',
                values: data.series.map((p) => p.p99Ms),
                color: 'var(--me-primary)',
                dashed: true,
              },
            ]}
          />
          <LineChart
            title="Limiter denials and degraded decisions"
            times={times}
            lines={[
              { label: 'denied', values: data.series.map((p) => p.denied), color: 'var(--me-focus)' },
              {
                label: 'degraded',
                values: data.series.map((p) => p.degraded),
                color: 'var(--me-danger)',
                dashed: true,
              },
            ]}
          />
        </div>
      </section>
      <TrafficTable caption="Per route" head="Route" rows={data.routes} />
      <TrafficTable
        caption={`Busiest tenants (top ${data.tenants.length})`}
        head="Tenant"
        rows={data.tenants}
      />
      <TrafficTable caption="Per user type" head="User type" rows={data.userTypes} />
      <table className="table">
        <caption>Limiter decisions</caption>
        <thead>
          <tr>
            <th scope="col">Tier</th>
            <th scope="col">Allowed</th>
            <th scope="col">Denied</th>
            <th scope="col">Degraded</th>
          </tr>
        </thead>
        <tbody>
          {data.limiterByTier.map((r) => (
            <tr key={r.tier}>
              <th scope="row">{r.tier}</th>
              <td>{r.allowed}</td>
              <td>{r.denied}</td>
              <td>{r.degraded}</td>
            </tr>
          ))}
          <tr>
            <th scope="row">All tiers</th>
            <td>{data.limiter.RateLimitAllowed}</td>
            <td>{data.limiter.RateLimitDenied}</td>
            <td>{data.limiter.RateLimitDegraded}</td>
          </tr>
        </tbody>
      </table>
      <p className="muted">
        Also in the window: {data.limiter.RateLimitNearLimit} near the limit,{' '}
        {data.limiter.RateLimitShadowDenied} shadow denials, {data.limiter.RateLimitBypassed} bypassed.
      </p>
    </>
  );
}

function TrafficTable({ caption, head, rows }: { caption: string; head: string; rows: readonly Row[] }) {
  if (rows.length === 0) return <p>{caption}: no requests in the window.</p>;
  return (
    <table className="table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{head}</th>
          <th scope="col">Requests</th>
          <th scope="col">p50</th>
          <th scope="col">p99</th>
          <th scope="col">429</th>
          <th scope="col">5xx</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.key === '-' ? '(none)' : r.key}</th>
            <td>{r.requests}</td>
            <td>{ms(r.p50Ms)}</td>
            <td>{ms(r.p99Ms)}</td>
            <td>{r.status429}</td>
            <td>{r.status5xx}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function ms(v: number | null): string {
  return v === null ? '–' : `${v} ms`;
}
