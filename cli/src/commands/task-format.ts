import type { ScheduleRecord, TaskEvent, TaskRecord } from '../queue/types.js';

/** `2026-05-01 09:30:12` in local time, or `-`. */
export function formatTime(epochMs: number | null | undefined): string {
  if (epochMs === null || epochMs === undefined) return '-';
  const date = new Date(epochMs);
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

function clip(text: string, width: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/**
 * One table line per task, newest first, for `meshwork tasks list`. A queued task that may not
 * start yet (`submit --at`) says when it will.
 */
export function formatTaskTable(tasks: readonly TaskRecord[], now = Date.now()): string {
  if (tasks.length === 0) return 'No tasks.\n';
  const header = `${'ID'.padEnd(13)} ${'STATUS'.padEnd(14)} ${'TRIES'.padEnd(5)} ${'CREATED'.padEnd(19)}  TASK`;
  const lines = tasks.map((task) => {
    const detail = task.result ? ` → ${task.result.summary}` : task.reason ? ` (${task.reason})` : '';
    // Before the task's text, so the clipping to the terminal's width never hides it.
    const starts =
      task.status === 'queued' && task.runAfter > now ? `[starts ${formatTime(task.runAfter)}] ` : '';
    return `${task.id.padEnd(13)} ${task.status.padEnd(14)} ${`${task.attempts}/${task.maxAttempts}`.padEnd(5)} ${formatTime(task.createdAt)}  ${clip(`${starts}${task.kind === 'dream' ? '[dream] ' : ''}${task.payload.task}${detail}`, 80)}`;
  });
  return `${[header, ...lines].join('\n')}\n`;
}

/** The schedules block of `meshwork tasks list`. */
export function formatSchedules(schedules: readonly ScheduleRecord[]): string {
  const active = schedules.filter((schedule) => schedule.enabled);
  if (active.length === 0) return '';
  const lines = active.map(
    (schedule) =>
      `${schedule.id.padEnd(13)} every ${schedule.cron.padEnd(14)} next ${formatTime(schedule.nextRunAt)}  ${clip(schedule.payload.task, 60)}`,
  );
  return `\nSchedules:\n${lines.join('\n')}\n`;
}

/** Everything about one task, for `meshwork tasks show`. */
export function formatTaskDetail(task: TaskRecord): string {
  const lines = [
    `id:        ${task.id}`,
    `kind:      ${task.kind}`,
    `status:    ${task.status}${task.reason ? ` (${task.reason})` : ''}`,
    `task:      ${task.payload.task}`,
    ...(task.payload.agent ? [`agent:     ${task.payload.agent}`] : []),
    ...(task.payload.plan ? [`plan:      ${task.payload.plan}`] : []),
    `attempts:  ${task.attempts} of ${task.maxAttempts}`,
    `created:   ${formatTime(task.createdAt)}`,
    ...(task.runAfter > task.createdAt ? [`not before: ${formatTime(task.runAfter)}`] : []),
    `started:   ${formatTime(task.startedAt)}`,
    `finished:  ${formatTime(task.finishedAt)}`,
    `usage:     ${task.usage.inputTokens} in / ${task.usage.outputTokens} out tokens, $${task.usage.costUsd.toFixed(4)}`,
  ];
  if (task.result) {
    lines.push(`result:    ${task.result.status}: ${task.result.summary}`);
    if (task.result.error) lines.push(`error:     ${task.result.error.code}: ${task.result.error.message}`);
  }
  return `${lines.join('\n')}\n`;
}

/** One line per event, for `meshwork tasks logs`. */
export function formatEvents(events: readonly TaskEvent[]): string {
  return events
    .map((event) => `${formatTime(event.at)}  ${event.type.padEnd(16)} ${event.message}\n`)
    .join('');
}
