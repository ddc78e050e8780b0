import type { ReactNode } from 'react';
import { TIER_TABLE } from '../../../lib/config/tiers';
import { ApiError } from '../api/errors';
import type { Rule, UsageEntry } from '../api/types';
import { ApiErrorView } from '../components/ApiErrorView';
import { BarChart } from '../components/BarChart';
import { BypassPanel } from '../components/BypassPanel';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Countdown } from '../components/Countdown';
import { type Column, DataTable } from '../components/DataTable';
import { Field } from '../components/Field';
import { LineChart } from '../components/LineChart';
import { Loading } from '../components/Loading';
import { PageHeader } from '../components/PageHeader';
import { type CursorPages, Pager } from '../components/Pager';
import { ConflictView } from '../components/rules/ConflictView';
import { LimitsEditor } from '../components/rules/LimitsEditor';
import { RuleForm } from '../components/rules/RuleForm';
import { RulesTable } from '../components/rules/RulesTable';
import { UsageTable } from '../components/UsageTable';
import { useSession } from '../session/session';

const noop = () => {};

/** Fixed example data: the gallery must look the same on every run (no clock, no random ids). */
const TIER_RULES: readonly Rule[] = TIER_TABLE.standard.defaultPolicy;
const USER_RULE = {
  id: 'user-ada-rate',
  scope: 'user',
  subject: 'ada',
  kind: 'rate',
  limit: 20,
  periodSec: 60,
  mode: 'enforce',
} as Rule;
const USAGE: UsageEntry[] = [
  {
    ruleId: 'tenant-rate',
    scope: 'tenant',
    kind: 'rate',
    mode: 'enforce',
    limit: 300,
    capacity: 300,
    remaining: 212,
    used: 88,
    resetSec: 12,
    periodSec: 60,
  },
  {
    ruleId: 'tenant-daily',
    scope: 'tenant',
    kind: 'quota',
    mode: 'shadow',
    limit: 50000,
    capacity: 50000,
    remaining: 0,
    used: 50000,
    resetSec: 3600,
    window: 'day',
  } as UsageEntry,
];
const ERRORS: { id: string; label: string; error: unknown }[] = [
  {
    id: 'rate-limited',
    label: '429 with Retry-After',
    error: new ApiError(
      429,
      { title: 'Too Many Requests', errors: [], violated: ['user-rate'], requestId: 'req-0429' },
      42,
    ),
  },
  {
    id: 'forbidden',
    label: '403',
    error: new ApiError(403, { title: 'Forbidden', errors: [], violated: [] }),
  },
  {
    id: 'unavailable',
    label: '503',
    error: new ApiError(503, {
      title: 'Service Unavailable',
      errors: [],
      violated: [],
      requestId: 'req-0503',
    }),
  },
  { id: 'unexpected', label: 'not an API error', error: new Error('The response could not be read.') },
];

/** DataTable example rows: a row header, a number, a badge and a hidden-header actions column. */
interface TableRow {
  route: string;
  requests: number;
  denied: number;
}
const TABLE_ROWS: readonly TableRow[] = [
  { route: 'GET /v1/reports', requests: 12840, denied: 12 },
  { route: 'POST /v1/reports', requests: 930, denied: 0 },
  { route: 'GET /v1/me/limits', requests: 4211, denied: 57 },
];
const TABLE_COLUMNS: readonly Column<TableRow>[] = [
  { id: 'route', header: 'Route', rowHeader: true, cell: (r) => <code>{r.route}</code> },
  { id: 'requests', header: 'Requests', cell: (r) => r.requests.toLocaleString('en-GB') },
  {
    id: 'denied',
    header: 'Denied',
    cell: (r) => (r.denied > 0 ? <span className="badge">{r.denied}</span> : '0'),
  },
  {
    id: 'actions',
    header: 'Actions',
    headerHidden: true,
    cell: (r) => (
      <button type="button" className="secondary">
        Details<span className="sr-only"> of {r.route}</span>
      </button>
    ),
  },
];

/** Pager states: first page with a next one, a middle page, the last page (a fixed stand-in for `useCursorPages`). */
function pagerAt(page: number): CursorPages {
  return { token: page === 1 ? undefined : `t${page}`, page, next: noop, previous: noop, reset: noop };
}

/** Chart data: 12 one-minute points from the gallery's fixed time, with a gap, and three groups of bars. */
const CHART_TIMES = Array.from({ length: 12 }, (_, i) =>
  new Date(Date.UTC(2026, 0, 15, 9, 48 + i)).toISOString(),
);
const REQUESTS = [120, 132, 128, 150, 171, 166, null, 158, 190, 204, 187, 176];
const DENIED = [2, 3, 2, 5, 9, 7, null, 4, 12, 15, 9, 6];

/** One gallery entry: a titled box the visual suite screenshots on its own (`data-gallery="<id>"`). */
function Specimen({ id, title, children }: { id: string; title: string; children: ReactNode }) {
  return (
    <section className="gallery-specimen" data-gallery={id} aria-labelledby={`g-${id}`}>
      <h2 id={`g-${id}`} className="gallery-title">
        {title}
      </h2>
      {children}
    </section>
  );
}

/**
 * Every major component of the console in isolation, in the signed-in tenant's theme, with fixed example data. Pages
 * are covered by the gallery's `view=page` (the real shell over the mock API); this view is for the pieces.
 */
export function ComponentGallery() {
  const { me, hasRole } = useSession();
  return (
    <main id="main" className="page gallery">
      <PageHeader title="Component gallery">
        <button type="button">Primary action</button>
      </PageHeader>
      <Specimen id="buttons" title="Buttons">
        <div className="actions">
          <button type="button">Primary</button>
          <button type="button" className="secondary">
            Secondary
          </button>
          <button type="button" className="danger">
            Danger
          </button>
          <button type="button" disabled>
            Disabled
          </button>
        </div>
      </Specimen>
      <Specimen id="field" title="Field">
        <form className="form" noValidate onSubmit={(e) => e.preventDefault()}>
          <Field label="Title" hint="Shown in the reports list.">
            <input defaultValue="Q1 footfall" />
          </Field>
          <Field label="Limit" error="limit must be a positive integer">
            <input defaultValue="-3" />
          </Field>
        </form>
      </Specimen>
      <Specimen id="data-table" title="Data table">
        <DataTable
          caption="Requests per route"
          columns={TABLE_COLUMNS}
          rows={TABLE_ROWS}
          rowKey={(r) => r.route}
          empty="No traffic."
        />
        <DataTable
          caption="Empty table"
          columns={TABLE_COLUMNS}
          rows={[]}
          rowKey={(r) => r.route}
          empty="No traffic in this window."
        />
      </Specimen>
      <Specimen id="pager" title="Pager">
        <Pager label="First page" pages={pagerAt(1)} nextToken="t2" />
        <Pager label="Middle page" pages={pagerAt(2)} nextToken="t3" />
        <Pager label="Last page" pages={pagerAt(3)} nextToken={undefined} />
      </Specimen>
      <Specimen id="charts" title="Charts">
        <div className="charts">
          <LineChart
            title="Requests and denials per minute"
            times={CHART_TIMES}
            lines={[
              { label: 'Requests', values: REQUESTS, color: 'var(--me-primary)' },
              { label: 'Denied', values: DENIED, color: 'var(--me-danger)', dashed: true },
            ]}
          />
          <BarChart
            title="DAU, WAU and MAU by vertical"
            series={[
              { label: 'DAU', color: 'var(--me-primary)' },
              { label: 'WAU', color: 'var(--me-success)' },
              { label: 'MAU', color: 'var(--me-focus)' },
            ]}
            groups={[
              { label: 'retail', values: [412, 1630, 4120] },
              { label: 'hospitality', values: [208, 911, 2302] },
              { label: 'leisure', values: [96, 388, 1204] },
            ]}
          />
        </div>
      </Specimen>
      <Specimen id="usage-table" title="Usage table">
        <UsageTable rules={USAGE} caption="Tenant usage" />
      </Specimen>
      <Specimen id="rules-table" title="Rules table">
        <RulesTable
          rules={[...TIER_RULES, USER_RULE]}
          caption="Effective rules"
          isEditable={(r) => r.scope === 'user'}
          onEdit={noop}
          onDelete={noop}
        />
      </Specimen>
      <Specimen id="rule-form" title="Rule form">
        <RuleForm
          rule={USER_RULE}
          mode="full"
          errors={{ limit: 'limit must be at most 300 (the tier limit)' }}
          onSubmit={noop}
          onCancel={noop}
        />
      </Specimen>
      <Specimen id="conflict-view" title="Conflict view (412)">
        <ConflictView
          base={TIER_RULES}
          current={[...TIER_RULES, { ...USER_RULE, id: 'user-bob-rate', subject: 'bob' } as Rule]}
          change={{ kind: 'upsert', rule: USER_RULE }}
          busy={false}
          onReapply={noop}
          onDiscard={noop}
        />
      </Specimen>
      <Specimen id="api-errors" title="API errors">
        {ERRORS.map((e) => (
          <div key={e.id} className="gallery-variant">
            <p className="muted">{e.label}</p>
            <ApiErrorView error={e.error} onRetry={noop} />
          </div>
        ))}
      </Specimen>
      <Specimen id="countdown" title="Countdown">
        <p>
          <Countdown seconds={75} />
        </p>
      </Specimen>
      <Specimen id="loading" title="Loading">
        <Loading label="Loading reports" />
      </Specimen>
      <Specimen id="limits-editor" title="Limits editor (over the API)">
        <LimitsEditor tenantId={me.tenantId} mode="user-only" />
      </Specimen>
      {hasRole('platform-admin') && (
        <Specimen id="bypass-panel" title="Emergency bypass (over the API, platform admins)">
          <BypassPanel tenantId="gallery-retail" />
        </Specimen>
      )}
      <Specimen id="confirm-dialog" title="Confirm dialog">
        <div className="gallery-frame">
          <ConfirmDialog title="Delete report?" confirmLabel="Delete" onConfirm={noop} onCancel={noop}>
            <p>“Q1 footfall” will be deleted for everyone in your tenant.</p>
          </ConfirmDialog>
        </div>
      </Specimen>
    </main>
  );
}
