// The door's memory with many idle keep-alive clients: open N connections from this process,
// one GET each (answered in full, the connection left open), then read the door's VmRSS from
// /proc while all of them are still open.

import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** Client connections held open at once. */
export const MEMORY_CONNECTIONS = 1_000;
/** Connections being opened at the same time (the rest wait their turn). */
const OPEN_CONCURRENCY = 100;
/** RSS is read this many times, this far apart, and the largest reading kept. */
const READS = 5;
const READ_INTERVAL_MS = 200;
/** A connection that has no whole answer after this long counts as failed, ms. */
const ANSWER_TIMEOUT_MS = 10_000;
/** Bytes in a MB (the report's unit, 10⁶ as in the stack bench). */
const MB = 1e6;

/** VmRSS and VmHWM (peak) of a /proc/<pid>/status text, in KiB. */
export function parseStatusMemory(text) {
  const kib = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1]);
  return { rssKiB: kib('VmRSS'), hwmKiB: kib('VmHWM') };
}

function readMemory(pid, procRoot = '/proc') {
  return parseStatusMemory(readFileSync(`${procRoot}/${pid}/status`, 'utf8'));
}

/** Open sockets of `pid` (client, upstream and listening ones), from its fd table. */
function countSockets(pid, procRoot = '/proc') {
  let count = 0;
  for (const fd of readdirSync(`${procRoot}/${pid}/fd`)) {
    try {
      if (readlinkSync(`${procRoot}/${pid}/fd/${fd}`).startsWith('socket:')) count += 1;
    } catch {
      // Closed meanwhile.
    }
  }
  return count;
}

/**
 * One keep-alive connection with one whole answer to `GET path`: resolves with the open socket
 * (`ok`) or a reason. The answer is complete once its head and Content-Length bytes are in.
 */
function openAnswered(port, path, host) {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => done({ ok: false, reason: 'timeout' }), ANSWER_TIMEOUT_MS);
    function done(result) {
      clearTimeout(timer);
      socket.off('data', onData);
      if (!result.ok) socket.destroy();
      resolve({ ...result, socket });
    }
    function onData(chunk) {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = received.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1] ?? Number.NaN);
      if (!head.startsWith('HTTP/1.1 200'))
        return done({ ok: false, reason: head.split('\r\n')[0] });
      if (received.length - end - 4 >= length) done({ ok: true });
    }
    socket.on('data', onData);
    socket.on('error', (error) => done({ ok: false, reason: error.code ?? error.message }));
    socket.write(`GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n\r\n`);
  });
}

/**
 * Opens `connections` keep-alive clients to 127.0.0.1:`port` (each answered once), reads the
 * RSS of `pid` while they are open, then closes them. Resolves with MB figures and counts.
 */
export async function measureOpenConnections({
  pid,
  port,
  path,
  host,
  connections = MEMORY_CONNECTIONS,
}) {
  const idle = readMemory(pid);
  const sockets = [];
  const failures = new Map();
  try {
    let next = 0;
    const opener = async () => {
      while (next < connections) {
        next += 1;
        const result = await openAnswered(port, path, host);
        sockets.push(result.socket);
        if (!result.ok) failures.set(result.reason, (failures.get(result.reason) ?? 0) + 1);
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: OPEN_CONCURRENCY }, opener));
    const openS = (performance.now() - started) / 1000;
    let peak = idle;
    for (let i = 0; i < READS; i++) {
      const now = readMemory(pid);
      if (now.rssKiB > peak.rssKiB) peak = now;
      if (i < READS - 1) await sleep(READ_INTERVAL_MS);
    }
    const open = sockets.filter((s) => !s.destroyed && s.readyState === 'open').length;
    return {
      connections,
      open,
      failures: Object.fromEntries(failures),
      openS,
      doorSockets: countSockets(pid),
      rssIdleMB: (idle.rssKiB * 1024) / MB,
      rssMB: (peak.rssKiB * 1024) / MB,
      hwmMB: (readMemory(pid).hwmKiB * 1024) / MB,
    };
  } finally {
    for (const socket of sockets) socket.destroy();
  }
}
