import type { ToolCallRecord, ToolCallStatus } from './types.js';

/** What a tool call returned, as far as the record needs it. */
export interface CallResult {
  text: string;
  isError: boolean;
  /** The failure's code: the server's (from its result's `_meta`), the gate's or the coordinator's. */
  code?: string;
  structuredContent?: Record<string, unknown>;
}

/** Options of {@link toolCallRecordOf}. */
export interface ToolCallRecordInput {
  tool: string;
  result: CallResult;
  /** True when the gate refused the call (it never reached the server). */
  denied?: boolean;
  /** The value of the tool's declared subject argument, if any. */
  subject?: unknown;
  durationMs: number;
}

const SUBJECT_MAX_CHARS = 200;

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';
  return line.length > SUBJECT_MAX_CHARS ? `${line.slice(0, SUBJECT_MAX_CHARS)}…` : line;
}

/**
 * The record of one tool call. The exit code is read generically: any tool whose structured
 * result has a numeric (or null) `exit_code` reports one, whatever server it comes from.
 */
export function toolCallRecordOf(input: ToolCallRecordInput): ToolCallRecord {
  const { result } = input;
  const outcome: ToolCallStatus = input.denied ? 'denied' : result.isError ? 'error' : 'ok';
  const record: ToolCallRecord = { tool: input.tool, outcome, durationMs: Math.round(input.durationMs) };
  if (typeof input.subject === 'string' && input.subject !== '') {
    record.subject =
      input.subject.length > SUBJECT_MAX_CHARS
        ? `${input.subject.slice(0, SUBJECT_MAX_CHARS)}…`
        : input.subject;
  }
  if (outcome !== 'ok') {
    const code = result.code;
    if (code !== undefined) record.code = code;
    // A meshwork server's text repeats its code for clients that only read text (`CODE: message`).
    const text = result.text.trimStart();
    const cleaned = firstLine(
      code !== undefined && text.startsWith(`${code}:`) ? text.slice(code.length + 1) : text,
    ).trim();
    // A structured (JSON) result says nothing in its first line; its fields are elsewhere.
    if (cleaned !== '' && !/^[[{]/.test(cleaned)) record.message = cleaned;
  }
  const exitCode = result.structuredContent?.exit_code;
  if (typeof exitCode === 'number' || exitCode === null) record.exitCode = exitCode;
  return record;
}

/** One call in a few characters: `shell:run_command "npm test" exit 1`, `fs:write_file denied`. */
export function formatToolCall(call: ToolCallRecord): string {
  const subject = call.subject === undefined ? '' : ` "${call.subject.split('\n')[0]}"`;
  const exit =
    call.exitCode === undefined ? '' : call.exitCode === null ? ' killed' : ` exit ${call.exitCode}`;
  const status =
    call.outcome === 'ok'
      ? call.exitCode === undefined
        ? ' ok'
        : ''
      : call.outcome === 'denied'
        ? ` denied${call.code ? ` (${call.code})` : ''}`
        : ` error${call.code ? ` ${call.code}` : ''}`;
  return `${call.tool}${subject}${exit}${status}`;
}
