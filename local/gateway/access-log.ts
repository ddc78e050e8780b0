import { ACCESS_LOG_KEYS, type AccessLogKey } from '../../lib/config/gateway';

/**
 * One access-log record: `requestTime` epoch ms; `latency`, `integrationLatency`, `authorizerLatency` in ms
 * (2 decimals locally); `path` with the stage prefix (`$context.path`); `authorizerError` says why the authorizer
 * step failed; `errorType` is the gateway response type (`THROTTLED`, `ACCESS_DENIED`, …). Never holds a token or an
 * API key value.
 */
export type AccessLogRecord = Record<AccessLogKey, string>;

/**
 * Where access-log lines go (one JSON object per line). `record` is the line's record, final once handed over: local
 * consumers read it instead of parsing the line back.
 */
export type AccessLogSink = (line: string, record: Readonly<AccessLogRecord>) => void;

/**
 * Every field `-`, in {@link ACCESS_LOG_KEYS} order. Not frozen: spreading a frozen object takes V8's slow path
 * (~10× the copy, once per request); it is module-private and only ever copied.
 */
const EMPTY_RECORD: Readonly<AccessLogRecord> = Object.fromEntries(
  ACCESS_LOG_KEYS.map((k) => [k, '-']),
) as AccessLogRecord;

/** A record with every field `-`. */
export function emptyAccessLog(): AccessLogRecord {
  return { ...EMPTY_RECORD };
}

/** Milliseconds as an access-log value (2 decimals). */
export function ms(n: number): string {
  return (Math.round(n * 100) / 100).toString();
}

/** Serializes a record as one JSON line, keys in {@link ACCESS_LOG_KEYS} order. */
export function formatAccessLog(r: AccessLogRecord): string {
  const ordered: Record<string, string> = {};
  for (const k of ACCESS_LOG_KEYS) ordered[k] = r[k];
  return JSON.stringify(ordered);
}

/** A line sink that writes in batches; see {@link batchedLines}. */
export interface BatchedLines {
  /** Queues one line (without its newline); written at the next `setImmediate` at the latest. */
  push(line: string): void;
  /** Writes every queued line now (one `write`); nothing when none is queued. */
  flush(): void;
}

/**
 * Batches lines for `write`: the lines queued during one event-loop turn go out as one chunk (`\n` after each line,
 * order kept) from a `setImmediate`, instead of one `write` per line. The local stack's access log uses it for stdout,
 * which Node writes synchronously to a file or a pipe — one syscall per request on the request's own turn before.
 * The output is the same bytes; a reader of the stream sees a line at most one turn later. Call `flush` before the
 * process exits.
 */
export function batchedLines(write: (chunk: string) => void): BatchedLines {
  let lines: string[] = [];
  let scheduled: NodeJS.Immediate | undefined;
  const flush = () => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    if (lines.length === 0) return;
    const chunk = `${lines.join('\n')}\n`;
    lines = [];
    write(chunk);
  };
  return {
    push(line) {
      lines.push(line);
      scheduled ??= setImmediate(flush);
    },
    flush,
  };
}
