import { randomBytes } from 'node:crypto';

/** A W3C Trace Context `traceparent` (https://www.w3.org/TR/trace-context/#traceparent-header). */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
/** X-Ray trace header root: `Root=1-<8 hex epoch s>-<24 hex>` (maps 1:1 to a W3C trace id). */
const XRAY_ROOT = /Root=1-([0-9a-f]{8})-([0-9a-f]{24})/i;
const XRAY_SAMPLED = /Sampled=([01])/;

const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/**
 * Builds the `traceparent` the proxy sends upstream (version `00`). The trace id is taken, in order, from:
 * 1. the X-Ray trace of this invocation (`xrayHeader`: `_X_AMZN_TRACE_ID` in Lambda, or the `X-Amzn-Trace-Id`
 *    request header) — its root `1-AAAAAAAA-BBBB…` becomes trace id `AAAAAAAABBBB…`, so backends join the X-Ray trace;
 * 2. a valid client `traceparent` (its trace id and flags are continued; version `ff` and all-zero ids are invalid);
 * 3. a new random trace id.
 * The parent id is always new (the proxy's own span); the sampled flag follows X-Ray `Sampled=`, else the client's
 * flags, else `01`.
 */
export function upstreamTraceparent(
  xrayHeader: string | undefined,
  clientTraceparent: string | undefined,
): string {
  const spanId = randomHex(8, ZERO_SPAN);
  const xray = xrayHeader ? XRAY_ROOT.exec(xrayHeader) : null;
  if (xray) {
    const traceId = `${xray[1]}${xray[2]}`.toLowerCase();
    const sampled = XRAY_SAMPLED.exec(xrayHeader ?? '')?.[1];
    return `00-${traceId}-${spanId}-${sampled === '0' ? '00' : '01'}`;
  }
  const client = clientTraceparent ? TRACEPARENT.exec(clientTraceparent.trim().toLowerCase()) : null;
  if (client && client[1] !== 'ff' && client[2] !== ZERO_TRACE && client[3] !== ZERO_SPAN) {
    return `00-${client[2]}-${spanId}-${client[4]}`;
  }
  return `00-${randomHex(16, ZERO_TRACE)}-${spanId}-01`;
}

function randomHex(bytes: number, zero: string): string {
  for (;;) {
    const h = randomBytes(bytes).toString('hex');
    if (h !== zero) return h;
  }
}
