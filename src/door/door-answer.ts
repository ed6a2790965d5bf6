/**
 * Answering a client with a door page, the same way whether it sent a plain request (a
 * response) or an upgrade (a raw socket): what admission and the forwarder use.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { acceptsHtml } from '../serve/error-page.js';
import { renderDoorPage, sendPage, sendRawPage } from './door-page.js';
import type { Answerer } from './route-admission.js';

/** Answers on `res`: HTML when the client accepts it, plain text otherwise. */
export function responseAnswerer(req: IncomingMessage, res: ServerResponse): Answerer {
  return {
    page: (page) => sendPage(res, renderDoorPage(page, acceptsHtml(req.headers.accept))),
    gone: () => res.destroyed || res.writableEnded,
    onGone(listener) {
      res.once('close', listener);
      return () => res.off('close', listener);
    },
  };
}

/** Answers on an upgrade's raw socket, then closes it. */
export function socketAnswerer(req: IncomingMessage, socket: Duplex): Answerer {
  return {
    page: (page) => sendRawPage(socket, renderDoorPage(page, acceptsHtml(req.headers.accept))),
    gone: () => socket.destroyed,
    onGone(listener) {
      socket.once('close', listener);
      return () => socket.off('close', listener);
    },
  };
}
