import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getStageConfig } from '../../../lib/config';
import { logQueries } from '../../../lib/config/log-queries';
import {
  headingAnchors,
  markdownLinks,
  REPO_ROOT,
  readRepoFile,
  withoutFences,
} from '../../helpers/markdown';

/** Every Markdown file of `docs/`, and the README, relative to the repository root. */
const DOCS = [
  'README.md',
  ...readdirSync(join(REPO_ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];

/**
 * `lib/…` and `lambdas/…` paths a Markdown text names (not part of a longer path or a package name such as
 * `aws-cdk-lib/pipelines`), without placeholders (`<name>`, `{id}`) or globs.
 */
function sourcePaths(md: string): string[] {
  const found = (md.match(/(?<![\w./@-])(?:lib|lambdas)\/[^\s`'"()[\],;:]+/g) ?? []).map((p) =>
    p.replace(/\.+$/, ''),
  );
  return [...new Set(found)].filter((p) => !/[<>{}*]/.test(p));
}

/** True when a named source path exists: as written, as a `.ts`/`.tsx` module, or as a folder. */
function sourceExists(path: string): boolean {
  return [path, `${path}.ts`, `${path}.tsx`].some((p) => existsSync(join(REPO_ROOT, p)));
}

describe('file references in the docs', () => {
  it('finds paths as the docs write them, and not inside package names', () => {
    expect(sourcePaths('see `lib/config/alarms.ts`, lambdas/shared/http and aws-cdk-lib/pipelines.')).toEqual(
      ['lib/config/alarms.ts', 'lambdas/shared/http'],
    );
    expect(sourcePaths('`lambdas/<name>/handler.ts` and lib/constructs/analytics-*.ts')).toEqual([]);
    expect(sourceExists('lib/constructs/cache.ts')).toBe(true);
    expect(sourceExists('lib/constructs/no-such-file.ts')).toBe(false);
  });

  it.each(DOCS)('%s: every lib/… and lambdas/… path it names exists', (doc) => {
    const missing = sourcePaths(readRepoFile(doc)).filter((p) => !sourceExists(p));
    expect(missing).toEqual([]);
  });

  it.each(DOCS)('%s: every saved Logs Insights query it names (MarketEdge/<stage>/<id>) exists', (doc) => {
    const ids = new Set(logQueries(getStageConfig('prod')).map((q) => q.id));
    const named = [...readRepoFile(doc).matchAll(/MarketEdge\/<stage>\/([\w-]+)/g)].map((m) => m[1] ?? '');
    expect(named.filter((id) => !ids.has(id))).toEqual([]);
  });

  it.each(DOCS)('%s: every relative link points to an existing file and heading', (doc) => {
    const md = readRepoFile(doc);
    const broken: string[] = [];
    for (const link of markdownLinks(md)) {
      if (/^[a-z]+:/i.test(link.target)) continue;
      const [file = '', anchor] = link.target.split('#');
      const path = file ? normalize(join(dirname(doc), file)) : doc;
      if (!existsSync(join(REPO_ROOT, path))) {
        broken.push(`line ${link.line}: ${link.target} (no file ${path})`);
        continue;
      }
      if (anchor && path.endsWith('.md') && !headingAnchors(readRepoFile(path)).has(anchor)) {
        broken.push(`line ${link.line}: ${link.target} (no heading #${anchor} in ${path})`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('headings inside code fences are not anchors', () => {
    expect(headingAnchors(withoutFences('# Real\n```sh\n# not a heading\n```\n')).has('not-a-heading')).toBe(
      false,
    );
  });
});
