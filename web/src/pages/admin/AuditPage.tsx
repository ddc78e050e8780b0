import { type FormEvent, memo, useMemo, useState } from 'react';
import { useAudit } from '../../api/admin';
import type { AuditEntry } from '../../api/types';
import { ApiErrorView } from '../../components/ApiErrorView';
import { Field } from '../../components/Field';
import { formatUtc } from '../../components/format';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
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

const AuditRow = memo(function AuditRow({ e }: { e: AuditEntry }) {
  return (
    <tr>
      <td>{formatUtc(e.at)}</td>
      <td>
        {e.actor?.userId} <span className="muted">({e.actor?.tenantId})</span>
      </td>
      <td>
        <code>{e.action}</code>
      </td>
      <td>
        <code>{e.resource}</code>
      </td>
    </tr>
  );
});

/** The audit entries as a table (memoized rows: thousands of entries re-render cheaply). */
export function AuditTable({ items }: { items: readonly AuditEntry[] }) {
  return (
    <table className="table">
      <caption className="sr-only">Audit entries</caption>
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Actor</th>
          <th scope="col">Action</th>
          <th scope="col">Resource</th>
        </tr>
      </thead>
      <tbody>
        {items.length === 0 ? (
          <tr>
            <td colSpan={4}>No entries match.</td>
          </tr>
        ) : (
          items.map((e) => <AuditRow key={e.sk ?? `${e.at}-${e.requestId}`} e={e} />)
        )}
      </tbody>
    </table>
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
  const [tokens, setTokens] = useState<(string | undefined)[]>([undefined]);
  const [filter, setFilter] = useState<AuditFilter>({ actor: '', action: '' });
  const q = useAudit(query, tokens[tokens.length - 1]);
  const shown = useMemo(() => filterAudit(q.data?.items ?? [], filter), [q.data, filter]);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    const since = draft.since ? new Date(`${draft.since}Z`).toISOString() : undefined;
    setQuery({ tenantId: draft.tenantId.trim() || undefined, since });
    setTokens([undefined]);
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
          <nav className="pager" aria-label="Audit pages">
            <button
              type="button"
              disabled={tokens.length === 1}
              onClick={() => setTokens((t) => t.slice(0, -1))}
            >
              Previous page
            </button>
            <span>Page {tokens.length}</span>
            <button
              type="button"
              disabled={!q.data.nextToken}
              onClick={() => setTokens((t) => [...t, q.data?.nextToken])}
            >
              Next page
            </button>
          </nav>
        </>
      )}
    </>
  );
}
