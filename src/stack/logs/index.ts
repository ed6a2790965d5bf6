/**
 * The log layer of the stack supervisor: lines from children's output, kept in memory and in
 * rotated JSON-lines files, fanned out to readers, searched and printed.
 */
export {
  type BoundedLineQueue,
  type BoundedLineQueueOptions,
  createBoundedLineQueue,
  DEFAULT_QUEUE_LINES,
  type LineBatch,
} from './bounded-line-queue.js';
export { createFanOut, type FanOut } from './fan-out.js';
export {
  createLineSplitter,
  type LineSplitter,
  type LineSplitterOptions,
  MAX_LINE_BYTES,
} from './line-splitter.js';
export { createLogFile, type LogFile, type LogFileOptions, MAX_PENDING_CHARS } from './log-file.js';
export {
  createLogHub,
  DEFAULT_KEEP_FILES,
  DEFAULT_MAX_FILE_BYTES,
  DEFAULT_MAX_LINES,
  type LogHub,
  type LogHubOptions,
} from './log-hub.js';
export {
  type ColorName,
  createLogPrinter,
  formatLogLine,
  type LogLineFormat,
  type LogPrinterOptions,
  serviceColor,
} from './log-printer.js';
export {
  type CompiledLogQuery,
  compileLogQuery,
  DEFAULT_LOG_LIMIT,
  lastLines,
  sortLogLines,
} from './log-query.js';
export {
  formatLogRecord,
  type LogRecord,
  logFileName,
  logFilePath,
  parseLogRecord,
} from './log-record.js';
export { createRing, type Ring } from './ring.js';
export { type LogFileQuery, searchLogFiles, serviceLogFiles } from './search-log-files.js';
