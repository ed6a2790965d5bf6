import { readFileSync, realpathSync, type Stats, statSync } from 'node:fs';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
import { contentTypeFor, isCompressible } from './content-type.js';

/** Files up to this size are kept in memory (with compressed forms), in bytes. */
export const MEMORY_CACHE_MAX_BYTES = 4 * 1024 * 1024;
/** Smallest body worth compressing, in bytes: below it headers cost more than they save. */
const MIN_COMPRESS_BYTES = 512;

/** What the server knows about one file; built once, dropped when the file changes. */
export interface FileEntry {
  path: string;
  /** Real path, for the symlink check. */
  realPath: string;
  size: number;
  mtimeMs: number;
  ino: number;
  etag: string;
  lastModified: string;
  contentType: string;
  compressible: boolean;
  /** The bytes, for files up to {@link MEMORY_CACHE_MAX_BYTES}. */
  body?: Buffer;
  /** Compressed forms, made on first demand. */
  gzip?: Buffer;
  br?: Buffer;
}

/** A weak validator from size, mtime and inode: cheap, and changes whenever the file does. */
export function etagFor(stat: Pick<Stats, 'size' | 'mtimeMs' | 'ino'>): string {
  return `W/"${stat.size.toString(36)}-${Math.floor(stat.mtimeMs).toString(36)}-${stat.ino.toString(36)}"`;
}

/** Reads a file's facts (and small bodies) into an entry; throws ENOENT/EISDIR like fs does. */
export function loadFileEntry(path: string, stat: Stats = statSync(path)): FileEntry {
  const contentType = contentTypeFor(path);
  const entry: FileEntry = {
    path,
    realPath: realpathSync(path),
    size: stat.size,
    mtimeMs: stat.mtimeMs,
    ino: stat.ino,
    etag: etagFor(stat),
    lastModified: stat.mtime.toUTCString(),
    contentType,
    compressible: isCompressible(contentType) && stat.size >= MIN_COMPRESS_BYTES,
  };
  if (stat.size <= MEMORY_CACHE_MAX_BYTES) entry.body = readFileSync(path);
  return entry;
}

/** True when the entry still describes the file on disk. */
export function isFresh(entry: FileEntry, stat: Pick<Stats, 'size' | 'mtimeMs' | 'ino'>): boolean {
  return entry.size === stat.size && entry.mtimeMs === stat.mtimeMs && entry.ino === stat.ino;
}

/** The compressed body for `encoding`, made once and kept (dev-speed levels: fast, still small). */
export function compressedBody(entry: FileEntry, encoding: 'br' | 'gzip'): Buffer | undefined {
  if (!entry.body || !entry.compressible) return undefined;
  if (encoding === 'br') {
    entry.br ??= brotliCompressSync(entry.body, {
      params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: entry.body.length },
    });
    return entry.br;
  }
  entry.gzip ??= gzipSync(entry.body, { level: 6 });
  return entry.gzip;
}

/** Picks `br` or `gzip` from Accept-Encoding (q=0 refuses), preferring br. */
export function negotiateEncoding(header: string | undefined): 'br' | 'gzip' | undefined {
  if (!header) return undefined;
  const accepted = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name = '', ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
    accepted.set(name, q === undefined ? 1 : Number(q));
  }
  const ok = (name: string) => (accepted.get(name) ?? accepted.get('*') ?? 0) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return undefined;
}
