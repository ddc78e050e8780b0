/**
 * Re-render cost of the two heaviest console views (issue #12): the limits table with 1,000 rules and the audit log
 * with 5,000 entries, in jsdom. Run: `npm run bench:web` (figures and budgets in docs/testing.md).
 *
 * Measured on React's production build (`NODE_ENV=production`, set by `scripts/bench-web.mjs`), which is what users run:
 * the development build does per-element debugging work (owner stacks, dev-only checks) that made one memoized
 * re-render of 1,000 rows cost ~250 ms instead of ~1 ms — a figure about React's dev tooling, not the console. React's
 * `act` does not exist in the production build, so the views are rendered with `createRoot` + `flushSync`, which
 * commits synchronously like `act` does.
 */
import { flushSync } from 'react-dom';
import { createRoot, type Root } from 'react-dom/client';
import { bench, describe } from 'vitest';
import type { AuditEntry, Rule } from '../../src/api/types';
import { RulesTable } from '../../src/components/rules/RulesTable';
import { AuditTable, filterAudit } from '../../src/pages/admin/AuditPage';
import { makeAuditEntry, makeRules } from '../factories';

if (process.env.NODE_ENV !== 'production')
  throw new Error(
    'bench:web measures React production builds: run it with NODE_ENV=production (npm run bench:web)',
  );

const rules: Rule[] = makeRules(1000);
const audit: AuditEntry[] = Array.from({ length: 5000 }, (_, i) =>
  makeAuditEntry({ action: i % 2 ? 'limits.update' : 'bypass.create' }),
);
const editable = () => true;
const noop = () => undefined;

/** A root mounted in the document, rendered synchronously. */
function mount(ui: React.ReactNode): { root: Root; host: HTMLElement } {
  const host = document.createElement('div');
  document.body.append(host);
  const root = createRoot(host);
  flushSync(() => root.render(ui));
  return { root, host };
}

function unmount(m: { root: Root; host: HTMLElement } | undefined): void {
  m?.root.unmount();
  m?.host.remove();
}

describe('limits editor, 1,000 rules', () => {
  let view: ReturnType<typeof mount> | undefined;
  let n = 0;
  bench(
    're-render after editing one rule (memoized rows)',
    () => {
      n += 1;
      const next = rules.map((r, i) => (i === 500 ? { ...r, limit: n } : r));
      flushSync(() =>
        view?.root.render(
          <RulesTable rules={next} caption="rules" isEditable={editable} onEdit={noop} onDelete={noop} />,
        ),
      );
    },
    {
      setup: () => {
        view = mount(
          <RulesTable rules={rules} caption="rules" isEditable={editable} onEdit={noop} onDelete={noop} />,
        );
      },
      teardown: () => unmount(view),
    },
  );
});

describe('audit log, 5,000 entries', () => {
  let view: ReturnType<typeof mount> | undefined;
  bench(
    're-render with a new list of the same entries (filter applied, nothing matched out)',
    () => {
      const items = filterAudit(audit, { actor: '', action: '' });
      flushSync(() => view?.root.render(<AuditTable items={items} />));
    },
    {
      setup: () => {
        view = mount(<AuditTable items={audit} />);
      },
      teardown: () => unmount(view),
    },
  );
});
