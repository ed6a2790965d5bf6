// The stack both sides start: N copies of bench/fixtures/health-server.mjs. For portier, a
// portier.yaml (ports leased by portier: `port: auto`, the default); for the peer, the same
// commands with fixed ports for concurrently, and the /health URLs for wait-on.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `s01` … `s20`: service names, zero-padded so they sort. */
export function serviceNames(count) {
  const width = String(count).length;
  return Array.from({ length: count }, (_, i) => `s${String(i + 1).padStart(width, '0')}`);
}

/** The portier.yaml text: `count` services running `command`, each ready on `http /health`. */
export function renderStackYaml({ name, count, command }) {
  const lines = [`name: ${name}`, 'services:'];
  for (const service of serviceNames(count))
    lines.push(`  ${service}:`, `    command: ${command}`, '    ready: { http: /health }');
  return `${lines.join('\n')}\n`;
}

/** Writes portier.yaml into `dir` and returns its path. */
export function writeStackFile(dir, options) {
  const file = join(dir, 'portier.yaml');
  writeFileSync(file, renderStackYaml(options));
  return file;
}

/**
 * concurrently's arguments, with its defaults: one shell command per port,
 * `PORT=<port> HOST=127.0.0.1 <command>` (concurrently runs each through a shell, as portier
 * runs a string command through /bin/sh).
 */
export function concurrentlyArgs(ports, command) {
  return ports.map((port) => `PORT=${port} HOST=127.0.0.1 ${command}`);
}

/** wait-on's arguments: every `http://127.0.0.1:<port>/health` (HEAD, 2xx), optional interval. */
export function waitOnArgs(ports, { intervalMs, timeoutMs = 30_000 } = {}) {
  return [
    '--timeout',
    String(timeoutMs),
    ...(intervalMs === undefined ? [] : ['--interval', String(intervalMs)]),
    ...ports.map((port) => `http://127.0.0.1:${port}/health`),
  ];
}
