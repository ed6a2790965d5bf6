import { isIP, connect as netConnect, type Socket } from 'node:net';
import { rootCertificates, connect as tlsConnect } from 'node:tls';
import type { BackendAddress } from './proxy-route.js';

/** Opens a connection to a backend: TCP, or TLS for https/wss. */
export type BackendDialer = (address: BackendAddress) => Socket;

/** Options for {@link createBackendDialer}. */
export interface BackendDialOptions {
  /**
   * Extra CA certificates (PEM) to trust for https/wss backends, on top of Node's bundled ones:
   * a dev CA such as mkcert's, or a self-signed backend certificate. Default none.
   */
  ca?: string | Buffer | (string | Buffer)[];
}

/**
 * A dialer that connects to the address exactly as given (no proxy variables, no host
 * rewriting). TLS verifies the certificate against Node's CAs plus `ca`, and sends SNI only for
 * host names (RFC 6066 forbids IP literals there).
 */
export function createBackendDialer(options: BackendDialOptions = {}): BackendDialer {
  const extra = options.ca === undefined ? [] : [options.ca].flat();
  const ca = extra.length > 0 ? [...rootCertificates, ...extra] : undefined;
  return ({ host, port, secure }) => {
    if (!secure) return netConnect({ host, port });
    return tlsConnect({
      host,
      port,
      ...(isIP(host) === 0 ? { servername: host } : {}),
      ...(ca ? { ca } : {}),
      ALPNProtocols: ['http/1.1'],
    });
  };
}
