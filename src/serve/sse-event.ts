/** One Server-Sent Event (HTML Living Standard, "Server-sent events", the stream format). */
export interface SseEvent {
  /** Event type; the client listens with `addEventListener(event, …)`. */
  event?: string;
  /** Payload; several lines become several `data:` fields. */
  data?: string;
  /** Becomes the client's `lastEventId`, sent back as `Last-Event-ID` when it reconnects. */
  id?: string;
  /** Reconnection delay the client should use, in ms. */
  retry?: number;
}

/**
 * Formats one event for a `text/event-stream` body. Newlines inside `data` split it into
 * `data:` fields (the client joins them back with `\n`); newlines cannot occur in `event` or `id`
 * without breaking the stream, so they are removed there.
 */
export function formatSseEvent(message: SseEvent): string {
  let text = '';
  if (message.retry !== undefined) text += `retry: ${Math.max(0, Math.round(message.retry))}\n`;
  if (message.id !== undefined) text += `id: ${oneLine(message.id)}\n`;
  if (message.event !== undefined) text += `event: ${oneLine(message.event)}\n`;
  if (message.data !== undefined) {
    for (const line of message.data.split(/\r\n|\r|\n/)) text += `data: ${line}\n`;
  }
  return `${text}\n`;
}

/** A comment line: ignored by clients, it keeps an idle connection from being cut. */
export function formatSseComment(text: string): string {
  return `: ${oneLine(text)}\n\n`;
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]/g, '');
}
