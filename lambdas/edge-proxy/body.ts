/**
 * Content types whose bodies are returned as text (UTF-8) rather than base64: `text/*`, JSON, XML, YAML, JavaScript,
 * form-encoded, GraphQL, NDJSON and the `+json` / `+xml` / `+yaml` structured suffixes (RFC 6839).
 */
const TEXTUAL =
  /^(text\/[\w.+-]+|application\/(json|xml|yaml|x-yaml|javascript|ecmascript|x-www-form-urlencoded|graphql|x-ndjson|ndjson|[\w.-]+\+(json|xml|yaml)))$/;

/** The request body bytes of a REST proxy event (`isBase64Encoded` → decoded), or `undefined` when empty. */
export function requestBody(event: { body: string | null; isBase64Encoded: boolean }): Buffer | undefined {
  if (event.body === null || event.body === undefined || event.body === '') return undefined;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64') : Buffer.from(event.body, 'utf8');
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Encodes an upstream body for a REST proxy result: as text when the media type is textual, the body has no
 * `Content-Encoding` (other than `identity`) and the bytes are valid UTF-8; otherwise base64 with
 * `isBase64Encoded: true` (API Gateway decodes it when the API's `binaryMediaTypes` match). Either way the client
 * receives the upstream bytes unchanged.
 * @param contentType the upstream `Content-Type` (parameters ignored)
 * @param contentEncoding the upstream `Content-Encoding`
 */
export function encodeResponseBody(
  bytes: Buffer,
  contentType: string | undefined,
  contentEncoding: string | undefined,
): { body: string; isBase64Encoded: boolean } {
  if (bytes.length === 0) return { body: '', isBase64Encoded: false };
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const encoded = contentEncoding !== undefined && contentEncoding.trim().toLowerCase() !== 'identity';
  if (!encoded && TEXTUAL.test(type)) {
    try {
      return { body: utf8.decode(bytes), isBase64Encoded: false };
    } catch {
      // Declared textual but not UTF-8 (e.g. ISO-8859-1): fall through to base64 to stay byte-exact.
    }
  }
  return { body: bytes.toString('base64'), isBase64Encoded: true };
}

/** Length in bytes of a body after {@link encodeResponseBody} (what counts against the Lambda payload limit). */
export function encodedLength(e: { body: string; isBase64Encoded: boolean }): number {
  return e.isBase64Encoded ? e.body.length : Buffer.byteLength(e.body, 'utf8');
}
