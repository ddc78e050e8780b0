import { randomBytes } from 'node:crypto';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SETTINGS } from '../../../lib/config/settings';
import { HttpError } from './problem';
import { HTTP_SETTINGS } from './settings';

/** Resolves the cursor signing key (≥ 32 bytes); the first call may fetch it, later calls return the same key. */
export type CursorKeySource = () => Promise<Buffer>;

/** Options of {@link cursorKeySource}. */
export interface CursorKeyOptions {
  /**
   * Environment to read {@link HTTP_SETTINGS} from.
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Secrets Manager client of the Powertools `SecretsProvider` (tests inject a mocked one).
   * @default a new client in the Lambda's region, created on first fetch
   */
  readonly client?: SecretsManagerClient;
}

/** Random key of processes configured with no key at all outside Lambda (unit tests); one per process. */
let processRandomKey: Buffer | undefined;

/**
 * The cursor signing key of this container, from the environment ({@link HTTP_SETTINGS}):
 * - `CURSOR_SIGNING_KEY` (local stack, tests): the key itself, UTF-8, at least 32 bytes;
 * - else `CURSOR_SIGNING_KEY_SECRET_NAME` (AWS): the stage secret, fetched once per container through Powertools
 *   Parameters' `SecretsProvider` on first use and kept for the container's life (every container of the stage holds
 *   the same key, so a cursor from one container is valid in all of them). A failed fetch is not cached: the request
 *   answers 503 with `Retry-After: 1` and the next one fetches again;
 * - neither, outside Lambda: a random key per process (cursors live as long as the process);
 * - neither, inside Lambda (`AWS_LAMBDA_FUNCTION_NAME` set): a deployment error, thrown at once.
 * @throws {Error} `CURSOR_SIGNING_KEY` shorter than 32 bytes, or no key configured inside Lambda
 */
export function cursorKeySource(options: CursorKeyOptions = {}): CursorKeySource {
  const env = options.env ?? process.env;
  const { env: keyVar, minBytes } = HTTP_SETTINGS.cursorSigningKey;
  const secretVar = HTTP_SETTINGS.cursorSigningKeySecretName.env;
  const inline = env[keyVar];
  if (inline) {
    const key = checkedKey(inline, keyVar);
    return () => Promise.resolve(key);
  }
  const secretName = env[secretVar];
  if (secretName) return secretKeySource(secretName, options.client);
  if (env[SETTINGS.lambdaFunctionName.name]) {
    throw new Error(`${keyVar} or ${secretVar} must be set: cursors need one key per stage`);
  }
  processRandomKey ??= randomBytes(minBytes);
  const key = processRandomKey;
  return () => Promise.resolve(key);
}

function checkedKey(raw: string, what: string): Buffer {
  const key = Buffer.from(raw, 'utf8');
  if (key.length < HTTP_SETTINGS.cursorSigningKey.minBytes) {
    throw new Error(`${what} must be at least ${HTTP_SETTINGS.cursorSigningKey.minBytes} bytes`);
  }
  return key;
}

function secretKeySource(name: string, client: SecretsManagerClient | undefined): CursorKeySource {
  let pending: Promise<Buffer> | undefined;
  const fetchKey = async (): Promise<Buffer> => {
    const { SecretsProvider } = await import('@aws-lambda-powertools/parameters/secrets');
    const provider = new SecretsProvider(client ? { awsSdkV3Client: client } : {});
    const value = await provider.get(name);
    if (typeof value !== 'string') throw new Error(`secret ${name} holds no text`);
    return checkedKey(value, `secret ${name}`);
  };
  return () => {
    pending ??= fetchKey().catch((err: unknown) => {
      pending = undefined;
      console.warn(
        JSON.stringify({ level: 'WARN', message: 'cursor signing key unavailable', error: String(err) }),
      );
      throw new HttpError(
        503,
        'Service Unavailable',
        { detail: 'Paging is temporarily unavailable; retry shortly.' },
        { 'retry-after': '1' },
      );
    });
    return pending;
  };
}

let processSource: CursorKeySource | undefined;

/**
 * The process-wide {@link cursorKeySource} over `process.env`, created on first use: the default of the services'
 * `cursorKey` dependency.
 */
export const processCursorKey: CursorKeySource = () => {
  processSource ??= cursorKeySource();
  return processSource();
};
