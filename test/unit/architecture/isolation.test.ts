import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UNIT_ISOLATED_FILES } from '../../unit-isolated';

const ROOT = join(import.meta.dirname, '../../..');
const SELF = relative(ROOT, import.meta.filename);

/** What makes a unit file unfit for the shared (`isolate: false`) worker: it changes modules or process state. */
const NEEDS_ISOLATION =
  /vi\.(mock|doMock|stubEnv|stubGlobal|useFakeTimers|setSystemTime|resetModules)\b|mockClient\(|process\.(env|chdir|on)\b|globalThis/;

function unitFiles(dir = join(ROOT, 'test/unit')): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory()
      ? unitFiles(join(dir, e.name))
      : e.name.endsWith('.test.ts')
        ? [relative(ROOT, join(dir, e.name))]
        : [],
  );
}

describe('unit files in the shared worker (vitest.config.ts, project unit: isolate false)', () => {
  it('every unit file that mocks modules or changes process state is listed in test/unit-isolated.ts', () => {
    const needing = unitFiles()
      .filter((f) => f !== SELF && NEEDS_ISOLATION.test(readFileSync(join(ROOT, f), 'utf8')))
      .sort();
    expect(needing.length).toBeGreaterThan(0);
    expect(needing.filter((f) => !UNIT_ISOLATED_FILES.includes(f))).toEqual([]);
  });

  it('every listed file exists', () => {
    expect(UNIT_ISOLATED_FILES.filter((f) => !existsSync(join(ROOT, f)))).toEqual([]);
  });
});
