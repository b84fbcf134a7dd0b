import { CronExpressionParser } from 'cron-parser';
import { CliError } from '../errors.js';

/**
 * The next time a cron expression fires strictly after `after` (epoch ms). Accepts 5- or 6-field
 * expressions and the `@daily`-style shortcuts of cron-parser.
 */
export function nextCronTime(cron: string, after: number): number {
  try {
    return CronExpressionParser.parse(cron, { currentDate: new Date(after) })
      .next()
      .getTime();
  } catch (error) {
    throw new CliError(
      'E_BAD_CRON',
      `--every ${JSON.stringify(cron)} is not a cron expression (for example "*/15 * * * *" or "@daily").`,
      { cause: error },
    );
  }
}

/**
 * Parses `--at`: an ISO date-time (`2026-05-01T09:00`), a time today or tomorrow (`09:30`), or a
 * delay from now (`+90s`, `+15m`, `+2h`, `+1d`). Returns epoch ms.
 */
export function parseAtTime(text: string, now = Date.now()): number {
  const trimmed = text.trim();
  const delay = /^\+(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(trimmed);
  if (delay) {
    const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
      delay[2] as 'ms' | 's' | 'm' | 'h' | 'd'
    ];
    return now + Math.round(Number(delay[1]) * unit);
  }
  const clock = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(trimmed);
  if (clock) {
    const date = new Date(now);
    date.setHours(Number(clock[1]), Number(clock[2]), Number(clock[3] ?? 0), 0);
    if (date.getTime() <= now) date.setDate(date.getDate() + 1);
    return date.getTime();
  }
  const parsed = Date.parse(trimmed);
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed) && Number.isFinite(parsed)) return parsed;
  throw new CliError(
    'E_BAD_TIME',
    `--at ${JSON.stringify(text)} is not a time: use an ISO date-time (2026-05-01T09:00), a clock time (09:30) or a delay (+15m).`,
  );
}
