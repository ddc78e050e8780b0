import { useCallback, useState } from 'react';
import { useProductEvents } from '../../analytics/events-context';
import { useLimits, usePutLimits } from '../../api/admin';
import type { Rule } from '../../api/types';
import { ApiErrorView } from '../ApiErrorView';
import { ConfirmDialog } from '../ConfirmDialog';
import { Loading } from '../Loading';
import type { RuleFormMode } from './RuleForm';
import { RuleListControls } from './RuleListControls';
import { RulesTable } from './RulesTable';
import { useRuleListEditor } from './useRuleListEditor';

/**
 * A tenant's limit overrides with add/edit/remove, saved with `If-Match` (412 → conflict view with re-apply), and the
 * effective policy (tier rules ⊕ overrides). `user-only`: tenant-admins edit per-user rules only.
 */
export function LimitsEditor({ tenantId, mode }: { tenantId: string; mode: RuleFormMode }) {
  const q = useLimits(tenantId);
  const put = usePutLimits(tenantId);
  const events = useProductEvents();
  const [removing, setRemoving] = useState<Rule>();
  const overrides = q.data?.data.overrides ?? [];
  const editor = useRuleListEditor({
    rules: overrides,
    etag: q.data?.etag,
    save: async (rules, etag) => {
      const saved = await put.mutateAsync({ rules, etag });
      events.featureUsed('limits.edit');
      return saved;
    },
    reload: async () => {
      const r = await q.refetch();
      return r.data ? { rules: r.data.data.overrides, etag: r.data.etag } : undefined;
    },
  });
  const isEditable = useCallback((r: Rule) => mode === 'full' || (r.scope === 'user' && !!r.subject), [mode]);
  const onDelete = useCallback((r: Rule) => setRemoving(r), []);
  if (q.error) return <ApiErrorView error={q.error} onRetry={() => void q.refetch()} />;
  if (!q.data) return <Loading label="Loading limits" />;
  const limits = q.data.data;
  const shown = mode === 'full' ? overrides : overrides.filter((r) => r.scope === 'user' && r.subject);
  return (
    <div className="limits-editor">
      {!limits.tenantSpecificLimits && (
        <p className="notice warning">
          The <code>tenant_specific_limits</code> flag is off: overrides are stored but the tier defaults
          apply.
        </p>
      )}
      <RuleListControls
        editor={editor}
        current={overrides}
        version={limits.version}
        addLabel={mode === 'user-only' ? 'Add user limit' : 'Add rule'}
        mode={mode}
        onReload={() => void q.refetch()}
      />
      <RulesTable
        rules={shown}
        caption={mode === 'user-only' ? 'Per-user limits of your tenant' : `Overrides of ${tenantId}`}
        isEditable={isEditable}
        onEdit={editor.startEdit}
        onDelete={onDelete}
      />
      <RulesTable rules={limits.effective} caption={`Effective policy (tier ${limits.tier} ⊕ overrides)`} />
      {removing && (
        <ConfirmDialog
          title={`Remove rule ${removing.id}?`}
          confirmLabel="Remove"
          busy={editor.busy}
          onCancel={() => setRemoving(undefined)}
          onConfirm={() => {
            editor.submit({ kind: 'delete', id: removing.id });
            setRemoving(undefined);
          }}
        >
          <p>The limit stops applying within a second of saving.</p>
        </ConfirmDialog>
      )}
    </div>
  );
}
