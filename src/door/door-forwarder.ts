/**
 * Sends an admitted request on its way: a plain request through the pooled forward, an
 * upgrade through a tunnel, each with the door's request head. A refused connection is given
 * one more chance when the service turns out to be restarting.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ProxyFailure } from '../serve/proxy-failure.js';
import { responseAnswerer } from './door-answer.js';
import { renderDoorPage, sendRawPage } from './door-page.js';
import { upstreamFailurePage } from './door-pages.js';
import { openTunnel, type TunnelSettings } from './door-tunnel.js';
import { type ForwardRequest, type ForwardSettings, forwardHttp } from './forward-exchange.js';
import type { RequestHeaderScan } from './request-check.js';
import { type AdmissionSettings, holdAfterRefusal } from './route-admission.js';
import type { Route } from './types.js';
import { formatUpstreamHead } from './upstream-head.js';
import type { UpstreamPool } from './upstream-pool.js';

/** What the forwarder needs from the door. */
export interface ForwarderContext {
  pool: UpstreamPool;
  doorId: string;
  upstreamTimeoutMs: number;
  admission: AdmissionSettings;
  /** Registers tunnel sockets to destroy on close; returns the unregister. */
  track(sockets: Duplex[]): () => void;
}

/** Forwards admitted requests; built by {@link createForwarder}. */
export interface Forwarder {
  http(
    req: IncomingMessage,
    res: ServerResponse,
    route: Route,
    path: string,
    scan: RequestHeaderScan,
  ): void;
  upgrade(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    route: Route,
    path: string,
    scan: RequestHeaderScan,
  ): void;
}

/** The head for the upstream, from the request and its scan. */
function upstreamHead(
  doorId: string,
  req: IncomingMessage,
  scan: RequestHeaderScan,
  path: string,
  upgrade: boolean,
): string {
  return formatUpstreamHead(req.rawHeaders, {
    method: req.method ?? 'GET',
    path,
    host: scan.host ?? '',
    clientAddress: req.socket.remoteAddress,
    localPort: req.socket.localPort,
    doorId,
    upgrade,
    chunked: !upgrade && scan.transferEncodingCount > 0,
  });
}

/** Builds the forwarder; its settings objects are made once, not per request. */
export function createForwarder(ctx: ForwarderContext): Forwarder {
  const failurePage = (
    req: IncomingMessage,
    res: ServerResponse,
    forward: ForwardRequest,
    failure: ProxyFailure,
  ) => responseAnswerer(req, res).page(upstreamFailurePage(forward.route, failure));

  const forwardSettings: ForwardSettings = {
    pool: ctx.pool,
    upstreamTimeoutMs: ctx.upstreamTimeoutMs,
    onFailure(req, res, forward, failure) {
      // Refused while the state said healthy: the service may be restarting; look again.
      if (failure.kind !== 'refused' || forward.hasBody || forward.afterRefusal)
        return failurePage(req, res, forward, failure);
      forward.afterRefusal = true;
      holdAfterRefusal(
        ctx.admission,
        forward.route,
        responseAnswerer(req, res),
        () => forwardHttp(req, res, forward, forwardSettings),
        () => failurePage(req, res, forward, failure),
      );
    },
  };

  const tunnelSettings: TunnelSettings = {
    pool: ctx.pool,
    upstreamTimeoutMs: ctx.upstreamTimeoutMs,
    track: ctx.track,
    onFailure(socket, route, failure) {
      sendRawPage(socket, renderDoorPage(upstreamFailurePage(route, failure), false));
    },
  };

  return {
    http(req, res, route, path, scan) {
      const forward: ForwardRequest = {
        route,
        head: upstreamHead(ctx.doorId, req, scan, path, false),
        hasBody: scan.hasBody,
        chunked: scan.transferEncodingCount > 0,
        afterRefusal: false,
      };
      forwardHttp(req, res, forward, forwardSettings);
    },
    upgrade(req, socket, head, route, path, scan) {
      openTunnel(
        socket,
        head,
        route,
        upstreamHead(ctx.doorId, req, scan, path, true),
        tunnelSettings,
      );
    },
  };
}
