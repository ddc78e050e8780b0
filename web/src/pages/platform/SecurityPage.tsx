import { useState } from 'react';
import { Link } from 'react-router';
import { ApiError } from '../../api/errors';
import {
  type BlockView,
  type ClampView,
  type SecurityEvent,
  type SecuritySummary,
  useLiftClamp,
  useSecurityOverview,
  useUnblock,
} from '../../api/security';
import { formatDuration, secondsUntil } from '../../clock';
import { ApiErrorView } from '../../components/ApiErrorView';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Field } from '../../components/Field';
import { formatUtc } from '../../components/format';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';

/** "12 min 5 s" until an ISO time, or "expired". */
function timeLeft(iso: string): string {
  const s = secondsUntil(Date.parse(iso));
  return s > 0 ? formatDuration(s) : 'expired';
}

/** `{ a: 2, b: 1 }` as table rows, most first. */
function countRows(counts: Record<string, number>): [string, number][] {
  return Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function Figures({ summary, blocks, clamps }: { summary: SecuritySummary; blocks: number; clamps: number }) {
  const reasons = countRows(summary.authFailuresByReason);
  const bands = ['high', 'medium', 'low'].map((b) => `${b} ${summary.findingsByBand[b] ?? 0}`).join(' · ');
  return (
    <section aria-labelledby="figures-title">
      <h2 id="figures-title">Figures</h2>
      <p className="muted">
        Over the {summary.window.events} most recent security events
        {summary.window.since ? ` (since ${formatUtc(summary.window.since)})` : ''}; the CloudWatch security
        dashboard has the full series.
      </p>
      <dl className="cards figures">
        <div className="card">
          <dt>Active blocks</dt>
          <dd>{blocks}</dd>
        </div>
        <div className="card">
          <dt>Tenant clamps</dt>
          <dd>{clamps}</dd>
        </div>
        <div className="card">
          <dt>GuardDuty findings</dt>
          <dd>{bands}</dd>
        </div>
        <div className="card">
          <dt>Anomalies</dt>
          <dd>{summary.anomalies}</dd>
        </div>
      </dl>
      <div className="split">
        <table className="table">
          <caption>Refusals by reason</caption>
          <thead>
            <tr>
              <th scope="col">Reason</th>
              <th scope="col">Count</th>
            </tr>
          </thead>
          <tbody>
            {reasons.length === 0 ? (
              <tr>
                <td colSpan={2}>No refusal.</td>
              </tr>
            ) : (
              reasons.map(([reason, n]) => (
                <tr key={reason}>
                  <td>{reason}</td>
                  <td>{n}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
        <table className="table">
          <caption>Top source addresses of refusals</caption>
          <thead>
            <tr>
              <th scope="col">Address</th>
              <th scope="col">Count</th>
            </tr>
          </thead>
          <tbody>
            {summary.topSourceIps.length === 0 ? (
              <tr>
                <td colSpan={2}>None.</td>
              </tr>
            ) : (
              summary.topSourceIps.map((r) => (
                <tr key={r.ip}>
                  <td>{r.ip}</td>
                  <td>{r.count}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function UnblockDialog({ block, onClose }: { block: BlockView; onClose: (message?: string) => void }) {
  const unblock = useUnblock();
  const [reason, setReason] = useState('');
  const err = unblock.error instanceof ApiError && unblock.error.status === 400 ? unblock.error : undefined;
  return (
    <ConfirmDialog
      title={`Unblock ${block.cidr}?`}
      confirmLabel="Unblock"
      busy={unblock.isPending}
      onCancel={() => onClose()}
      onConfirm={() =>
        unblock.mutate(
          { cidr: block.cidr, reason },
          {
            onSuccess: () =>
              onClose(`Unblock of ${block.cidr} requested: the responder lifts it in seconds.`),
          },
        )
      }
    >
      <p>The address is served again at once. The request is audited under your name.</p>
      <Field label="Reason" hint="Required: why the block is lifted early." error={err?.fieldError('reason')}>
        <input value={reason} onChange={(e) => setReason(e.target.value)} />
      </Field>
      {unblock.error && !err && <ApiErrorView error={unblock.error} />}
    </ConfirmDialog>
  );
}

function Blocks({ blocks, onMessage }: { blocks: BlockView[]; onMessage: (m: string) => void }) {
  const [target, setTarget] = useState<BlockView>();
  return (
    <section aria-labelledby="blocks-title">
      <h2 id="blocks-title">Active IP blocks</h2>
      <table className="table">
        <caption>Addresses in the WAF IP sets, soonest expiry first</caption>
        <thead>
          <tr>
            <th scope="col">Address</th>
            <th scope="col">Source</th>
            <th scope="col">Severity</th>
            <th scope="col">Reason</th>
            <th scope="col">Expires</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {blocks.length === 0 ? (
            <tr>
              <td colSpan={6}>No active block.</td>
            </tr>
          ) : (
            blocks.map((b) => (
              <tr key={b.cidr}>
                <td>{b.cidr}</td>
                <td>{b.source}</td>
                <td>{b.severity}</td>
                <td>{b.reason}</td>
                <td>
                  <time dateTime={b.expiresAt}>{formatUtc(b.expiresAt)}</time> ({timeLeft(b.expiresAt)})
                </td>
                <td>
                  <button
                    type="button"
                    className="danger"
                    onClick={() => setTarget(b)}
                    aria-label={`Unblock ${b.cidr}`}
                  >
                    Unblock
                  </button>
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      {target && (
        <UnblockDialog
          block={target}
          onClose={(m) => {
            setTarget(undefined);
            if (m) onMessage(m);
          }}
        />
      )}
    </section>
  );
}

function Clamps({ clamps, onMessage }: { clamps: ClampView[]; onMessage: (m: string) => void }) {
  const lift = useLiftClamp();
  const [target, setTarget] = useState<ClampView>();
  return (
    <section aria-labelledby="clamps-title">
      <h2 id="clamps-title">Tenant clamps</h2>
      {lift.error && <ApiErrorView error={lift.error} onRetry={() => lift.reset()} />}
      <table className="table">
        <caption>Emergency limits applied by the responder</caption>
        <thead>
          <tr>
            <th scope="col">Tenant</th>
            <th scope="col">Reason</th>
            <th scope="col">Since</th>
            <th scope="col">Expires</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {clamps.length === 0 ? (
            <tr>
              <td colSpan={5}>No tenant is clamped.</td>
            </tr>
          ) : (
            clamps.map((c) => (
              <tr key={c.tenantId}>
                <td>
                  <Link to={`/platform/tenants/${encodeURIComponent(c.tenantId)}`}>{c.tenantId}</Link>
                </td>
                <td>{c.reason}</td>
                <td>
                  <time dateTime={c.clampedAt}>{formatUtc(c.clampedAt)}</time>
                </td>
                <td>
                  <time dateTime={c.expiresAt}>{formatUtc(c.expiresAt)}</time> ({timeLeft(c.expiresAt)})
                </td>
                <td>
                  <button
                    type="button"
                    className="danger"
                    onClick={() => setTarget(c)}
                    aria-label={`Lift clamp of ${c.tenantId}`}
                  >
                    Lift clamp
                  </button>
                </td>
              </tr>
            ))
          )}
        </tbody>
      </table>
      {target && (
        <ConfirmDialog
          title={`Lift the clamp of ${target.tenantId}?`}
          confirmLabel="Lift clamp"
          busy={lift.isPending}
          onCancel={() => setTarget(undefined)}
          onConfirm={() =>
            lift.mutate(target.tenantId, {
              onSettled: () => setTarget(undefined),
              onSuccess: () => onMessage(`Lifting the clamp of ${target.tenantId} requested.`),
            })
          }
        >
          <p>Its earlier limits come back, unless someone changed them since the clamp. It is audited.</p>
        </ConfirmDialog>
      )}
    </section>
  );
}

function Events({ events }: { events: SecurityEvent[] }) {
  return (
    <section aria-labelledby="events-title">
      <h2 id="events-title">Recent security events</h2>
      <table className="table">
        <caption>Newest first (allowed requests are not listed)</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Type</th>
            <th scope="col">Outcome</th>
            <th scope="col">Reason</th>
            <th scope="col">Tenant</th>
            <th scope="col">Principal</th>
            <th scope="col">Source address</th>
            <th scope="col">Route</th>
          </tr>
        </thead>
        <tbody>
          {events.length === 0 ? (
            <tr>
              <td colSpan={8}>No security event yet.</td>
            </tr>
          ) : (
            events.map((e, i) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: events have no id and identical ones may repeat; rows hold no state and the list is replaced whole on each refresh.
              <tr key={`${e.time}-${e.requestId}-${i}`}>
                <td>
                  <time dateTime={e.time}>{formatUtc(e.time)}</time>
                </td>
                <td>{e.type}</td>
                <td>{e.outcome}</td>
                <td>{e.reason}</td>
                <td>{e.tenantId}</td>
                <td>{e.principal}</td>
                <td>{e.sourceIp}</td>
                <td>{e.route}</td>
              </tr>
            ))
          )}
        </tbody>
      </table>
    </section>
  );
}

/**
 * Platform-admin: security monitoring (docs/security-runbooks.md) — the figures of the recent security events, the
 * responder's active IP blocks and tenant clamps with their expiry, and early lifts (audited; the responder acts).
 * Refreshed every few seconds.
 */
export default function SecurityPage() {
  const q = useSecurityOverview();
  const [message, setMessage] = useState('');
  return (
    <>
      <PageHeader title="Security">
        <button type="button" className="secondary" onClick={() => void q.refetch()}>
          Refresh
        </button>
      </PageHeader>
      <p role="status" className="muted">
        {message}
      </p>
      {q.error ? (
        <ApiErrorView error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data ? (
        <Loading label="Loading security overview" />
      ) : (
        <>
          <Figures summary={q.data.summary} blocks={q.data.blocks.length} clamps={q.data.clamps.length} />
          <Blocks blocks={q.data.blocks} onMessage={setMessage} />
          <Clamps clamps={q.data.clamps} onMessage={setMessage} />
          <Events events={q.data.events} />
        </>
      )}
    </>
  );
}
