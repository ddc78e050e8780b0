import { type FormEvent, useId, useState } from 'react';
import { useBypasses, useCreateBypass, useRevokeBypass } from '../api/admin';
import { ApiError } from '../api/errors';
import type { Bypass } from '../api/types';
import { formatDuration } from '../clock';
import { ApiErrorView } from './ApiErrorView';
import { useCountdown } from './Countdown';
import { Field } from './Field';
import { Loading } from './Loading';
import { TableScroll } from './TableScroll';

function TimeLeft({ bypass }: { bypass: Bypass }) {
  const left = useCountdown(Math.max(0, bypass.expiresAt - Math.floor(Date.now() / 1000)));
  return <>{left > 0 ? formatDuration(left) : 'expired'}</>;
}

/** TTL choices for an emergency bypass, seconds (the API allows 60 s … 24 h). */
const TTL_CHOICES = [
  [900, '15 minutes'],
  [3600, '1 hour'],
  [4 * 3600, '4 hours'],
  [24 * 3600, '24 hours'],
] as const;

/**
 * Emergency bypass of a tenant (platform-admin): create one (reason and expiry required; optionally one user),
 * list the active ones with time left, revoke.
 */
export function BypassPanel({ tenantId }: { tenantId: string }) {
  const list = useBypasses(tenantId);
  const create = useCreateBypass(tenantId);
  const revoke = useRevokeBypass(tenantId);
  const captionId = useId();
  const [userId, setUserId] = useState('');
  const [reason, setReason] = useState('');
  const [ttlSec, setTtlSec] = useState('900');
  const err = create.error instanceof ApiError && create.error.status === 400 ? create.error : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(
      { ...(userId.trim() ? { userId: userId.trim() } : {}), reason, ttlSec: Number(ttlSec) },
      {
        onSuccess: () => {
          setReason('');
          setUserId('');
        },
      },
    );
  };
  return (
    <section aria-labelledby="bypass-title">
      <h2 id="bypass-title">Emergency bypass</h2>
      <p className="muted">
        A bypass lifts every limit for the tenant (or one user) until it expires. It is audited.
      </p>
      <form className="form" onSubmit={submit} noValidate aria-label="New bypass">
        <Field label="User id (optional)" hint="Empty = the whole tenant." error={err?.fieldError('userId')}>
          <input value={userId} onChange={(e) => setUserId(e.target.value)} />
        </Field>
        <Field
          label="Reason"
          hint="Required: why limits are lifted (incident, ticket)."
          error={err?.fieldError('reason')}
        >
          <input value={reason} onChange={(e) => setReason(e.target.value)} />
        </Field>
        <Field label="Expires after" error={err?.fieldError('ttlSec')}>
          <select value={ttlSec} onChange={(e) => setTtlSec(e.target.value)}>
            {TTL_CHOICES.map(([s, label]) => (
              <option key={s} value={s}>
                {label}
              </option>
            ))}
          </select>
        </Field>
        {create.error && !err && <ApiErrorView error={create.error} />}
        <div className="actions">
          <button type="submit" disabled={create.isPending}>
            Grant bypass
          </button>
        </div>
      </form>
      {revoke.error && <ApiErrorView error={revoke.error} onRetry={() => revoke.reset()} />}
      {list.error ? (
        <ApiErrorView error={list.error} onRetry={() => void list.refetch()} />
      ) : !list.data ? (
        <Loading label="Loading bypasses" />
      ) : (
        <TableScroll captionId={captionId}>
          <table className="table">
            <caption id={captionId}>Active bypasses</caption>
            <thead>
              <tr>
                <th scope="col">Applies to</th>
                <th scope="col">Reason</th>
                <th scope="col">By</th>
                <th scope="col">Time left</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {(list.data.items ?? []).length === 0 ? (
                <tr>
                  <td colSpan={5}>No active bypass.</td>
                </tr>
              ) : (
                (list.data.items ?? []).map((b) => (
                  <tr key={b.bypassId}>
                    <td>{b.userId ? `user ${b.userId}` : 'whole tenant'}</td>
                    <td>{b.reason}</td>
                    <td>{b.createdBy}</td>
                    <td>
                      <TimeLeft bypass={b} />
                    </td>
                    <td>
                      <button
                        type="button"
                        className="danger"
                        onClick={() => revoke.mutate(b.bypassId)}
                        aria-label={`Revoke bypass ${b.bypassId}`}
                      >
                        Revoke
                      </button>
                    </td>
                  </tr>
                ))
              )}
            </tbody>
          </table>
        </TableScroll>
      )}
    </section>
  );
}
