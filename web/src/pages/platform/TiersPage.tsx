import { type FormEvent, useState } from 'react';
import { TIERS } from '../../../../lib/config/tier-names';
import { usePutTier, useTier } from '../../api/admin';
import { ApiError } from '../../api/errors';
import type { TierPolicy } from '../../api/types';
import { ApiErrorView } from '../../components/ApiErrorView';
import { Field } from '../../components/Field';
import { Loading } from '../../components/Loading';
import { PageHeader } from '../../components/PageHeader';
import { RuleListControls } from '../../components/rules/RuleListControls';
import { RulesTable } from '../../components/rules/RulesTable';
import { useRuleListEditor } from '../../components/rules/useRuleListEditor';

function UsagePlanForm({ tier, etag }: { tier: TierPolicy; etag: string | undefined }) {
  const put = usePutTier(tier.tier);
  const [p, setP] = useState({
    rateLimit: String(tier.usagePlan.rateLimit),
    burstLimit: String(tier.usagePlan.burstLimit),
    quotaPerDay: String(tier.usagePlan.quotaPerDay),
  });
  const err = put.error instanceof ApiError && put.error.status === 400 ? put.error : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    put.mutate({
      rules: tier.rules,
      etag,
      usagePlan: {
        rateLimit: Number(p.rateLimit),
        burstLimit: Number(p.burstLimit),
        quotaPerDay: Number(p.quotaPerDay),
      },
    });
  };
  const set = (k: keyof typeof p) => (e: { target: { value: string } }) =>
    setP({ ...p, [k]: e.target.value });
  return (
    <form className="form" onSubmit={submit} noValidate aria-label="Usage plan">
      <h2>Usage plan (API Gateway)</h2>
      <Field label="Rate (requests per second)" error={err?.fieldError('usagePlan.rateLimit')}>
        <input inputMode="decimal" value={p.rateLimit} onChange={set('rateLimit')} />
      </Field>
      <Field label="Burst (requests)" error={err?.fieldError('usagePlan.burstLimit')}>
        <input inputMode="numeric" value={p.burstLimit} onChange={set('burstLimit')} />
      </Field>
      <Field label="Quota per day" error={err?.fieldError('usagePlan.quotaPerDay')}>
        <input inputMode="numeric" value={p.quotaPerDay} onChange={set('quotaPerDay')} />
      </Field>
      {put.error && !err && <ApiErrorView error={put.error} onRetry={() => put.reset()} />}
      <div className="actions">
        <button type="submit" disabled={put.isPending}>
          Save usage plan
        </button>
      </div>
    </form>
  );
}

function TierEditor({ tierName }: { tierName: string }) {
  const q = useTier(tierName);
  const put = usePutTier(tierName);
  const tier = q.data?.data;
  const editor = useRuleListEditor({
    rules: tier?.rules ?? [],
    etag: q.data?.etag,
    save: (rules, etag) =>
      put.mutateAsync({
        rules,
        etag,
        usagePlan: tier?.usagePlan ?? { rateLimit: 1, burstLimit: 1, quotaPerDay: 1 },
      }),
    reload: async () => {
      const r = await q.refetch();
      return r.data ? { rules: r.data.data.rules, etag: r.data.etag } : undefined;
    },
  });
  if (q.error) return <ApiErrorView error={q.error} onRetry={() => void q.refetch()} />;
  if (!tier) return <Loading label="Loading tier" />;
  return (
    <>
      <RuleListControls
        editor={editor}
        current={tier.rules}
        version={tier.version}
        addLabel="Add rule"
        mode="full"
        onReload={() => void q.refetch()}
      />
      <RulesTable
        rules={tier.rules}
        caption={`Default rules of the ${tier.tier} tier`}
        isEditable={() => true}
        onEdit={editor.startEdit}
        onDelete={(r) => editor.submit({ kind: 'delete', id: r.id })}
      />
      <UsagePlanForm key={q.data?.etag} tier={tier} etag={q.data?.etag} />
    </>
  );
}

/** Platform-admin: the default limit policy and usage plan of each tier. */
export default function TiersPage() {
  const [tier, setTier] = useState<string>('standard');
  return (
    <>
      <PageHeader title="Tiers" />
      <div className="toolbar">
        <Field label="Tier">
          <select value={tier} onChange={(e) => setTier(e.target.value)}>
            {TIERS.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </Field>
      </div>
      <TierEditor key={tier} tierName={tier} />
    </>
  );
}
