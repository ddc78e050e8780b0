import type { PolicyDocument, Statement } from 'aws-lambda';

/** Outcome of evaluating an authorizer's policy against a method ARN. */
export type PolicyDecision = 'allow' | 'explicit-deny' | 'implicit-deny';

/**
 * Evaluates a Lambda authorizer's IAM policy for `execute-api:Invoke` on `methodArn`, the way API Gateway does:
 * an explicit `Deny` that matches wins, else a matching `Allow` allows, else the request is implicitly denied.
 * `*` in an ARN matches any run of characters (including `/`), `?` exactly one
 * (IAM policy evaluation logic: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html).
 */
export function evaluatePolicy(doc: PolicyDocument | undefined, methodArn: string): PolicyDecision {
  let allowed = false;
  for (const st of doc?.Statement ?? []) {
    if (!statementMatches(st, methodArn)) continue;
    if (st.Effect.toLowerCase() === 'deny') return 'explicit-deny';
    if (st.Effect.toLowerCase() === 'allow') allowed = true;
  }
  return allowed ? 'allow' : 'implicit-deny';
}

function statementMatches(st: Statement, arn: string): boolean {
  const s = st as Statement & { Action?: string | string[]; Resource?: string | string[] };
  const actions = toList(s.Action);
  if (!actions.some((a) => wildcard(a.toLowerCase(), 'execute-api:invoke'))) return false;
  return toList(s.Resource).some((r) => wildcard(r, arn));
}

function toList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

const patternCache = new Map<string, RegExp>();

/** IAM-style wildcard match (`*` any run, `?` one character), whole string. */
export function wildcard(pattern: string, value: string): boolean {
  let re = patternCache.get(pattern);
  if (!re) {
    const body = pattern
      .split('')
      .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
      .join('');
    re = new RegExp(`^${body}$`, 's');
    if (patternCache.size > 1000) patternCache.clear();
    patternCache.set(pattern, re);
  }
  return re.test(value);
}
