import type { Duplex } from "node:stream";
import { errorBody } from "./api/api-errors.js";

/** What Node's HTTP parser refuses before any route runs, as the API's JSON errors. */
const ANSWERS: Record<string, { status: number; text: string; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    text: "Request Header Fields Too Large",
    code: "HEADERS_TOO_LARGE",
    message: "The request line and headers are larger than this server accepts (64 KiB): send a shorter URL or fewer headers.",
  },
};
const MALFORMED = {
  status: 400,
  text: "Bad Request",
  code: "MALFORMED_HTTP",
  message: "The request is not valid HTTP/1.1 and could not be read.",
};

/**
 * Answers what Node's HTTP parser refused (an oversized request line or headers, malformed
 * HTTP) with the API's JSON error body instead of Node's empty default answer, then closes
 * the connection. For `server.on("clientError", answerClientError)`.
 *
 * @example
 * ```ts
 * httpServer.on("clientError", answerClientError);
 * ```
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable || (err.code === "ECONNRESET" && socket.destroyed)) {
    socket.destroy();
    return;
  }
  const answer = (err.code === undefined ? undefined : ANSWERS[err.code]) ?? MALFORMED;
  const body = JSON.stringify(errorBody(answer.code, answer.message));
  socket.end(
    `HTTP/1.1 ${answer.status} ${answer.text}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}
