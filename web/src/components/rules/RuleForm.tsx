import { type FormEvent, useState } from 'react';
import { LIMIT_CLASSES, type LimitClass } from '../../../../lib/config/routes';
import type { Rule } from '../../api/types';
import { Field } from '../Field';

/** What the form may change: `user-only` (tenant-admins: per-user, enforced rules) or every field. */
export type RuleFormMode = 'user-only' | 'full';

interface Draft {
  id: string;
  scope: 'tenant' | 'user';
  subject: string;
  kind: 'rate' | 'quota';
  limit: string;
  periodSec: string;
  burst: string;
  window: 'day' | 'month';
  limitClass: string;
  mode: 'enforce' | 'shadow';
}

function toDraft(r: Rule | undefined, mode: RuleFormMode): Draft {
  return {
    id: r?.id ?? '',
    scope: mode === 'user-only' ? 'user' : (r?.scope ?? 'tenant'),
    subject: r?.subject ?? '',
    kind: r?.kind ?? 'rate',
    limit: r ? String(r.limit) : '',
    periodSec: r?.kind === 'rate' ? String(r.periodSec) : '60',
    burst: r?.kind === 'rate' && r.burst ? String(r.burst) : '',
    window: r?.kind === 'quota' ? r.window : 'day',
    limitClass: r?.match?.limitClass ?? '',
    mode: r?.mode ?? 'enforce',
  };
}

/** Numbers are sent as typed (`Number('')` is 0, `Number('x')` NaN → JSON null): the API's 400 names the field. */
function num(s: string): number {
  return s.trim() === '' ? Number.NaN : Number(s);
}

function fromDraft(d: Draft, original: Rule | undefined): Rule {
  const common = {
    id: d.id.trim(),
    scope: d.scope,
    limit: num(d.limit),
    mode: d.mode,
    ...(d.scope === 'user' && d.subject.trim() ? { subject: d.subject.trim() } : {}),
    ...(d.limitClass
      ? { match: { limitClass: d.limitClass as LimitClass } }
      : original?.match?.route
        ? { match: { route: original.match.route } }
        : {}),
  };
  return (
    d.kind === 'rate'
      ? {
          ...common,
          kind: 'rate',
          periodSec: num(d.periodSec),
          ...(d.burst.trim() ? { burst: num(d.burst) } : {}),
        }
      : { ...common, kind: 'quota', window: d.window }
  ) as Rule;
}

/**
 * Add/edit form for one rule. `errors` maps field names (`id`, `limit`, `periodSec`, `subject`, `match.limitClass`,
 * … as in the API's `rules.<i>.<field>` paths) to messages placed on those fields.
 */
export function RuleForm({
  rule,
  mode,
  errors = {},
  busy = false,
  onSubmit,
  onCancel,
}: {
  rule?: Rule;
  mode: RuleFormMode;
  errors?: Record<string, string>;
  busy?: boolean;
  onSubmit: (rule: Rule) => void;
  onCancel: () => void;
}) {
  const [d, setD] = useState<Draft>(() => toDraft(rule, mode));
  const set =
    <K extends keyof Draft>(k: K) =>
    (e: { target: { value: string } }) =>
      setD({ ...d, [k]: e.target.value as Draft[K] });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(fromDraft(d, rule));
  };
  const other = [errors._rule, errors._other].filter(Boolean).join('; ');
  return (
    <form
      className="form"
      onSubmit={submit}
      noValidate
      aria-label={rule ? `Edit rule ${rule.id}` : 'New rule'}
    >
      <Field label="Rule id" hint="1–64 characters: letters, digits, . _ -" error={errors.id}>
        <input value={d.id} onChange={set('id')} />
      </Field>
      {mode === 'full' && (
        <Field label="Scope" error={errors.scope}>
          <select value={d.scope} onChange={set('scope')}>
            <option value="tenant">tenant (all users together)</option>
            <option value="user">user (each user, or one user)</option>
          </select>
        </Field>
      )}
      {d.scope === 'user' && (
        <Field
          label="User id"
          hint={
            mode === 'user-only' ? 'The user this limit applies to (Auth0 user id).' : 'Empty = every user.'
          }
          error={errors.subject}
        >
          <input value={d.subject} onChange={set('subject')} />
        </Field>
      )}
      <Field label="Kind" error={errors.kind}>
        <select value={d.kind} onChange={set('kind')}>
          <option value="rate">rate (requests per period)</option>
          <option value="quota">quota (requests per calendar day or month)</option>
        </select>
      </Field>
      <Field label="Limit (requests)" error={errors.limit}>
        <input inputMode="numeric" value={d.limit} onChange={set('limit')} />
      </Field>
      {d.kind === 'rate' ? (
        <>
          <Field label="Period (seconds)" error={errors.periodSec}>
            <input inputMode="numeric" value={d.periodSec} onChange={set('periodSec')} />
          </Field>
          <Field label="Burst (requests, optional)" error={errors.burst}>
            <input inputMode="numeric" value={d.burst} onChange={set('burst')} />
          </Field>
        </>
      ) : (
        <Field label="Window" error={errors.window}>
          <select value={d.window} onChange={set('window')}>
            <option value="day">day (UTC)</option>
            <option value="month">month (UTC)</option>
          </select>
        </Field>
      )}
      <Field label="Applies to" error={errors['match.limitClass'] ?? errors.match}>
        <select value={d.limitClass} onChange={set('limitClass')}>
          <option value="">every route{rule?.match?.route ? ` (keeps ${rule.match.route})` : ''}</option>
          {LIMIT_CLASSES.filter((c) => c !== 'none').map((c) => (
            <option key={c} value={c}>
              {c} routes
            </option>
          ))}
        </select>
      </Field>
      {mode === 'full' && (
        <Field label="Mode" hint="Shadow: evaluated and counted, never enforced." error={errors.mode}>
          <select value={d.mode} onChange={set('mode')}>
            <option value="enforce">enforce</option>
            <option value="shadow">shadow</option>
          </select>
        </Field>
      )}
      {other && (
        <p className="field-error" role="alert">
          {other}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save rule'}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
