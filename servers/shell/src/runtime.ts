import type { Logger } from '@meshwork/kit';
import type { Policy } from './policy/policy.js';
import type { ProcessTable } from './runs/process-table.js';

/** Everything the tools share. Built once per server process by the cli and passed to each server. */
export interface ShellRuntime {
  policy: Policy;
  processes: ProcessTable;
  /** The scrubbed environment every command starts from. */
  environment: Readonly<Record<string, string>>;
  /** Timeout when a call gives none. */
  defaultTimeoutMs: number;
  /** Largest timeout a call may ask for. */
  maxTimeoutMs: number;
  /** Bytes of each stream returned inline; the rest is cut and saved to a file. */
  maxOutputBytes: number;
  /** True when commands run inside bubblewrap. */
  sandboxed: boolean;
  logger?: Logger | undefined;
}
