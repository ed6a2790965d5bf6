/**
 * What the door says when it does not forward: a service that is down or slow to start, an
 * upstream that fails, an unknown name, a refused request, a loop. Pure: values in, a
 * {@link DoorPage} out.
 */
import type { ProxyFailure } from '../serve/proxy-failure.js';
import type { DoorPage } from './door-page.js';
import { DOOR_PORT, type Route, type RouteHealth } from './types.js';

/** How long a status page waits before reloading itself, s. */
export const STATUS_REFRESH_S = 2;

/** The host name a route answers on: `api.shop.localhost`, `api.localhost`. */
export function routeHost(route: Route): string {
  return route.project ? `${route.name}.${route.project}.localhost` : `${route.name}.localhost`;
}

/** The route's URL through the door: `http://api.localhost:57573`. */
export function routeUrl(route: Route, port = DOOR_PORT): string {
  return `http://${routeHost(route)}:${port}`;
}

/** `127.0.0.1:5173`, `[::1]:5173`. */
export function upstreamText(route: Route): string {
  const { address, port } = route.upstream;
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

function label(route: Route): string {
  return route.project ? `${route.name} (${route.project})` : route.name;
}

function restartHint(route: Route): string {
  if (route.kind === 'stack')
    return `See its output with \`portier logs ${route.name}\`; start it again with \`portier restart ${route.name}\`. This page reloads by itself.`;
  if (route.kind === 'run')
    return `It was started by \`portier run ${route.name} -- …\`; run it again. This page reloads by itself.`;
  return `Start the program that listens on ${upstreamText(route)}. This page reloads by itself.`;
}

/**
 * 503 for a routed service that is not up: crashed, exited, failed, stopped, or still not
 * healthy after the hold (`heldMs`). Shows its state, exit code or signal, reason and last log
 * lines, and reloads every 2 s.
 */
export function serviceDownPage(
  route: Route,
  health: RouteHealth | undefined,
  heldMs?: number,
): DoorPage {
  const state = health?.state ?? 'unknown';
  const summary =
    heldMs === undefined
      ? `${label(route)} is ${state}, so there is nothing to forward to.`
      : `${label(route)} did not become ready within ${heldMs / 1000} s (it is ${state}).`;
  const rows: [string, string][] = [
    ['Service', label(route)],
    ['State', state],
  ];
  if (health?.exitCode !== undefined && health.exitCode !== null)
    rows.push(['Exit code', String(health.exitCode)]);
  if (health?.signal) rows.push(['Signal', health.signal]);
  if (health?.reason) rows.push(['Reason', health.reason]);
  rows.push(['Upstream', upstreamText(route)]);
  return {
    status: 503,
    summary,
    rows,
    lines: health?.lastLines ?? [],
    hint: restartHint(route),
    refreshS: STATUS_REFRESH_S,
  };
}

/** One sentence for a failed forward, naming the upstream address. */
function describeFailure(route: Route, failure: ProxyFailure): string {
  const where = upstreamText(route);
  switch (failure.kind) {
    case 'refused':
      return `${label(route)} is not listening: ${where} refused the connection.`;
    case 'connect-timeout':
      return `${label(route)} did not accept a connection on ${where} within ${failure.timeoutMs} ms.`;
    case 'response-timeout':
      return `${label(route)} accepted the request on ${where} but sent no response within ${failure.timeoutMs} ms.`;
    case 'reset':
      return `${label(route)} closed the connection on ${where} before it answered.`;
    case 'bad-response':
      return `${label(route)} answered on ${where} with something that is not valid HTTP (${failure.errno}).`;
    case 'closed':
      return `The front door is shutting down; the request was not sent to ${where}.`;
    default:
      return `The request to ${label(route)} on ${where} failed (${failure.errno}).`;
  }
}

/**
 * 502/503/504 for a forward that failed before the response started. A refused or reset
 * connection (a service restarting) reloads every 2 s; a timeout does not (each try waits).
 */
export function upstreamFailurePage(route: Route, failure: ProxyFailure): DoorPage {
  const retryable = failure.kind === 'refused' || failure.kind === 'reset';
  return {
    status: failure.status,
    summary: describeFailure(route, failure),
    rows: [
      ['Service', label(route)],
      ['Upstream', upstreamText(route)],
      ['Error', failure.errno],
    ],
    hint:
      route.kind === 'alias'
        ? `Is the program on ${upstreamText(route)} running? Check with \`portier doctor ${route.upstream.port}\`.`
        : `Check its output with \`portier logs ${route.name}\`, or run \`portier doctor ${route.upstream.port}\`.`,
    ...(retryable ? { refreshS: STATUS_REFRESH_S } : {}),
  };
}

/** 404 for a `*.localhost` name nothing is registered under: the live routes and how to add one. */
export function unknownNamePage(
  name: string,
  routes: readonly Route[],
  port = DOOR_PORT,
  candidates: readonly string[] = [],
): DoorPage {
  const sorted = [...routes].sort((a, b) => routeHost(a).localeCompare(routeHost(b)));
  const links = sorted.map((route): [string, string] => [
    `${label(route)} → ${upstreamText(route)}`,
    routeUrl(route, port),
  ]);
  if (candidates.length > 0) {
    return {
      status: 404,
      summary: `"${name}" is ambiguous: ${candidates.map((c) => `${c}:${port}`).join(' or ')}.`,
      links,
      linksTitle: 'Live routes',
      hint: 'Several running stacks have this service; use its full name <service>.<project>.localhost.',
    };
  }
  // `portier alias` and `run` take the first label; a two-label name belongs to a stack.
  const short = name.endsWith('.localhost') ? name.slice(0, -'.localhost'.length) : name;
  return {
    status: 404,
    summary: `Nothing is named "${name}" on this front door.`,
    links,
    linksTitle: sorted.length ? 'Live routes' : 'No live routes',
    hint: short.includes('.')
      ? `"${short}" would be a service of a stack: start it with \`portier up\` in that project.`
      : `Name a running server with \`portier alias ${short} <port>\`, or start one with \`portier run ${short} -- <command>\`.`,
  };
}

/** 400/403/421/405/505 for a request refused before routing, with the reason. */
export function refusedPage(status: number, reason: string, port = DOOR_PORT): DoorPage {
  return {
    status,
    summary: reason,
    hint: `The front door answers http://<name>.localhost:${port} for local services only.`,
  };
}

/** 508 for a request that came back through the door it already passed. */
export function loopPage(route: Route): DoorPage {
  return {
    status: 508,
    summary: `The request looped: ${label(route)}'s upstream ${upstreamText(route)} sent it back to the front door.`,
    rows: [['Upstream', upstreamText(route)]],
    hint: `Point ${route.name} at the port its server really listens on, not at the front door.`,
  };
}

/** The placeholder for `portier.localhost` until the dashboard is served: the live routes. */
export function dashboardPlaceholderPage(routes: readonly Route[], port = DOOR_PORT): DoorPage {
  const page = unknownNamePage('', routes, port);
  return {
    ...page,
    status: 200,
    summary: 'portier front door. The dashboard is not served yet.',
    hint: 'Add a route with `portier alias <name> <port>` or `portier run <name> -- <command>`.',
  };
}

/** 500 when one of the functions the door was given threw; the message says which failed. */
export function internalErrorPage(error: unknown): DoorPage {
  const message = error instanceof Error ? error.message : String(error);
  return {
    status: 500,
    summary: `The front door failed to handle this request: ${message}`,
    hint: 'This is a bug in portier; the door keeps serving other requests.',
  };
}
