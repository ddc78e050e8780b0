import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getStageConfig, STAGE_NAMES } from '../../../lib/config';
import { LAMBDA_HANDLERS } from '../../../lib/config/budgets';
import { restApiName } from '../../../lib/config/gateway';
import { logQueries } from '../../../lib/config/log-queries';
import { dashboardWidgets } from '../../../lib/monitoring/dashboard';
import { MetricFactory } from '../../../lib/monitoring/metric-factory';
import { headingAnchors, markdownLinks, REPO_ROOT, readRepoFile, sections } from '../../helpers/markdown';

const DOC = 'docs/troubleshooting.md';

/** Backticked items of the `- **<label>:**` bullet of a section (continuation lines included). */
function itemsOf(body: string, label: 'Widget' | 'Query' | 'Runbook'): string[] | undefined {
  const m = new RegExp(
    `^- \\*\\*${label}:\\*\\*([\\s\\S]*?)(?=^- \\*\\*|\\n\\s*\\n|$(?![\\s\\S]))`,
    'm',
  ).exec(body);
  if (!m) return undefined;
  return codeSpansOutsideParens(m[1] ?? '');
}

/** The code spans of a text that are not inside parentheses (parenthesized code spans are notes, not items). */
function codeSpansOutsideParens(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let span: string | undefined;
  for (const ch of text.replace(/\s+/g, ' ')) {
    if (span !== undefined) {
      if (ch === '`') {
        if (depth === 0) out.push(span);
        span = undefined;
      } else span += ch;
    } else if (ch === '`') span = '';
    else if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
  }
  return out;
}

/** Widget titles of a stage's dashboard. */
function widgetTitles(stage: string): Set<string> {
  const target = {
    config: getStageConfig(stage),
    apiName: restApiName(stage),
    stageName: stage,
    functionNames: Object.fromEntries(LAMBDA_HANDLERS.map((n) => [n, `fn-${n}`])),
  };
  const titles = dashboardWidgets(new MetricFactory(target))
    .flat()
    .flatMap((w) => w.toJson() as Array<{ properties?: { title?: string } }>)
    .map((j) => j.properties?.title)
    .filter((t): t is string => typeof t === 'string');
  return new Set(titles);
}

describe('docs/troubleshooting.md', () => {
  const md = readRepoFile(DOC);
  const symptoms = [...sections(md).entries()];

  it('parses the widget, query and runbook bullets', () => {
    const body = '- **Widget:** `A` (see `x`), `B`\n  `C`.\n- **Query:** `Q`\n\n1. not a bullet `D`';
    expect(itemsOf(body, 'Widget')).toEqual(['A', 'B', 'C']);
    expect(itemsOf(body, 'Query')).toEqual(['Q']);
    expect(itemsOf(body, 'Runbook')).toBeUndefined();
  });

  it('has the common failures, each with a widget, a saved query and a runbook link', () => {
    expect(symptoms.length).toBeGreaterThanOrEqual(8);
    for (const [anchor, { body }] of symptoms) {
      for (const label of ['Widget', 'Query'] as const) {
        expect(itemsOf(body, label)?.length, `${anchor}: ${label}`).toBeGreaterThan(0);
      }
      const runbooks = markdownLinks(body).filter((l) => l.target.startsWith('runbooks.md#'));
      expect(runbooks.length, `${anchor}: runbook link`).toBeGreaterThan(0);
    }
  });

  it.each(STAGE_NAMES)('%s: every widget it names is on the stage dashboard', (stage) => {
    const titles = widgetTitles(stage);
    const missing = symptoms.flatMap(([anchor, { body }]) =>
      (itemsOf(body, 'Widget') ?? [])
        .map((w) => w.replaceAll('<stage>', stage))
        .filter((w) => !titles.has(w) && !/^<METHOD> <path>/.test(w))
        .map((w) => `${anchor}: ${w}`),
    );
    expect(missing).toEqual([]);
  });

  it.each(STAGE_NAMES)('%s: every query it names is a saved query of the stage', (stage) => {
    const ids = new Set(logQueries(getStageConfig(stage)).map((q) => `MarketEdge/<stage>/${q.id}`));
    const named = symptoms.flatMap(([anchor, { body }]) =>
      (itemsOf(body, 'Query') ?? []).map((q) => ({ anchor, q })),
    );
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter(({ q }) => !ids.has(q))).toEqual([]);
  });

  it('every link and anchor exists', () => {
    const links = markdownLinks(md);
    expect(links.length).toBeGreaterThan(0);
    const broken = links.filter(({ target }) => {
      const [file = '', anchor] = target.split('#');
      const path = `docs/${file}`;
      if (!existsSync(join(REPO_ROOT, path))) return true;
      return anchor !== undefined && !headingAnchors(readRepoFile(path)).has(anchor);
    });
    expect(broken).toEqual([]);
  });
});
