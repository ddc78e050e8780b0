import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';

/**
 * Answers a request Node's HTTP parser refused before the gateway saw it (the local gateway's own rejections) with
 * the one error contract: an RFC 9457 problem (`application/problem+json`) with `type`, `title`, `status`, `detail`
 * and a request id (also in `x-amzn-RequestId`). Header block over Node's limit → 431; a method Node does not know
 * → 405; any other malformed request → 400. The connection is closed afterwards. A `HEAD` request gets the same
 * status line and headers without the body (RFC 9110 §9.3.2: a client reads no body after a HEAD response, so body
 * bytes would be taken for the next response — "data after Connection: close").
 * @param err the parser error (`code` such as `HPE_HEADER_OVERFLOW`, `HPE_INVALID_METHOD`; `rawPacket`: the bytes
 *   Node had read, whose start names the method)
 */
export function answerClientError(err: Error & { code?: string; rawPacket?: Buffer }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, title, detail] =
    err.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'The request headers are too large.']
      : err.code === 'HPE_INVALID_METHOD'
        ? [405, 'Method Not Allowed', 'The request method is not supported.']
        : [400, 'Bad Request', 'The request is not valid HTTP.'];
  const requestId = randomUUID();
  const body = JSON.stringify({
    type: `https://docs.marketedge.io/problems/${status}`,
    title,
    status,
    detail,
    requestId,
  });
  const head = err.rawPacket?.subarray(0, 5).toString('latin1') === 'HEAD ';
  socket.end(
    `HTTP/1.1 ${status} ${title}\r\ncontent-type: application/problem+json\r\ncache-control: no-store\r\n` +
      `x-amzn-RequestId: ${requestId}\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n` +
      (head ? '' : body),
  );
}
