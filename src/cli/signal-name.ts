import { PortierError } from '../errors.js';

/** Reads a signal as `TERM`, `SIGTERM`, `sigint` or a number (`9`); `INVALID_OPTION` otherwise. */
export function parseSignal(text: string): NodeJS.Signals {
  // `node:os` loaded here: `kill` without --signal never needs it.
  const signals = process.getBuiltinModule('node:os').constants.signals as Record<string, number>;
  const upper = text.toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  if (name in signals) return name as NodeJS.Signals;
  if (/^\d+$/.test(text)) {
    const found = Object.entries(signals).find(([, n]) => n === Number(text));
    if (found) return found[0] as NodeJS.Signals;
  }
  throw new PortierError(
    'INVALID_OPTION',
    `Unknown signal "${text}": expected a name like TERM, SIGINT, KILL or a number like 15.`,
  );
}
