import type { LogLine, LogQuery } from './types.js';

/**
 * What the supervisor needs from its log store (the log hub in `logs/`): per-service output
 * streams, portier's own notes, and reading back.
 */
export interface StackLogs {
  stream(service: string, stream: 'stdout' | 'stderr'): { push(chunk: Buffer): void; end(): void };
  note(service: string, text: string): void;
  tail(service: string, lines: number): LogLine[];
  query(query: LogQuery): LogLine[];
  subscribe(listener: (line: LogLine) => void): () => void;
  close(): Promise<void>;
}
