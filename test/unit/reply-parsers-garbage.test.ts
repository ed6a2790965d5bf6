import { describe, expect, it } from 'vitest';
import { wrongServiceResult } from '../../src/probes/protocols/foreign-reply.js';
import { takeMysqlGreeting } from '../../src/probes/protocols/mysql-wire.js';
import { decideStartupReply, parseSslAnswer } from '../../src/probes/protocols/postgres-reply.js';
import { takeRedisReply } from '../../src/probes/protocols/resp.js';
import { PG18_REPLIES } from '../helpers/postgres-captured.js';

// The parsers run inside socket 'data' handlers, where a throw would crash the process and
// leave the probe unresolved: any bytes at all must give a value or "read on".

/** Deterministic PRNG (mulberry32) so a failure can be replayed. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const context = { ssl: false, user: 'portier', database: 'postgres' };
const parsers: [string, (bytes: Buffer) => unknown][] = [
  ['decideStartupReply', (bytes) => decideStartupReply(bytes, context)],
  ['parseSslAnswer', (bytes) => parseSslAnswer(bytes, context)],
  ['takeRedisReply', takeRedisReply],
  ['takeMysqlGreeting', takeMysqlGreeting],
  ['wrongServiceResult', (bytes) => wrongServiceResult('PostgreSQL', bytes)],
];

const bytesOf = (next: () => number, length: number) =>
  Buffer.from(Array.from({ length }, () => Math.floor(next() * 256)));

/** 1–3 well-framed PostgreSQL messages of startup types with short random bodies. */
function postgresFrames(next: () => number): Buffer {
  const frames = Array.from({ length: 1 + Math.floor(next() * 3) }, () => {
    const body = bytesOf(next, Math.floor(next() * 12));
    const header = Buffer.alloc(5);
    header.write('REvNSKZ'[Math.floor(next() * 7)]!, 0, 'latin1');
    header.writeInt32BE(4 + body.length, 1);
    return Buffer.concat([header, body]);
  });
  return Buffer.concat(frames);
}

/** A MySQL packet, sequence 0, starting 0x0a or 0xff, with a short random rest. */
function mysqlFrame(next: () => number): Buffer {
  const payload = Buffer.concat([
    Buffer.of(next() < 0.5 ? 0x0a : 0xff),
    bytesOf(next, Math.floor(next() * 60)),
  ]);
  const header = Buffer.alloc(4);
  header.writeUIntLE(payload.length, 0, 3);
  return Buffer.concat([header, payload]);
}

/** Random buffers, framed messages with random bodies, and mutated captured replies. */
function samples(): Buffer[] {
  const next = random(20_261_126);
  const out: Buffer[] = [];
  for (let i = 0; i < 1_000; i++) {
    out.push(bytesOf(next, Math.floor(next() * 80)), postgresFrames(next), mysqlFrame(next));
    out.push(
      Buffer.from(
        `${'+-:$*_'[Math.floor(next() * 6)]}${bytesOf(next, 10).toString('latin1')}\r\n`,
        'latin1',
      ),
    );
  }
  for (const text of Object.values(PG18_REPLIES)) {
    for (let i = 0; i < 200; i++) {
      const bytes = Buffer.from(text, 'hex');
      for (let j = 0; j < 3; j++)
        bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
      out.push(bytes.subarray(0, Math.floor(next() * (bytes.length + 1))));
    }
  }
  return out;
}

describe.each(parsers)('%s on garbage', (_name, parse) => {
  it('never throws', () => {
    for (const bytes of samples()) {
      expect(() => parse(bytes), bytes.toString('hex')).not.toThrow();
    }
  });
});
