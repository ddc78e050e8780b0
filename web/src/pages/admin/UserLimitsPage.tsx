import { PageHeader } from '../../components/PageHeader';
import { LimitsEditor } from '../../components/rules/LimitsEditor';
import { useSession } from '../../session/session';

/** Tenant-admin: per-user limit overrides of the caller's own tenant. */
export default function UserLimitsPage() {
  const { me } = useSession();
  return (
    <>
      <PageHeader title="User limits" />
      <p className="muted">
        Per-user limits for <strong>{me.tenantId}</strong>, by user id (users themselves are managed in your
        identity provider). A user limit cannot exceed your tenant's own limits.
      </p>
      <LimitsEditor
        tenantId={me.tenantId}
        mode={me.roles.includes('platform-admin') ? 'full' : 'user-only'}
      />
    </>
  );
}
