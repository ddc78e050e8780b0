import { describe, expect, it } from 'vitest';
import { STAGE_NAMES } from '../../../lib/config/stage-names';
import { code, sources } from './sources';

const INFRA = sources('lib/constructs', 'lib/stacks');

/** A comparison with a stage-name literal (`x === 'prod'`, `'dev' !== y`, `case 'staging':`). */
const names = STAGE_NAMES.join('|');
const STAGE_COMPARISON = new RegExp(
  `(?:[!=]==?\\s*['"\`](?:${names})['"\`])|(?:['"\`](?:${names})['"\`]\\s*[!=]==?)|(?:case\\s+['"\`](?:${names})['"\`]\\s*:)`,
);

describe('stage differences are stage-config values (lib/config/stages.ts), not stage-name checks', () => {
  it('the pattern catches every form of a stage-name comparison', () => {
    for (const bad of [
      "config.name === 'prod'",
      'config.name !== "dev"',
      "'staging' == stage",
      'case `prod`:',
      "props.stage != 'dev'",
    ]) {
      expect(bad).toMatch(STAGE_COMPARISON);
    }
    for (const ok of ['physicalName(config.name)', "config.removalPolicy === 'destroy'", "name: 'prod'"]) {
      expect(ok).not.toMatch(STAGE_COMPARISON);
    }
  });

  it('no construct or stack compares a stage name', () => {
    expect(INFRA).toEqual(expect.arrayContaining(['lib/constructs/cache.ts', 'lib/stacks/data-stack.ts']));
    const offenders = INFRA.filter((f) => STAGE_COMPARISON.test(code(f)));
    expect(offenders).toEqual([]);
  });
});
