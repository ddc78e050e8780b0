import type { UseQueryResult } from '@tanstack/react-query';
import { type FormEvent, type MouseEvent, type ReactNode, useState } from 'react';
import * as z from 'zod';
import type { AnalyticsQueryName } from '../../../../lib/config/analytics';
import { analyticsFilterShape, FROM_AFTER_TO_MESSAGE } from '../../../../lib/config/analytics-api';
import { VERTICALS, type Vertical } from '../../../../lib/config/data-model';
import { useProductEvents } from '../../analytics/events-context';
import { type AnalyticsFilters, type AnalyticsResult, useAnalytics } from '../../api/analytics';
import { type FieldError, isApiError } from '../../api/errors';
import { ApiErrorView } from '../../components/ApiErrorView';
import { BarChart } from '../../components/BarChart';
import { type Column, DataTable } from '../../components/DataTable';
import { Field } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../session/session';
import {
  type ActiveUsers,
  type Adoption,
  activeUsers,
  adoption,
  type Cohort,
  funnel,
  percent,
  retention,
  type SegmentBy,
} from './analytics-view';

/** One query's state as the sections read it. */
type Query<Q extends AnalyticsQueryName> = UseQueryResult<AnalyticsResult<Q>>;

/** The filter form's fields by the name the API's 400 paths give them (`query.<field>`), with their labels. */
const FILTER_LABELS = { vertical: 'Vertical', tenantId: 'Tenant id', from: 'From', to: 'To' } as const;
type FilterField = keyof typeof FILTER_LABELS;
const isFilterField = (path: string): path is FilterField => path in FILTER_LABELS;
/** The id of a filter's control: the error summary links to it. */
const fieldId = (f: FilterField) => `an-filter-${f}`;
const filtersSchema = z.object(analyticsFilterShape);

/**
 * What the page can tell before sending (the server's own filter schema, and `from` after `to`, which the server
 * refuses with the same path and reason, lambdas/shared/analytics/scope.ts): field errors with paths `<field>`.
 */
function checkFilters(f: AnalyticsFilters): FieldError[] {
  const parsed = filtersSchema.safeParse(f);
  if (!parsed.success)
    return parsed.error.issues.map((i) => ({ path: String(i.path[0]), message: i.message }));
  if (f.from && f.to && f.from > f.to) return [{ path: 'from', message: FROM_AFTER_TO_MESSAGE }];
  return [];
}

/** `query.from` → `from`: a 400's field error as the form names it. */
const formPath = (e: FieldError): FieldError => ({ ...e, path: e.path.replace(/^query\./, '') });

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

/** One query's section: its heading, then the answer to its error or its content. */
function QuerySection({
  id,
  title,
  q,
  children,
}: {
  id: string;
  title: string;
  q: { error: unknown; refetch: () => unknown };
  children: () => ReactNode;
}) {
  return (
    <section aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {q.error ? <ApiErrorView error={q.error} onRetry={() => void q.refetch()} /> : children()}
    </section>
  );
}

const ACTIVE_COLUMNS = (by: SegmentBy): Column<ActiveUsers>[] => [
  {
    id: 'segment',
    header: by === 'vertical' ? 'Vertical' : 'Tenant',
    rowHeader: true,
    cell: (r) => r.segment,
  },
  { id: 'dau', header: 'DAU', cell: (r) => fmt(r.dau) },
  { id: 'wau', header: 'WAU', cell: (r) => fmt(r.wau) },
  { id: 'mau', header: 'MAU', cell: (r) => fmt(r.mau) },
  { id: 'stickiness', header: 'Stickiness (DAU/MAU)', cell: (r) => percent(r.stickiness) },
];

const ADOPTION_COLUMNS: readonly Column<Adoption>[] = [
  { id: 'feature', header: 'Feature', rowHeader: true, cell: (r) => r.feature },
  { id: 'users', header: 'Users', cell: (r) => r.users },
  { id: 'uses', header: 'Uses', cell: (r) => r.uses },
  { id: 'adoption', header: 'Adoption', cell: (r) => percent(r.adoption) },
];

function ActiveUsersSection({ q, by }: { q: Query<'active_users'>; by: SegmentBy }) {
  return (
    <QuerySection id="an-active" title="Active users" q={q}>
      {() => {
        const rows = activeUsers(q.data?.rows ?? [], by);
        return (
          <>
            <BarChart
              title={`DAU, WAU and MAU by ${by}`}
              series={[
                { label: 'DAU', color: 'var(--me-primary)' },
                { label: 'WAU', color: 'var(--me-success)' },
                { label: 'MAU', color: 'var(--me-focus)' },
              ]}
              groups={rows.map((r) => ({ label: r.segment, values: [r.dau, r.wau, r.mau] }))}
              format={fmt}
            />
            <DataTable
              caption={`Average distinct users per day, week and month, by ${by}`}
              columns={ACTIVE_COLUMNS(by)}
              rows={rows}
              rowKey={(r) => r.segment}
              empty="No activity in the range."
            />
          </>
        );
      }}
    </QuerySection>
  );
}

function AdoptionSection({ q }: { q: Query<'feature_adoption'> }) {
  return (
    <QuerySection id="an-adoption" title="Feature adoption" q={q}>
      {() => {
        const rows = adoption(q.data?.rows ?? []);
        return (
          <>
            <BarChart
              title="Share of active users using each feature"
              series={[{ label: 'Adoption', color: 'var(--me-primary)' }]}
              groups={rows.map((r) => ({ label: r.feature, values: [r.adoption] }))}
              max={1}
              format={percent}
            />
            <DataTable
              caption="Feature adoption"
              captionHidden
              columns={ADOPTION_COLUMNS}
              rows={rows}
              rowKey={(r) => r.feature}
              empty="No feature used in the range."
            />
          </>
        );
      }}
    </QuerySection>
  );
}

function FunnelSection({ q }: { q: Query<'funnel'> }) {
  return (
    <QuerySection id="an-funnel" title="Report funnel" q={q}>
      {() => {
        const steps = funnel(q.data?.rows ?? []);
        return (
          <>
            <BarChart
              title="Users reaching each step (in order, within the window)"
              series={[{ label: 'Users', color: 'var(--me-primary)' }]}
              groups={steps.map((s) => ({ label: s.label, values: [s.users] }))}
              format={fmt}
            />
            <ol className="funnel">
              {steps.map((s) => (
                <li key={s.label}>
                  {s.label}: {s.users} {s.users === 1 ? 'user' : 'users'} ({percent(s.conversion)} of the
                  first step)
                </li>
              ))}
            </ol>
          </>
        );
      }}
    </QuerySection>
  );
}

function retentionColumns(offsets: readonly number[]): Column<Cohort>[] {
  return [
    { id: 'week', header: 'Cohort (first week)', rowHeader: true, cell: (c) => c.week },
    { id: 'size', header: 'Users', cell: (c) => c.size },
    ...offsets.map((o) => ({
      id: `w${o}`,
      header: `Week ${o}`,
      cell: (c: Cohort) => percent(c.retained[o] ?? null),
    })),
  ];
}

function RetentionSection({ q }: { q: Query<'retention'> }) {
  return (
    <QuerySection id="an-retention" title="Weekly retention" q={q}>
      {() => {
        const { offsets, cohorts } = retention(q.data?.rows ?? []);
        const last = cohorts[0];
        return (
          <>
            {last && (
              <BarChart
                title={`Cohort of ${last.week}: share active each week`}
                series={[{ label: 'Retained', color: 'var(--me-success)' }]}
                groups={offsets.map((o) => ({ label: `Week ${o}`, values: [last.retained[o] ?? 0] }))}
                max={1}
                format={percent}
              />
            )}
            <DataTable
              caption="Share of each weekly cohort active N weeks after its first week"
              columns={retentionColumns(offsets)}
              rows={cohorts}
              rowKey={(c) => c.week}
              empty="No cohort in the range."
            />
          </>
        );
      }}
    </QuerySection>
  );
}

/**
 * Product analytics for admins (`GET /admin/analytics/{query}`): active users (DAU/WAU/MAU, stickiness), feature
 * adoption, the report funnel and weekly retention. Tenant admins see their own tenant (the server confines it);
 * platform admins see every tenant grouped by vertical, or one vertical or tenant. Filters the page can judge (a
 * malformed tenant id or day, `from` after `to`) are refused before sending; a 400 from the server is answered once,
 * next to the form, naming the field and the server's reason (no retry: the same filters would be refused again).
 */
export default function AnalyticsPage() {
  const { me, hasRole } = useSession();
  const platform = hasRole('platform-admin');
  const [draft, setDraft] = useState({ tenantId: '', vertical: '', from: '', to: '' });
  const [filters, setFilters] = useState<AnalyticsFilters>({});
  /** Field errors found before sending (the filters were then not applied). */
  const [local, setLocal] = useState<FieldError[]>([]);
  const by: SegmentBy = platform && !filters.tenantId ? 'vertical' : 'tenant';
  const active = useAnalytics('active_users', filters);
  const features = useAnalytics('feature_adoption', filters);
  const steps = useAnalytics('funnel', filters);
  const cohorts = useAnalytics('retention', filters);
  const events = useProductEvents();
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const next: AnalyticsFilters = {
      tenantId: (platform && draft.tenantId.trim()) || undefined,
      vertical: (platform && (draft.vertical as Vertical)) || undefined,
      from: draft.from || undefined,
      to: draft.to || undefined,
    };
    const errors = checkFilters(next);
    setLocal(errors);
    if (errors.length > 0) return;
    setFilters(next);
    events.featureUsed('analytics.filter');
  };
  // Every query shares the filters, so a 400 from one is the answer for all: shown once, by the form.
  const refused = [active, features, steps, cohorts].map((q) => q.error).find((err) => isApiError(err, 400));
  const problems: FieldError[] =
    local.length > 0
      ? local
      : refused
        ? refused.problem.errors.length > 0
          ? refused.problem.errors.map(formPath)
          : [{ path: '(filters)', message: refused.problem.detail ?? 'the filters are invalid' }]
        : [];
  const fieldError = (f: FilterField) => problems.find((p) => p.path === f)?.message;
  /** Moves to a refused field from the summary (the link's target is the control; the URL is left alone). */
  const goTo = (f: FilterField) => (e: MouseEvent) => {
    e.preventDefault();
    document.getElementById(fieldId(f))?.focus();
  };
  const set = (k: keyof typeof draft) => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [k]: e.target.value });
  return (
    <>
      <PageHeader title="Analytics" />
      <p className="muted">
        {platform ? 'Every tenant, by vertical, unless filtered.' : `Tenant ${me.tenantId}.`} The last 30 days
        unless a range is given (UTC days).
      </p>
      <form className="toolbar filters" onSubmit={apply} aria-label="Analytics filters">
        {platform && (
          <>
            <Field id={fieldId('vertical')} label="Vertical" error={fieldError('vertical')}>
              <select value={draft.vertical} onChange={set('vertical')}>
                <option value="">all</option>
                {VERTICALS.map((v) => (
                  <option key={v}>{v}</option>
                ))}
              </select>
            </Field>
            <Field
              id={fieldId('tenantId')}
              label="Tenant id"
              hint="Empty = every tenant."
              error={fieldError('tenantId')}
            >
              <input value={draft.tenantId} onChange={set('tenantId')} />
            </Field>
          </>
        )}
        <Field id={fieldId('from')} label="From" error={fieldError('from')}>
          <input type="date" value={draft.from} onChange={set('from')} />
        </Field>
        <Field id={fieldId('to')} label="To" error={fieldError('to')}>
          <input type="date" value={draft.to} onChange={set('to')} />
        </Field>
        <button type="submit">Apply</button>
      </form>
      {problems.length > 0 && (
        // The error summary (GOV.UK pattern): announced once when it appears (the only live region), each field's
        // problem a link to that field; the field repeats only the reason, read when the field is focused.
        <section className="notice danger" role="alert" aria-labelledby="an-filter-error">
          <h2 id="an-filter-error">Filters not applied</h2>
          <ul>
            {problems.map((p) => (
              <li key={`${p.path}:${p.message}`}>
                {isFilterField(p.path) ? (
                  <a href={`#${fieldId(p.path)}`} onClick={goTo(p.path)}>
                    {FILTER_LABELS[p.path]}: {p.message}
                  </a>
                ) : (
                  `${p.path}: ${p.message}`
                )}
              </li>
            ))}
          </ul>
          {local.length === 0 && refused?.problem.requestId && (
            <p className="muted">Request id: {refused.problem.requestId}</p>
          )}
        </section>
      )}
      {refused ? null : [active, features, steps, cohorts].some((q) => q.isPending) ? (
        // One loading line until every query answered: sections appearing one by one would shift the page.
        <Loading label="Loading analytics" />
      ) : (
        <div className="analytics">
          <ActiveUsersSection q={active} by={by} />
          <AdoptionSection q={features} />
          <FunnelSection q={steps} />
          <RetentionSection q={cohorts} />
        </div>
      )}
    </>
  );
}
