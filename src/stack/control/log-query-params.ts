import type { LogQuery } from '../types.js';

/** Reads a {@link LogQuery} from URL parameters (`service` repeatable, `grep`, `since`, `limit`). */
export function parseLogQuery(params: URLSearchParams): LogQuery {
  const query: LogQuery = {};
  const services = params.getAll('service');
  if (services.length > 0) query.services = services;
  const grep = params.get('grep');
  if (grep) query.grep = grep;
  const since = Number(params.get('since'));
  if (params.has('since') && Number.isFinite(since)) query.since = since;
  const limit = Number(params.get('limit'));
  if (params.has('limit') && Number.isInteger(limit) && limit > 0) query.limit = limit;
  return query;
}

/** The inverse of {@link parseLogQuery}. */
export function formatLogQuery(query: LogQuery): string {
  const params = new URLSearchParams();
  for (const s of query.services ?? []) params.append('service', s);
  if (query.grep) params.set('grep', query.grep);
  if (query.since !== undefined) params.set('since', String(query.since));
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  const text = params.toString();
  return text ? `?${text}` : '';
}
