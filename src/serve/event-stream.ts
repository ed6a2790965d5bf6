import type { IncomingMessage, ServerResponse } from 'node:http';
import { formatSseComment, formatSseEvent, type SseEvent } from './sse-event.js';

/** Options of {@link createEventStream}. */
export interface EventStreamOptions {
  /** Time between comment heartbeats, in ms. */
  heartbeatMs: number;
  /** Reconnection delay hinted to clients (`retry:`), in ms. */
  retryMs: number;
  /** Time `close()` waits for a client to take the end of its stream, in ms. Default 1000. */
  closeGraceMs?: number;
}

/** Open `text/event-stream` responses, all sent the same events. */
export interface EventStream {
  /** Starts a stream on `res`, first sending `first` (events for this client only). */
  open(req: IncomingMessage, res: ServerResponse, first: readonly SseEvent[]): void;
  /** Sends an event to every open stream. */
  broadcast(message: SseEvent): void;
  /** Number of open streams. */
  readonly size: number;
  /** Ends every stream; resolves once each connection took it, or was destroyed after the grace. */
  close(): Promise<void>;
}

/**
 * A broadcaster of Server-Sent Events. A stream leaves the set when its connection closes (tab
 * closed, reload), so closed pages leak nothing. One heartbeat timer serves every stream; it
 * runs only while a stream is open and never keeps the process alive.
 */
export function createEventStream(options: EventStreamOptions): EventStream {
  const streams = new Set<ServerResponse>();
  let heartbeat: NodeJS.Timeout | undefined;
  const write = (text: string) => {
    for (const res of streams) res.write(text);
  };
  const updateHeartbeat = () => {
    if (streams.size > 0 && heartbeat === undefined) {
      heartbeat = setInterval(() => write(formatSseComment('ping')), options.heartbeatMs);
      heartbeat.unref();
    } else if (streams.size === 0 && heartbeat !== undefined) {
      clearInterval(heartbeat);
      heartbeat = undefined;
    }
  };
  return {
    open(req, res, first) {
      res.writeHead(200, {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
        // Ended streams close their connection instead of idling in keep-alive, so a server
        // shutting down (ending every stream, then `server.close()`) is not held up by them.
        Connection: 'close',
      });
      // No idle timeout on a stream that is meant to stay open; heartbeats show it is alive.
      req.socket.setTimeout(0);
      res.write(formatSseEvent({ retry: options.retryMs }));
      for (const message of first) res.write(formatSseEvent(message));
      streams.add(res);
      res.once('close', () => {
        streams.delete(res);
        updateHeartbeat();
      });
      updateHeartbeat();
    },
    broadcast(message) {
      write(formatSseEvent(message));
    },
    get size() {
      return streams.size;
    },
    async close() {
      const open = [...streams];
      streams.clear();
      updateHeartbeat();
      await Promise.all(open.map((res) => endStream(res, options.closeGraceMs ?? 1000)));
    },
  };
}

function endStream(res: ServerResponse, graceMs: number): Promise<void> {
  return new Promise<void>((resolve) => {
    if (res.closed) return resolve();
    // A client that stopped reading never takes the end: destroy its connection after the grace.
    const timer = setTimeout(() => res.destroy(), graceMs);
    timer.unref();
    res.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    res.end();
  });
}
