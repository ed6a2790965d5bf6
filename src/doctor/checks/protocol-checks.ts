import { formatHostPort } from '../../net/target.js';
import { formatAttempt, formatListener } from '../evidence.js';
import type { Check, TargetFacts } from '../types.js';

const holderText = (f: TargetFacts) =>
  f.holders.listeners.filter((l) => l.protocol === 'tcp').map(formatListener);

/** TLS_MISMATCH: https/tls against a plaintext server, or http against a TLS server. */
export const tlsMismatch: Check = (f) => {
  const problem = f.probe.problem;
  const alternateWorks = f.alternateProbe?.ok === true;
  if (problem !== 'tls-expected' && problem !== 'plaintext-expected' && !alternateWorks)
    return undefined;
  const serverSpeaksTls =
    problem === 'plaintext-expected' ||
    (alternateWorks && f.alternateProbe?.target.kind === 'https');
  const scheme = serverSpeaksTls ? 'https' : 'http';
  const url = `${scheme}://${formatHostPort(f.target.host, f.target.port)}${f.target.path}`;
  return {
    code: 'TLS_MISMATCH',
    severity: 'error',
    summary: serverSpeaksTls
      ? `The server on port ${f.target.port} speaks TLS, but the client spoke plain ${f.target.kind.toUpperCase()}.`
      : `The server on port ${f.target.port} speaks plain text, but the client expected TLS.`,
    evidence: [
      `probe (${f.target.kind}): ${f.probe.summary}`,
      ...(f.alternateProbe
        ? [`probe (${f.alternateProbe.target.kind}): ${f.alternateProbe.summary}`]
        : []),
      ...holderText(f),
    ],
    fix: `Use ${url}`,
  };
};

/** HOST_HEADER_REJECTED: the server refuses requests for this host name (DNS-rebinding protection). */
export const hostHeaderRejected: Check = (f) => {
  if (f.probe.problem !== 'host-header-rejected') return undefined;
  const evidence =
    typeof f.probe.details?.evidence === 'string' ? [`response: ${f.probe.details.evidence}`] : [];
  return {
    code: 'HOST_HEADER_REJECTED',
    severity: 'error',
    summary: `The server answered but refused the Host "${formatHostPort(f.target.host, f.target.port)}": ${f.probe.summary}.`,
    evidence: [`probe: ${f.probe.summary}`, ...evidence, ...holderText(f)],
    fix: `Allow the host in the dev server (Vite: server.allowedHosts; webpack-dev-server: allowedHosts; Django: ALLOWED_HOSTS; Rails: config.hosts), or use the host it expects (usually localhost).`,
  };
};

/** WRONG_SERVICE_ON_PORT: something else answers on the port. */
export const wrongService: Check = (f) => {
  if (f.probe.problem !== 'wrong-service') return undefined;
  return {
    code: 'WRONG_SERVICE_ON_PORT',
    severity: 'error',
    summary: `Another kind of service answers on port ${f.target.port}: the ${f.target.kind} probe got ${f.probe.summary}.`,
    evidence: [`probe: ${f.probe.summary}`, ...holderText(f)],
    fix: `Check which program holds the port (\`portier who ${f.target.port}\`) and point the client at the right port.`,
  };
};

/** HTTP_ERROR_STATUS: an HTTP answer outside the accepted statuses. */
export const httpErrorStatus: Check = (f) => {
  if (f.probe.problem !== 'http-status') return undefined;
  const status = Number(f.probe.details?.status);
  return {
    code: 'HTTP_ERROR_STATUS',
    severity: status >= 500 ? 'error' : 'warning',
    summary: `The server is up but answered ${f.probe.summary}.`,
    evidence: [`probe: ${f.probe.summary}`, ...holderText(f)],
    fix:
      status === 404
        ? `Check the path ${f.target.path}; the server runs.`
        : 'The server runs; look at its log for this request.',
  };
};

/** REACHABLE: the target answered as expected. */
export const reachable: Check = (f) => {
  if (!f.probe.ok) return undefined;
  const used = f.probe.attempts.find((a) => a.outcome === 'connected');
  return {
    code: 'REACHABLE',
    severity: 'ok',
    summary: `${f.target.input} is reachable: ${f.probe.summary}.`,
    evidence: [...(used ? [formatAttempt(used)] : []), ...holderText(f)],
  };
};
