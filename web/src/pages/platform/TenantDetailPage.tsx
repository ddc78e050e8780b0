import { type FormEvent, useState } from 'react';
import { Link, useParams } from 'react-router';
import { LOGO_DATA_URI_MAX_BYTES } from '../../../../lib/config/branding';
import { TIERS } from '../../../../lib/config/tier-names';
import { type TenantPatch, usePatchTenant, useTenant } from '../../api/admin';
import { ApiError } from '../../api/errors';
import type { Tenant } from '../../api/types';
import { ApiErrorView } from '../../components/ApiErrorView';
import { BypassPanel } from '../../components/BypassPanel';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Field } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { LimitsEditor } from '../../components/rules/LimitsEditor';

function Overview({ tenant, etag }: { tenant: Tenant; etag: string | undefined }) {
  const patch = usePatchTenant(tenant.tenantId);
  const [tier, setTier] = useState<string>(tenant.tier);
  const [confirm, setConfirm] = useState(false);
  const [brand, setBrand] = useState({
    displayName: tenant.branding?.displayName ?? '',
    primaryColor: tenant.branding?.primaryColor ?? '',
    logoUrl: tenant.branding?.logoUrl ?? '',
  });
  const err = patch.error instanceof ApiError && patch.error.status === 400 ? patch.error : undefined;
  const send = (p: TenantPatch) => patch.mutate({ patch: p, etag });
  const suspended = tenant.status === 'suspended';
  const saveBrand = (e: FormEvent) => {
    e.preventDefault();
    const b = Object.fromEntries(Object.entries(brand).filter(([, v]) => v.trim() !== ''));
    send({ branding: Object.keys(b).length > 0 ? b : null });
  };
  return (
    <section aria-labelledby="overview-title">
      <h2 id="overview-title">Overview</h2>
      <p>
        {tenant.name} · vertical {tenant.vertical} · status <strong>{tenant.status}</strong> · version{' '}
        {tenant.version}
      </p>
      {patch.error && !err && <ApiErrorView error={patch.error} onRetry={() => patch.reset()} />}
      <form
        className="toolbar"
        aria-label="Tier"
        onSubmit={(e) => {
          e.preventDefault();
          send({ tier });
        }}
      >
        <Field label="Tier" error={err?.fieldError('tier')}>
          <select value={tier} onChange={(e) => setTier(e.target.value)}>
            {TIERS.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </Field>
        <button type="submit" disabled={tier === tenant.tier || patch.isPending}>
          Change tier
        </button>
        <button type="button" className={suspended ? '' : 'danger'} onClick={() => setConfirm(true)}>
          {suspended ? 'Reactivate tenant' : 'Suspend tenant'}
        </button>
      </form>
      <form className="form" aria-label="Branding" onSubmit={saveBrand} noValidate>
        <h3>Branding</h3>
        <Field
          label="Display name"
          hint={`Shown in the console header; empty = the tenant name (${tenant.name})`}
          error={err?.fieldError('branding.displayName')}
        >
          <input
            placeholder={tenant.name}
            value={brand.displayName}
            onChange={(e) => setBrand({ ...brand, displayName: e.target.value })}
          />
        </Field>
        <Field label="Primary colour" hint="#RRGGBB" error={err?.fieldError('branding.primaryColor')}>
          <input
            value={brand.primaryColor}
            onChange={(e) => setBrand({ ...brand, primaryColor: e.target.value })}
          />
        </Field>
        <Field
          label="Logo URL"
          hint={`https URL, or a PNG/JPEG/WebP/GIF data: URI of at most ${LOGO_DATA_URI_MAX_BYTES / 1024} KiB`}
          error={err?.fieldError('branding.logoUrl')}
        >
          <input value={brand.logoUrl} onChange={(e) => setBrand({ ...brand, logoUrl: e.target.value })} />
        </Field>
        <div className="actions">
          <button type="submit" disabled={patch.isPending}>
            Save branding
          </button>
        </div>
      </form>
      {confirm && (
        <ConfirmDialog
          title={suspended ? `Reactivate ${tenant.tenantId}?` : `Suspend ${tenant.tenantId}?`}
          confirmLabel={suspended ? 'Reactivate' : 'Suspend'}
          busy={patch.isPending}
          onCancel={() => setConfirm(false)}
          onConfirm={() => {
            send({ status: suspended ? 'active' : 'suspended' });
            setConfirm(false);
          }}
        >
          <p>
            {suspended
              ? 'Its users and API key work again.'
              : 'Every request of its users and services is denied until it is reactivated.'}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** Platform-admin: one tenant — tier, status, branding, limits editor, emergency bypass. */
export default function TenantDetailPage() {
  const { tenantId = '' } = useParams();
  const q = useTenant(tenantId);
  return (
    <>
      <PageHeader title={`Tenant ${tenantId}`}>
        <Link to={`/platform/usage?tenant=${encodeURIComponent(tenantId)}`}>Live usage</Link>
      </PageHeader>
      {q.error ? (
        <ApiErrorView error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data ? (
        <Loading label="Loading tenant" />
      ) : (
        <>
          <Overview key={q.data.etag} tenant={q.data.data} etag={q.data.etag} />
          <section aria-labelledby="limits-title">
            <h2 id="limits-title">Limits</h2>
            <LimitsEditor tenantId={tenantId} mode="full" />
          </section>
          <BypassPanel tenantId={tenantId} />
        </>
      )}
    </>
  );
}
