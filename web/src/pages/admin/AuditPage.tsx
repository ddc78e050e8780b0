import { type FormEvent, useMemo, useState } from 'react';
import { useProductEvents } from '../../analytics/events-context';
import { useAudit } from '../../api/admin';
import type { AuditEntry } from '../../api/types';
import { ApiErrorView } from '../../components/ApiErrorView';
import { type Column, DataTable } from '../../components/DataTable';
import { Field } from '../../components/Field';
import { formatUtc } from '../../components/format';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { Pager, useCursorPages } from '../../components/Pager';
import { useSession } from '../../session/session';

/** Client-side filters of loaded audit entries (the API filters by tenant and time). */
export interface AuditFilter {
  actor: string;
  action: string;
}

/** Entries matching the actor (user id, substring) and action (prefix, e.g. `limits`) filters. */
export function filterAudit(items: readonly AuditEntry[], f: AuditFilter): AuditEntry[] {
  const actor = f.actor.trim().toLowerCase();
  const action = f.action.trim().toLowerCase();
  return items.filter(
    (e) =>
      (!actor || (e.actor?.userId ?? '').toLowerCase().includes(actor)) &&
      (!action || (e.action ?? '').toLowerCase().startsWith(action)),
  );
}

const AUDIT_COLUMNS: readonly Column<AuditEntry>[] = [
  { id: 'when', header: 'When', cell: (e) => formatUtc(e.at) },
  {
    id: 'actor',
    header: 'Actor',
    cell: (e) => (
      <>
        {e.actor?.userId} <span className="muted">({e.actor?.tenantId})</span>
      </>
    ),
  },
  { id: 'action', header: 'Action', cell: (e) => <code>{e.action}</code> },
  { id: 'resource', header: 'Resource', cell: (e) => <code>{e.resource}</code> },
];

/** The audit entries as a table (memoized rows: thousands of entries re-render cheaply). */
export function AuditTable({ items }: { items: readonly AuditEntry[] }) {
  return (
    <DataTable
      caption="Audit entries"
      captionHidden
      columns={AUDIT_COLUMNS}
      rows={items}
      rowKey={(e) => e.sk ?? `${e.at}-${e.requestId}`}
      empty="No entries match."
    />
  );
}

/**
 * The audit log, oldest first, paged. Platform-admins pick any tenant (empty = platform changes such as tiers);
 * tenant-admins see their own tenant. Tenant and "since" are API filters; actor and action filter the loaded page.
 */
export default function AuditPage() {
  const { me, hasRole } = useSession();
  const platform = hasRole('platform-admin');
  const [draft, setDraft] = useState({ tenantId: platform ? '' : me.tenantId, since: '' });
  const [query, setQuery] = useState<{ tenantId?: string; since?: string }>(
    platform ? {} : { tenantId: me.tenantId },
  );
  const pages = useCursorPages();
  const [filter, setFilter] = useState<AuditFilter>({ actor: '', action: '' });
  const q = useAudit(query, pages.token);
  const events = useProductEvents();
  const shown = useMemo(() => filterAudit(q.data?.items ?? [], filter), [q.data, filter]);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const since = draft.since ? new Date(`${draft.since}Z`).toISOString() : undefined;
    setQuery({ tenantId: draft.tenantId.trim() || undefined, since });
    pages.reset();
    events.featureUsed('audit.filter');
  };
  return (
    <>
      <PageHeader title="Audit log" />
      <form className="toolbar filters" onSubmit={apply} aria-label="Audit query">
        {platform && (
          <Field label="Tenant id" hint="Empty = platform changes (tiers).">
            <input
              value={draft.tenantId}
              onChange={(e) => setDraft({ ...draft, tenantId: e.target.value })}
            />
          </Field>
        )}
        <Field label="Since (UTC)">
          <input
            type="datetime-local"
            value={draft.since}
            onChange={(e) => setDraft({ ...draft, since: e.target.value })}
          />
        </Field>
        <button type="submit">Apply</button>
      </form>
      <search className="toolbar filters" aria-label="Filter loaded entries">
        <Field label="Actor">
          <input value={filter.actor} onChange={(e) => setFilter({ ...filter, actor: e.target.value })} />
        </Field>
        <Field label="Action" hint="Prefix, e.g. limits, bypass, tenant.">
          <input value={filter.action} onChange={(e) => setFilter({ ...filter, action: e.target.value })} />
        </Field>
      </search>
      {q.error ? (
        <ApiErrorView error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data ? (
        <Loading label="Loading audit log" />
      ) : (
        <>
          <AuditTable items={shown} />
          <Pager label="Audit pages" pages={pages} nextToken={q.data.nextToken} />
        </>
      )}
    </>
  );
}
