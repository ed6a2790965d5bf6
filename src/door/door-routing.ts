/**
 * Where a request goes, decided from its Host header and request line before a byte is sent
 * upstream: a page (refusal, 404, loop), the dashboard, or a route and the path to forward.
 */
import type { IncomingMessage } from 'node:http';
import type { DoorHandlerContext } from './door-handler.js';
import type { DoorPage } from './door-page.js';
import { loopPage, refusedPage, unknownNamePage } from './door-pages.js';
import { checkRequest, type RequestHeaderScan } from './request-check.js';
import type { Route } from './types.js';

/** Where a request goes, decided before anything is sent upstream. */
export type Routing =
  | { kind: 'page'; page: DoorPage; close: boolean }
  | { kind: 'dashboard' }
  | { kind: 'forward'; route: Route; path: string };

function refuse(status: number, reason: string, port: number): Routing {
  return { kind: 'page', page: refusedPage(status, reason, port), close: true };
}

/**
 * Host first (exactly one, then `decide`), then method, version, framing and target, then the
 * route: refusals close the connection (`close`), a 404 or a loop does not.
 */
export function routeRequest(
  ctx: DoorHandlerContext,
  req: IncomingMessage,
  scan: RequestHeaderScan,
): Routing {
  const host = scan.hostCount === 1 ? scan.host : undefined;
  const decision = ctx.options.decide(host);
  if (host === undefined)
    return refuse(
      400,
      scan.hostCount === 0
        ? 'The request has no Host header.'
        : `The request has ${scan.hostCount} Host headers; exactly one is allowed.`,
      ctx.port(),
    );
  if (decision.kind === 'reject') return refuse(decision.status, decision.reason, ctx.port());
  const target = checkRequest(
    { method: req.method ?? '', url: req.url ?? '', httpVersion: req.httpVersion },
    scan,
  );
  if (!target.ok) return refuse(target.status, target.reason, ctx.port());
  if (decision.kind === 'dashboard') return { kind: 'dashboard' };
  if (decision.kind === 'unknown')
    return {
      kind: 'page',
      page: unknownNamePage(decision.name, ctx.options.routes(), ctx.port(), decision.candidates),
      close: false,
    };
  if (scan.looped) return { kind: 'page', page: loopPage(decision.route), close: false };
  return { kind: 'forward', route: decision.route, path: target.path };
}
