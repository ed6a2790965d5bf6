import type { ProtocolProbe } from '../types.js';

/** TCP: a completed handshake is the whole check. */
export const tcpProbe: ProtocolProbe = {
  kind: 'tcp',
  async exchange(socket, target) {
    socket.destroy();
    return { ready: true, summary: `TCP connection accepted on port ${target.port}` };
  },
};
