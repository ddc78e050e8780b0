import { randomBytes } from 'node:crypto';

/**
 * Settings of the HTTP toolkit (every REST proxy Lambda), each read once from the environment. CDK sets the same
 * names (`lib/stacks/api-stack.ts`); the local stack and tests may leave them unset.
 */
export const HTTP_SETTINGS = {
  /**
   * `CURSOR_SIGNING_KEY`: the stage's HMAC-SHA256 key for pagination cursors (`cursor.ts`), at least 32 bytes of
   * UTF-8 text. Per stage (CDK: a generated Secrets Manager secret). Unset outside Lambda → a random key per process
   * (cursors then live as long as the process: the local stack, tests). Unset inside Lambda → start-up error.
   */
  cursorSigningKey: { env: 'CURSOR_SIGNING_KEY', minBytes: 32 },
} as const;

/** The resolved HTTP settings. */
export interface HttpSettings {
  /** HMAC key of pagination cursors (≥ 32 bytes). */
  readonly cursorSigningKey: Buffer;
}

/**
 * Reads {@link HTTP_SETTINGS} from `env`.
 * @throws {Error} when `CURSOR_SIGNING_KEY` is shorter than 32 bytes, or unset inside Lambda
 */
export function httpSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): HttpSettings {
  const { env: name, minBytes } = HTTP_SETTINGS.cursorSigningKey;
  const raw = env[name];
  if (raw === undefined || raw === '') {
    if (env.AWS_LAMBDA_FUNCTION_NAME) throw new Error(`${name} must be set (the stage's cursor key)`);
    return { cursorSigningKey: randomBytes(minBytes) };
  }
  const key = Buffer.from(raw, 'utf8');
  if (key.length < minBytes) throw new Error(`${name} must be at least ${minBytes} bytes`);
  return { cursorSigningKey: key };
}

let settings: HttpSettings | undefined;

/** The process's HTTP settings, read once on first use. */
export function httpSettings(): HttpSettings {
  settings ??= httpSettingsFromEnv();
  return settings;
}
