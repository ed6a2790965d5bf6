/**
 * Which upstream responses the door copies to the client itself, straight from the socket's
 * read buffer, instead of through llhttp's body callbacks (which copy every chunk once more):
 * bodies framed by one Content-Length and nothing else.
 */

/**
 * The body length of a response head that llhttp has accepted, when the body is framed by
 * Content-Length alone and is not empty; -1 otherwise (chunked, close-delimited, empty, or a
 * length past 2^53). Call only for final responses that have a body (not 1xx, 204, 304, or the
 * answer to HEAD).
 */
export function fixedBodyLength(rawHeaders: readonly string[]): number {
  let length = -1;
  for (let i = 0; i < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    // Only the two framing headers matter; compare lengths first to skip the rest cheaply.
    if (name.length === 14 && name.toLowerCase() === 'content-length') {
      // llhttp has already refused a second, differing or non-numeric Content-Length.
      length = Number(rawHeaders[i + 1]);
    } else if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') {
      return -1;
    }
  }
  return length > 0 && Number.isSafeInteger(length) ? length : -1;
}
