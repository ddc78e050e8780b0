import { useMemo, useState } from 'react';
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
import { type Column, DataTable } from '../../components/DataTable';
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

/** An expiry time and what is left of it: "2026-… (12 min 5 s)". */
function Expiry({ iso }: { iso: string }) {
  return (
    <>
      <time dateTime={iso}>{formatUtc(iso)}</time> ({timeLeft(iso)})
    </>
  );
}

/** A column of one danger button per row (visually unlabelled header "Actions"). */
function actionColumn<T>(text: string, name: (row: T) => string, onClick: (row: T) => void): Column<T> {
  return {
    id: 'actions',
    header: 'Actions',
    headerHidden: true,
    cell: (r) => (
      <button type="button" className="danger" onClick={() => onClick(r)} aria-label={name(r)}>
        {text}
      </button>
    ),
  };
}

const REASON_COLUMNS: readonly Column<[string, number]>[] = [
  { id: 'reason', header: 'Reason', cell: ([reason]) => reason },
  { id: 'count', header: 'Count', cell: ([, n]) => n },
];

const SOURCE_COLUMNS: readonly Column<SecuritySummary['topSourceIps'][number]>[] = [
  { id: 'address', header: 'Address', cell: (r) => r.ip },
  { id: 'count', header: 'Count', cell: (r) => r.count },
];

const EVENT_COLUMNS: readonly Column<SecurityEvent>[] = [
  { id: 'time', header: 'Time', cell: (e) => <time dateTime={e.time}>{formatUtc(e.time)}</time> },
  { id: 'type', header: 'Type', cell: (e) => e.type },
  { id: 'outcome', header: 'Outcome', cell: (e) => e.outcome },
  { id: 'reason', header: 'Reason', cell: (e) => e.reason },
  { id: 'tenant', header: 'Tenant', cell: (e) => e.tenantId },
  { id: 'principal', header: 'Principal', cell: (e) => e.principal },
  { id: 'source', header: 'Source address', cell: (e) => e.sourceIp },
  { id: 'route', header: 'Route', cell: (e) => e.route },
];

/** What the figures cover: the newest events the API read (none, one, or N since a time), and where the rest is. */
function windowText(window: SecuritySummary['window']): string {
  const rest = 'the CloudWatch security dashboard has the full series.';
  if (window.events === 0) return `No security event recorded yet; ${rest}`;
  const since = window.since ? ` (since ${formatUtc(window.since)})` : '';
  const what =
    window.events === 1 ? 'the one security event' : `the ${window.events} most recent security events`;
  return `Over ${what}${since}; ${rest}`;
}

function Figures({ summary, blocks, clamps }: { summary: SecuritySummary; blocks: number; clamps: number }) {
  const reasons = countRows(summary.authFailuresByReason);
  const bands = ['high', 'medium', 'low'].map((b) => `${b} ${summary.findingsByBand[b] ?? 0}`).join(' · ');
  return (
    <section aria-labelledby="figures-title">
      <h2 id="figures-title">Figures</h2>
      <p className="muted">{windowText(summary.window)}</p>
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
        <DataTable
          caption="Refusals by reason"
          columns={REASON_COLUMNS}
          rows={reasons}
          rowKey={([reason]) => reason}
          empty="No refusal."
        />
        <DataTable
          caption="Top source addresses of refusals"
          columns={SOURCE_COLUMNS}
          rows={summary.topSourceIps}
          rowKey={(r) => r.ip}
          empty="None."
        />
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
  const columns = useMemo<Column<BlockView>[]>(
    () => [
      { id: 'address', header: 'Address', cell: (b) => b.cidr },
      { id: 'source', header: 'Source', cell: (b) => b.source },
      { id: 'severity', header: 'Severity', cell: (b) => b.severity },
      { id: 'reason', header: 'Reason', cell: (b) => b.reason },
      { id: 'expires', header: 'Expires', cell: (b) => <Expiry iso={b.expiresAt} /> },
      actionColumn<BlockView>('Unblock', (b) => `Unblock ${b.cidr}`, setTarget),
    ],
    [],
  );
  return (
    <section aria-labelledby="blocks-title">
      <h2 id="blocks-title">Active IP blocks</h2>
      <DataTable
        caption="Addresses in the WAF IP sets, soonest expiry first"
        columns={columns}
        rows={blocks}
        rowKey={(b) => b.cidr}
        empty="No active block."
      />
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
  const columns = useMemo<Column<ClampView>[]>(
    () => [
      {
        id: 'tenant',
        header: 'Tenant',
        cell: (c) => <Link to={`/platform/tenants/${encodeURIComponent(c.tenantId)}`}>{c.tenantId}</Link>,
      },
      { id: 'reason', header: 'Reason', cell: (c) => c.reason },
      {
        id: 'since',
        header: 'Since',
        cell: (c) => <time dateTime={c.clampedAt}>{formatUtc(c.clampedAt)}</time>,
      },
      { id: 'expires', header: 'Expires', cell: (c) => <Expiry iso={c.expiresAt} /> },
      actionColumn<ClampView>('Lift clamp', (c) => `Lift clamp of ${c.tenantId}`, setTarget),
    ],
    [],
  );
  return (
    <section aria-labelledby="clamps-title">
      <h2 id="clamps-title">Tenant clamps</h2>
      {lift.error && <ApiErrorView error={lift.error} onRetry={() => lift.reset()} />}
      <DataTable
        caption="Emergency limits applied by the responder"
        columns={columns}
        rows={clamps}
        rowKey={(c) => c.tenantId}
        empty="No tenant is clamped."
      />
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
      <DataTable
        caption="Newest first (allowed requests are not listed)"
        columns={EVENT_COLUMNS}
        rows={events}
        // Events have no id and identical ones may repeat; rows hold no state and the list is replaced whole.
        rowKey={(e, i) => `${e.time}-${e.requestId}-${i}`}
        empty="No security event yet."
      />
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
