import { useCallback, useState } from 'react';
import { ApiError } from '../../api/errors';
import type { Rule } from '../../api/types';
import { applyChange, changedIndex, type RuleChange, ruleFieldErrors } from './rule-change';

/** State of a rule-list editor with optimistic concurrency. */
export interface RuleListEditor {
  /** The rule being edited (`null` = a new rule), or `undefined` when the form is closed. */
  editing: Rule | null | undefined;
  /** Field errors of the last rejected save, for the form. */
  fieldErrors: Record<string, string>;
  /** A 412: the list the user edited, and the change to re-apply. */
  conflict?: { base: Rule[]; change: RuleChange };
  /** Any other failed save (shown with its human answer). */
  error?: unknown;
  busy: boolean;
  startAdd(): void;
  startEdit(rule: Rule): void;
  cancel(): void;
  /** Saves a change on top of `rules` (the loaded list) with `etag`. */
  submit(change: RuleChange): void;
  /** After a 412: applies the pending change on top of the reloaded list. */
  reapply(): void;
  discard(): void;
}

/**
 * The save flow shared by tenant limits and tier policies: apply one change to the loaded list, PUT it with
 * `If-Match`; on 412 reload (`reload()` returns the fresh list and ETag) and keep the change for re-applying; on
 * 400/403 place `rules.<i>.<field>` errors on the form.
 * @param save performs the PUT; rejects with {@link ApiError}
 */
export function useRuleListEditor(opts: {
  rules: Rule[];
  etag: string | undefined;
  save: (rules: Rule[], etag: string | undefined) => Promise<unknown>;
  reload: () => Promise<{ rules: Rule[]; etag: string | undefined } | undefined>;
}): RuleListEditor {
  const [editing, setEditing] = useState<Rule | null | undefined>(undefined);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [conflict, setConflict] = useState<{ base: Rule[]; change: RuleChange }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const { rules, etag, save, reload } = opts;

  const run = useCallback(
    async (base: Rule[], baseEtag: string | undefined, change: RuleChange) => {
      const sent = applyChange(base, change);
      setBusy(true);
      setError(undefined);
      try {
        await save(sent, baseEtag);
        setEditing(undefined);
        setFieldErrors({});
        setConflict(undefined);
      } catch (e) {
        if (e instanceof ApiError && e.status === 412) {
          await reload();
          setConflict({ base, change });
          setEditing(undefined);
        } else if (
          e instanceof ApiError &&
          (e.status === 400 || e.status === 403) &&
          e.problem.errors.length > 0
        ) {
          setFieldErrors(ruleFieldErrors(e.problem.errors, changedIndex(sent, change)));
          if (change.kind === 'delete') setError(e);
        } else {
          setError(e);
        }
      } finally {
        setBusy(false);
      }
    },
    [save, reload],
  );

  return {
    editing,
    fieldErrors,
    conflict,
    error,
    busy,
    startAdd: useCallback(() => {
      setEditing(null);
      setFieldErrors({});
    }, []),
    startEdit: useCallback((r: Rule) => {
      setEditing(r);
      setFieldErrors({});
    }, []),
    cancel: () => {
      setEditing(undefined);
      setFieldErrors({});
    },
    submit: (change) => void run(rules, etag, change),
    reapply: () => {
      if (conflict) void run(rules, etag, conflict.change);
    },
    discard: () => setConflict(undefined),
  };
}
