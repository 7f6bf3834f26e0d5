import type { Logger } from '../../src/logger.js';

export type LogLine = [level: 'info' | 'warn' | 'error', message: string, fields: Record<string, unknown>];

/** A logger that keeps its lines (info, warn and error), for tests of what is said and when. */
export function recordingLog() {
  const lines: LogLine[] = [];
  const at =
    (level: LogLine[0]) =>
    (fields: Record<string, unknown>, message: string): void => {
      lines.push([level, message, fields]);
    };
  const log = { info: at('info'), warn: at('warn'), error: at('error') } as unknown as Logger;
  return { lines, log, said: (message: RegExp) => lines.filter(([, m]) => message.test(m)) };
}
