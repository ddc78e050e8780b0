import type { AuthorizerLogger, AuthorizerMetrics } from '../../../lambdas/authorizer/authorizer';

export interface LogLine {
  level: 'INFO' | 'WARN' | 'ERROR';
  message: string;
  extra: Record<string, unknown>;
}
export interface EmittedMetric {
  name: string;
  value: number;
  dimensions: Record<string, string>;
  metadata: Record<string, string>;
}

/** Logger + metrics sinks that record what the authorizer emits (to assert reasons and that no token leaks). */
export interface Recorder {
  logs: LogLine[];
  emitted: EmittedMetric[];
  logger: AuthorizerLogger;
  metrics: AuthorizerMetrics;
  clear(): void;
  /** Everything recorded, serialized (for "never contains the token" checks). */
  dump(): string;
}

export function recorder(): Recorder {
  const logs: LogLine[] = [];
  const emitted: EmittedMetric[] = [];
  const log =
    (level: LogLine['level']) =>
    (message: string, ...extra: Record<string, unknown>[]) => {
      logs.push({ level, message, extra: Object.assign({}, ...extra) });
    };
  return {
    logs,
    emitted,
    logger: { info: log('INFO'), warn: log('WARN'), error: log('ERROR') },
    metrics: {
      singleMetric() {
        const dimensions: Record<string, string> = {};
        const metadata: Record<string, string> = {};
        return {
          addDimension: (k: string, v: string) => {
            dimensions[k] = v;
          },
          addMetadata: (k: string, v: string) => {
            metadata[k] = v;
          },
          addMetric: (name: string, _unit: 'Count', value: number) => {
            emitted.push({ name, value, dimensions: { ...dimensions }, metadata: { ...metadata } });
          },
        };
      },
    },
    clear() {
      logs.length = 0;
      emitted.length = 0;
    },
    dump: () => JSON.stringify({ logs, emitted }),
  };
}
