import type { AskQuestion } from '@meshwork/permissions';
import type { Logger } from 'pino';
import type { MeshworkConfig } from '../config/types.js';
import type { WriteLeases } from '../gate/write-leases.js';
import type { ModelClient } from '../model/model-client.js';
import type { ServerPool } from '../servers/server-pool.js';
import type { RunEvent } from './events.js';

/** What every agent of one run shares. */
export interface RunContext {
  runId: string;
  runDir: string;
  config: MeshworkConfig;
  projectDir: string;
  pool: ServerPool;
  leases: WriteLeases;
  model: ModelClient;
  /** True only when a person can answer `ask` rules. */
  interactive: boolean;
  prompt?: (question: AskQuestion) => Promise<boolean>;
  /** Cancels the whole run (SIGINT, daemon cancel). */
  signal: AbortSignal;
  emit(event: RunEvent): void;
  logger?: Logger;
  /** Next instance number per agent name (`builder#1`, `builder#2`). */
  nextInstance(agent: string): number;
}

/** A coordinator-side tool (not MCP), e.g. `delegate`. */
export interface LocalTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
  run(
    input: Record<string, unknown>,
    context: { signal: AbortSignal; toolUseId: string },
  ): Promise<{ text: string; isError: boolean; code?: string }>;
}
