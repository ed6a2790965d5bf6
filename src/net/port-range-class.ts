/**
 * The three port ranges of RFC 6335 §6 (https://www.rfc-editor.org/rfc/rfc6335#section-6):
 * - `well-known`: 0–1023, System Ports, assigned through IETF review; binding needs privilege.
 * - `registered`: 1024–49151, User Ports, assigned by IANA to a service on request.
 * - `dynamic`: 49152–65535, Dynamic/Private Ports, never assigned; IANA's ephemeral range.
 */
export type PortRangeClass = 'well-known' | 'registered' | 'dynamic';

// RFC 6335 §6 range bounds, inclusive.
const MAX_WELL_KNOWN_PORT = 1023;
const MAX_REGISTERED_PORT = 49151;
const MAX_PORT = 65535;

/**
 * The RFC 6335 range class of `port`: well-known 0–1023, registered 1024–49151, dynamic
 * 49152–65535.
 *
 * @param port Port number, an integer 0–65535.
 * @throws RangeError when `port` is not an integer 0–65535: callers validate user input first
 * (`validatePort`), so reaching this is a bug.
 */
export function portRangeClass(port: number): PortRangeClass {
  if (!Number.isInteger(port) || port < 0 || port > MAX_PORT) {
    throw new RangeError(`portRangeClass: ${port} is not a port number (an integer 0–${MAX_PORT})`);
  }
  if (port <= MAX_WELL_KNOWN_PORT) return 'well-known';
  if (port <= MAX_REGISTERED_PORT) return 'registered';
  return 'dynamic';
}
