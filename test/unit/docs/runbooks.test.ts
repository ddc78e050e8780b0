import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { getStageConfig, STAGE_NAMES } from '../../../lib/config';
import { RUNBOOK_PATH } from '../../../lib/config/alarms';
import { drillCatalog } from '../../../local/drill/catalog';
import { REPO_ROOT, readRepoFile, sections } from '../../helpers/markdown';

/** The `Tested:` paragraph of a runbook section (up to the next blank line), or undefined. */
function testedLine(body: string): string | undefined {
  const start = body.search(/^Tested:/m);
  if (start < 0) return undefined;
  const end = body.slice(start).search(/\n\s*\n/);
  return body
    .slice(start, end < 0 ? undefined : start + end)
    .replace(/\s+/g, ' ')
    .trim();
}

/** Test files a text names (`test/…/*.test.ts`). */
function testFiles(text: string): string[] {
  return text.match(/test\/[\w./-]+\.test\.ts/g) ?? [];
}

describe('runbook "Tested:" lines', () => {
  const runbook = sections(readRepoFile(RUNBOOK_PATH));

  it('reads the paragraph after "Tested:"', () => {
    expect(testedLine('Intro.\n\nTested: drill `npm run drill -- X`:\nmore.\n\n1. Step')).toBe(
      'Tested: drill `npm run drill -- X`: more.',
    );
    expect(testedLine('No such line.\n')).toBeUndefined();
  });

  it.each(STAGE_NAMES)(
    '%s: every alarm’s section says how it is tested — its drill, or no drill and the test its reason names',
    (stage) => {
      const problems: string[] = [];
      for (const alarm of drillCatalog(getStageConfig(stage))) {
        const anchor = alarm.runbook.replace(`${RUNBOOK_PATH}#`, '');
        const section = runbook.get(anchor);
        const tested = section && testedLine(section.body);
        if (!tested) {
          problems.push(`${alarm.name}: section #${anchor} has no "Tested:" line`);
          continue;
        }
        if ('reason' in alarm.drill) {
          if (!tested.includes('no drill'))
            problems.push(`${alarm.name}: has no drill, "Tested:" must say so`);
          const named = testFiles(alarm.drill.reason);
          if (named.length === 0) problems.push(`${alarm.name}: its reason names no test file`);
          for (const file of named) {
            if (!existsSync(join(REPO_ROOT, file))) problems.push(`${alarm.name}: ${file} does not exist`);
            if (!tested.includes(file)) problems.push(`${alarm.name}: "Tested:" does not name ${file}`);
          }
        } else if (!tested.includes(`\`npm run drill -- ${alarm.name}\``)) {
          problems.push(
            `${alarm.name}: "Tested:" of #${anchor} does not name \`npm run drill -- ${alarm.name}\``,
          );
        }
      }
      expect(problems).toEqual([]);
    },
  );

  it('every drill a runbook names is an alarm of the catalog that has a drill', () => {
    const drilled = new Set(
      STAGE_NAMES.flatMap((s) => drillCatalog(getStageConfig(s)))
        .filter((e) => !('reason' in e.drill))
        .map((e) => e.name),
    );
    const named = [...readRepoFile(RUNBOOK_PATH).matchAll(/npm run drill -- (\w[\w-]*)/g)].map(
      (m) => m[1] ?? '',
    );
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((n) => !drilled.has(n))).toEqual([]);
  });
});
