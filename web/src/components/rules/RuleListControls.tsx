import type { Rule } from '../../api/types';
import { ApiErrorView } from '../ApiErrorView';
import { ConflictView } from './ConflictView';
import { RuleForm, type RuleFormMode } from './RuleForm';
import type { RuleListEditor } from './useRuleListEditor';

/** Props of {@link RuleListControls}. */
export interface RuleListControlsProps {
  editor: RuleListEditor;
  /** The list as loaded now (the conflict view compares against it). */
  current: readonly Rule[];
  /** Version of the list, shown next to the Add button. */
  version: number;
  /** Text of the Add button, e.g. "Add rule". */
  addLabel: string;
  mode: RuleFormMode;
  /** Reloads the list (the error view's Retry). */
  onReload: () => void;
}

/**
 * The editing controls of a rule list (tenant overrides, tier defaults): the 412 conflict view with re-apply, the
 * answer to a failed save, the Add button with the list's version, and the rule form while adding or editing.
 */
export function RuleListControls({
  editor,
  current,
  version,
  addLabel,
  mode,
  onReload,
}: RuleListControlsProps) {
  return (
    <>
      {editor.conflict && (
        <ConflictView
          base={editor.conflict.base}
          current={current}
          change={editor.conflict.change}
          busy={editor.busy}
          onReapply={editor.reapply}
          onDiscard={editor.discard}
        />
      )}
      {editor.error !== undefined && <ApiErrorView error={editor.error} onRetry={onReload} />}
      <div className="toolbar">
        <button type="button" onClick={editor.startAdd} disabled={editor.editing !== undefined}>
          {addLabel}
        </button>
        <span className="muted">Version {version}</span>
      </div>
      {editor.editing !== undefined && (
        <RuleForm
          key={editor.editing?.id ?? 'new'}
          rule={editor.editing ?? undefined}
          mode={mode}
          errors={editor.fieldErrors}
          busy={editor.busy}
          onCancel={editor.cancel}
          onSubmit={(rule) => editor.submit({ kind: 'upsert', rule, replaces: editor.editing?.id })}
        />
      )}
    </>
  );
}
