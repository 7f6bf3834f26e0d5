/**
 * Structured JSON logs, one line per event, on standard output. Workers write
 * straight to the file descriptor (pino's synchronous destination), so a log
 * line is never lost when a thread dies. The operator's commands log to
 * standard error instead: their standard output carries only their results.
 */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(bindings: Record<string, unknown>, fd: 1 | 2 = 1): Logger {
  return pino(
    {
      level: process.env['LOG_LEVEL'] ?? 'info',
      base: { service: 'tracknum', pid: process.pid, ...bindings },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    pino.destination({ dest: fd, sync: true }),
  );
}
