import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import type { CanaryResult } from '../../../local/canary/cli';

const run = promisify(execFile);

describe('npm run canary: the Synthetics canary script played against the local stack', () => {
  it('gets a client-credentials token from the local issuer and passes /health and /v1/me on every run', async () => {
    const { stdout } = await run('npx', ['tsx', 'local/canary/cli.ts', '--runs', '2', '--interval', '0'], {
      env: { ...process.env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
      timeout: 120_000,
    });
    const lines = stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('RUN '))).toHaveLength(2);
    const last = lines.at(-1) ?? '';
    expect(last).toMatch(/^RESULT \{/);
    const result = JSON.parse(last.slice('RESULT '.length)) as CanaryResult;
    expect(result).toMatchObject({
      runs: 2,
      succeeded: 2,
      success_percent: 100,
      statuses: { 'GET /health': { '200': 2 }, 'GET /v1/me': { '200': 2 } },
      failures: [],
      passed: true,
    });
    // The M2M token never reaches the output.
    expect(stdout).not.toMatch(/eyJ[\w-]+\.[\w-]+\./);
  }, 150_000);
});
