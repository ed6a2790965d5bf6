import { stripVTControlCharacters } from 'node:util';
import { type ColorName, createColors } from '../../text/ansi-colors.js';
import type { LogLine } from '../types.js';

export type { ColorName };

/** How {@link formatLogLine} lays a line out. */
export interface LogLineFormat {
  /** ANSI colours: the service name coloured, the child's own colours kept. False: no ANSI at all. */
  color: boolean;
  /** Width the service name is padded to, in characters (the longest name shown). */
  width: number;
}

/** Options for {@link createLogPrinter}. */
export interface LogPrinterOptions {
  /** Where formatted output goes, one `write` per line, newline included. */
  write: (text: string) => void;
  /** Colour the output (a terminal without NO_COLOR); decided by the caller. */
  color: boolean;
  /** Every service that may be printed, so the names line up at the longest one. */
  services: readonly string[];
}

// Built once: formatting runs for every line of every service.
const COLORS = createColors(true);
const PLAIN = createColors(false);

/**
 * Colours for service names. No red: it would read as an error on every line of one service.
 * Bright variants double the palette so fewer stacks have two services the same colour.
 */
const PALETTE: readonly ColorName[] = [
  'cyan',
  'magenta',
  'yellow',
  'blue',
  'green',
  'cyanBright',
  'magentaBright',
  'yellowBright',
  'blueBright',
  'greenBright',
];

/** Separator after the name for output lines, and for portier's own notes. */
const OUTPUT_MARK = '|';
const NOTE_MARK = '»';

/**
 * The palette colour for a service: chosen from a hash of its name (FNV-1a), so `api` has the
 * same colour in every run and in `portier logs api` as in `portier up`, whatever else runs.
 */
export function serviceColor(service: string): ColorName {
  let hash = 0x811c9dc5;
  for (let i = 0; i < service.length; i++) {
    hash ^= service.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return PALETTE[(hash >>> 0) % PALETTE.length]!;
}

/**
 * One line for a terminal, without its newline: `api  | text`, the name padded to `width`.
 * portier's own notes read `api  » text` (dim italic in colour), so they stand apart from
 * the service's output. With `color`, the child's ANSI colours are kept and reset at the end
 * (a line that leaves a colour open must not tint the next service's prefix); without it, all
 * ANSI escapes are removed, the child's too, for pipes and NO_COLOR.
 */
export function formatLogLine(line: LogLine, format: LogLineFormat): string {
  const c = format.color ? COLORS : PLAIN;
  const name = c[serviceColor(line.service)](line.service.padEnd(format.width));
  if (line.stream === 'portier') {
    const text = format.color ? line.text : stripVTControlCharacters(line.text);
    return `${name} ${c.dim(NOTE_MARK)} ${c.dim(c.italic(text))}`;
  }
  if (!format.color) return `${name} ${OUTPUT_MARK} ${stripVTControlCharacters(line.text)}`;
  const reset = line.text.includes('\x1b') ? '\x1b[0m' : '';
  return `${name} ${c.dim(OUTPUT_MARK)} ${line.text}${reset}`;
}

/**
 * A log line printer for `portier up` and `portier logs`: formats each line with
 * {@link formatLogLine}, names padded to the longest of `services`, and hands it to `write`.
 */
export function createLogPrinter(options: LogPrinterOptions): (line: LogLine) => void {
  const width = options.services.reduce((max, name) => Math.max(max, name.length), 0);
  const format: LogLineFormat = { color: options.color, width };
  return (line) => options.write(`${formatLogLine(line, format)}\n`);
}
