import type { APIGatewayRequestAuthorizerEvent, Context, PolicyDocument } from 'aws-lambda';
import { header } from '../../lambdas/shared/http/headers';
import { evaluatePolicy } from './iam-policy';

/** What a REST Lambda authorizer returns (API Gateway's output contract). */
export interface APIGatewayAuthorizerResult {
  principalId: string;
  policyDocument: PolicyDocument;
  /** Context values (strings, numbers, booleans) passed to the integration. */
  context?: object | null;
  /** API key value for usage plans (`apiKeySource: AUTHORIZER`). */
  usageIdentifierKey?: string | null;
}

/** A REQUEST Lambda authorizer (the `handler` shape of `lambdas/authorizer`). */
export type AuthorizerFn = (
  event: APIGatewayRequestAuthorizerEvent,
  context: Context,
) => Promise<APIGatewayAuthorizerResult>;

/** What the gateway does after the authorizer step. */
export type AuthorizerOutcome =
  | {
      ok: true;
      result: APIGatewayAuthorizerResult;
      /** Authorizer invocation time, ms (0 on a cache hit). */
      latencyMs: number;
      cached: boolean;
    }
  | {
      ok: false;
      /** Gateway response type (`UNAUTHORIZED` 401, `ACCESS_DENIED` 403, `AUTHORIZER_CONFIGURATION_ERROR`). */
      type: 'UNAUTHORIZED' | 'ACCESS_DENIED' | 'AUTHORIZER_CONFIGURATION_ERROR';
      /** `$context.error.message`, AWS's wording. */
      message: string;
      /** `$context.authorizer.error` for the access log (never the token). */
      error: string;
      latencyMs: number;
      /** The result when the authorizer returned one (a deny), for context in the access log. */
      result?: APIGatewayAuthorizerResult;
    };

interface CacheEntry {
  result: APIGatewayAuthorizerResult;
  expiresAt: number;
}

/**
 * Plays API Gateway's REQUEST-authorizer step: identity source = the `Authorization` header (missing → 401 without
 * calling the authorizer); a thrown `Unauthorized` → 401; any other throw or a malformed result →
 * `AUTHORIZER_CONFIGURATION_ERROR` (the stage answers 503); the returned IAM policy is evaluated against the request's method ARN
 * (explicit Deny → 403, no matching Allow → 403). Returned policies are cached by identity-source value for
 * `ttlSec` and re-evaluated against each request's ARN — which is why authorizers must return a policy for the
 * whole API.
 * @see https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-use-lambda-authorizer.html
 */
export class AuthorizerStep {
  private readonly cache = new Map<string, CacheEntry>();

  /**
   * @param authorize the authorizer handler
   * @param ttlSec result cache TTL, seconds (0 disables caching, as in API Gateway)
   * @param now clock, epoch ms
   */
  constructor(
    private readonly authorize: AuthorizerFn,
    private readonly ttlSec: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Runs the step for one request (`event.methodArn` is evaluated against the policy). */
  async run(event: APIGatewayRequestAuthorizerEvent, context: Context): Promise<AuthorizerOutcome> {
    const identity = header(event.headers, 'authorization');
    if (!identity) return unauthorized('identity source missing (no Authorization header)', 0);
    const t0 = performance.now();
    let result: APIGatewayAuthorizerResult | undefined;
    let cached = false;
    const hit = this.cache.get(identity);
    if (hit && hit.expiresAt > this.now()) {
      result = hit.result;
      cached = true;
    } else {
      try {
        result = await this.authorize(event, context);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        const latencyMs = performance.now() - t0;
        if (message === 'Unauthorized') return unauthorized('Unauthorized', latencyMs);
        return configError(`authorizer threw: ${message}`, latencyMs);
      }
      if (!isResult(result))
        return configError('authorizer returned a malformed result', performance.now() - t0);
      if (this.ttlSec > 0) {
        if (this.cache.size > 10_000) this.cache.clear();
        this.cache.set(identity, { result, expiresAt: this.now() + this.ttlSec * 1000 });
      }
    }
    const latencyMs = cached ? 0 : performance.now() - t0;
    const decision = evaluatePolicy(result.policyDocument, event.methodArn);
    if (decision === 'allow') return { ok: true, result, latencyMs, cached };
    return {
      ok: false,
      type: 'ACCESS_DENIED',
      message:
        decision === 'explicit-deny'
          ? 'User is not authorized to access this resource with an explicit deny'
          : 'User is not authorized to access this resource',
      error: decision,
      latencyMs,
      result,
    };
  }

  /** Drops every cached result (API Gateway "flush authorizer cache"). */
  flush(): void {
    this.cache.clear();
  }
}

/** `$context.error.message` of the step's own failures (AWS's wording). */
const FAILURE_MESSAGE = {
  UNAUTHORIZED: 'Unauthorized',
  AUTHORIZER_CONFIGURATION_ERROR: 'Authorizer configuration error',
} as const;

function failure(type: keyof typeof FAILURE_MESSAGE, error: string, latencyMs: number): AuthorizerOutcome {
  return { ok: false, type, message: FAILURE_MESSAGE[type], error, latencyMs };
}

function unauthorized(error: string, latencyMs: number): AuthorizerOutcome {
  return failure('UNAUTHORIZED', error, latencyMs);
}

function configError(error: string, latencyMs: number): AuthorizerOutcome {
  return failure('AUTHORIZER_CONFIGURATION_ERROR', error, latencyMs);
}

function isResult(r: unknown): r is APIGatewayAuthorizerResult {
  const x = r as APIGatewayAuthorizerResult | undefined;
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof x.principalId === 'string' &&
    typeof x.policyDocument === 'object' &&
    Array.isArray(x.policyDocument?.Statement)
  );
}
