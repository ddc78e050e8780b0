import { USER_ID_PATTERN } from './data-model';
import { HTTP_METHODS, LIMIT_CLASSES } from './routes';
import * as z from './zod';

/** Longest rate period a rule may use: 31 days, in seconds. */
export const MAX_PERIOD_SEC = 31 * 24 * 3600;

const ruleId = z
  .string()
  .check(
    z.regex(
      /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/,
      'id: 1-64 chars of A-Z a-z 0-9 . _ -, starting alphanumeric',
    ),
  );

/** `"METHOD /path-template"`, e.g. `"POST /v1/reports"` or `"GET /v1/reports/{reportId}"`. */
export const routeKeySchema = z
  .string()
  .check(
    z.regex(
      new RegExp(`^(${HTTP_METHODS.join('|')}) /[A-Za-z0-9/_{}+.-]*$`),
      'route must be "METHOD /path-template", e.g. "POST /v1/reports"',
    ),
  );

const match = z.strictObject({
  /** Endpoint-specific rule: applies only to this route key. */
  route: z.optional(routeKeySchema),
  /** Applies to every route of this limit class (see the route table). */
  limitClass: z.optional(z.enum(LIMIT_CLASSES)),
});

const common = {
  id: ruleId,
  /** `tenant`: one counter per tenant. `user`: one counter per user inside the tenant. */
  scope: z.enum(['tenant', 'user']),
  /** Requests allowed per period (rate) or per window (quota). Positive integer. */
  limit: z.number().check(z.int(), z.positive(), z.maximum(1_000_000_000)),
  match: z.optional(match),
  /** Only with `scope: "user"`: the rule applies to this one user (a per-user override). */
  subject: z.optional(
    z.string().check(z.regex(USER_ID_PATTERN, 'must be a user id (1-256 of A-Z a-z 0-9 | @ . _ : + -)')),
  ),
  /** `enforce` denies over-limit requests; `shadow` evaluates, logs and counts but never denies. */
  mode: z._default(z.enum(['enforce', 'shadow']), 'enforce'),
};

/** GCRA rate rule: `limit` requests per `periodSec` seconds, up to `burst` at once (default `limit`). */
export const rateRuleSchema = z.strictObject({
  ...common,
  kind: z.literal('rate'),
  periodSec: z.number().check(z.int(), z.minimum(1), z.maximum(MAX_PERIOD_SEC)),
  burst: z.optional(z.number().check(z.int(), z.positive(), z.maximum(1_000_000_000))),
});

/** Quota rule: `limit` requests per calendar `window` (`day` | `month`, UTC). */
export const quotaRuleSchema = z.strictObject({
  ...common,
  kind: z.literal('quota'),
  window: z.enum(['day', 'month']),
});

/**
 * One limit rule (the policy model shared by the limiter, the tier table and the admin API).
 * Validation errors carry the field path (e.g. `rules.2.limit`).
 */
export const ruleSchema = z.discriminatedUnion('kind', [rateRuleSchema, quotaRuleSchema]).check(
  z.superRefine((rule, ctx) => {
    if (rule.subject !== undefined && rule.scope !== 'user') {
      ctx.addIssue({
        code: 'custom',
        path: ['subject'],
        message: 'subject is only allowed with scope "user"',
      });
    }
    if (rule.match?.route && rule.match.limitClass) {
      ctx.addIssue({
        code: 'custom',
        path: ['match'],
        message: 'use either match.route or match.limitClass',
      });
    }
  }),
);

/** A policy: a list of rules with unique ids. */
export const policySchema = z.array(ruleSchema).check(
  z.maxLength(100),
  z.superRefine((rules, ctx) => {
    const seen = new Set<string>();
    rules.forEach((r, i) => {
      if (seen.has(r.id))
        ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `duplicate rule id "${r.id}"` });
      seen.add(r.id);
    });
  }),
);

/** A validated limit rule. */
export type Rule = z.output<typeof ruleSchema>;
/** A limit rule as written by a client (before defaults such as `mode` are applied). */
export type RuleInput = z.input<typeof ruleSchema>;
/** A validated policy. */
export type Policy = Rule[];
