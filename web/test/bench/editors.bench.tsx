/**
 * Re-render cost of the two heaviest console views (issue #12): the limits table with 1,000 rules and the audit log
 * with 5,000 entries, in jsdom. Run: `npm run bench:web` (figures and budgets in docs/testing.md).
 */
import { act, render } from '@testing-library/react';
import { bench, describe } from 'vitest';
import type { AuditEntry, Rule } from '../../src/api/types';
import { RulesTable } from '../../src/components/rules/RulesTable';
import { AuditTable, filterAudit } from '../../src/pages/admin/AuditPage';
import { makeAuditEntry, makeRules } from '../factories';

const rules: Rule[] = makeRules(1000);
const audit: AuditEntry[] = Array.from({ length: 5000 }, (_, i) =>
  makeAuditEntry({ action: i % 2 ? 'limits.update' : 'bypass.create' }),
);
const editable = () => true;
const noop = () => undefined;

describe('limits editor, 1,000 rules', () => {
  let view: ReturnType<typeof render> | undefined;
  let n = 0;
  bench(
    're-render after editing one rule (memoized rows)',
    () => {
      n += 1;
      const next = rules.map((r, i) => (i === 500 ? { ...r, limit: n } : r));
      act(() =>
        view?.rerender(
          <RulesTable rules={next} caption="rules" isEditable={editable} onEdit={noop} onDelete={noop} />,
        ),
      );
    },
    {
      setup: () => {
        view = render(
          <RulesTable rules={rules} caption="rules" isEditable={editable} onEdit={noop} onDelete={noop} />,
        );
      },
      teardown: () => view?.unmount(),
    },
  );
});

describe('audit log, 5,000 entries', () => {
  let view: ReturnType<typeof render> | undefined;
  bench(
    're-render with a new list of the same entries (filter applied, nothing matched out)',
    () => {
      const items = filterAudit(audit, { actor: '', action: '' });
      act(() => view?.rerender(<AuditTable items={items} />));
    },
    {
      setup: () => {
        view = render(<AuditTable items={audit} />);
      },
      teardown: () => view?.unmount(),
    },
  );
});
