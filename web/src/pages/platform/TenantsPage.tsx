import { type FormEvent, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { VERTICALS } from '../../../../lib/config/data-model';
import { TIERS } from '../../../../lib/config/tier-names';
import { useCreateTenant, useTenants } from '../../api/admin';
import { ApiError } from '../../api/errors';
import type { Tenant } from '../../api/types';
import { ApiErrorView } from '../../components/ApiErrorView';
import { type Column, DataTable } from '../../components/DataTable';
import { Field } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { Pager, useCursorPages } from '../../components/Pager';

function CreateTenantForm({ onDone }: { onDone: () => void }) {
  const create = useCreateTenant();
  const [v, setV] = useState({ tenantId: '', name: '', tier: 'standard', vertical: 'retail' });
  const err = create.error instanceof ApiError && create.error.status === 400 ? create.error : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(v, { onSuccess: onDone });
  };
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) =>
    setV({ ...v, [k]: e.target.value });
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="New tenant">
      <h2>New tenant</h2>
      <Field
        label="Tenant id"
        hint="Lower-case letters, digits and -, 2–64 characters."
        error={err?.fieldError('tenantId')}
      >
        <input value={v.tenantId} onChange={set('tenantId')} />
      </Field>
      <Field label="Name" error={err?.fieldError('name')}>
        <input value={v.name} onChange={set('name')} />
      </Field>
      <Field label="Tier" error={err?.fieldError('tier')}>
        <select value={v.tier} onChange={set('tier')}>
          {TIERS.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </Field>
      <Field label="Vertical" error={err?.fieldError('vertical')}>
        <select value={v.vertical} onChange={set('vertical')}>
          {VERTICALS.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </Field>
      {create.error && !err && <ApiErrorView error={create.error} />}
      <div className="actions">
        <button type="submit" disabled={create.isPending}>
          Create tenant
        </button>
        <button type="button" className="secondary" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

const TENANT_COLUMNS: readonly Column<Tenant>[] = [
  {
    id: 'tenant',
    header: 'Tenant',
    rowHeader: true,
    cell: (t) => <Link to={`/platform/tenants/${encodeURIComponent(t.tenantId)}`}>{t.tenantId}</Link>,
  },
  { id: 'name', header: 'Name', cell: (t) => t.name },
  { id: 'tier', header: 'Tier', cell: (t) => t.tier },
  { id: 'vertical', header: 'Vertical', cell: (t) => t.vertical },
  { id: 'status', header: 'Status', cell: (t) => t.status },
];

/** Platform-admin: tenants with search, filters (tier, vertical, status), paging, and creation. */
export default function TenantsPage() {
  const [filters, setFilters] = useState<{ tier?: string; vertical?: string; status?: string }>({});
  const pages = useCursorPages();
  const [search, setSearch] = useState('');
  const [creating, setCreating] = useState(false);
  const q = useTenants(filters, pages.token);
  const shown = useMemo(() => {
    const s = search.trim().toLowerCase();
    return (q.data?.items ?? []).filter(
      (t) => !s || t.tenantId.includes(s) || (t.name ?? '').toLowerCase().includes(s),
    );
  }, [q.data, search]);
  const setFilter = (k: 'tier' | 'vertical' | 'status') => (e: { target: { value: string } }) => {
    setFilters({ ...filters, [k]: e.target.value || undefined });
    pages.reset();
  };
  return (
    <>
      <PageHeader title="Tenants">
        <button type="button" onClick={() => setCreating(true)} disabled={creating}>
          New tenant
        </button>
      </PageHeader>
      {creating && <CreateTenantForm onDone={() => setCreating(false)} />}
      <search className="toolbar filters" aria-label="Tenants">
        <Field label="Search">
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </Field>
        <Field label="Tier">
          <select value={filters.tier ?? ''} onChange={setFilter('tier')}>
            <option value="">any</option>
            {TIERS.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </Field>
        <Field label="Vertical">
          <select value={filters.vertical ?? ''} onChange={setFilter('vertical')}>
            <option value="">any</option>
            {VERTICALS.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </Field>
        <Field label="Status">
          <select value={filters.status ?? ''} onChange={setFilter('status')}>
            <option value="">any</option>
            <option>active</option>
            <option>suspended</option>
          </select>
        </Field>
      </search>
      {q.error ? (
        <ApiErrorView error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data ? (
        <Loading label="Loading tenants" />
      ) : (
        <>
          <DataTable
            caption={`Tenants, page ${pages.page}`}
            captionHidden
            columns={TENANT_COLUMNS}
            rows={shown}
            rowKey={(t) => t.tenantId}
            empty="No tenants match."
          />
          <Pager label="Tenant pages" pages={pages} nextToken={q.data.nextToken} />
        </>
      )}
    </>
  );
}
