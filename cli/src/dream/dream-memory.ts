import type { Coordinator } from '@meshwork/coordinator';
import type { ToolRole } from '@meshwork/kit';
import { CLI_ERROR_CODES, CliError, type CliErrorCode } from '../errors.js';

/**
 * The memory server as a dream's deterministic steps reach it: each tool found by the role it
 * declares, called over the coordinator's pooled connection (the one the dreaming agent uses).
 */
export interface DreamMemory {
  /** The memory server's name in `mcpServers`. */
  readonly server: string;
  /**
   * Calls the tool with `role` and returns its structured output. An `isError` result throws a
   * {@link CliError} with the tool's code when the CLI knows it (`E_DREAM_RUNNING`), else
   * `E_MEMORY_TOOL`.
   */
  call<T>(role: ToolRole, args?: Record<string, unknown>, signal?: AbortSignal): Promise<T>;
}

const ERROR_PREFIX = /^(E_[A-Z0-9_]+): ([\s\S]*)$/;

/** A {@link DreamMemory} over `coordinator`'s pool. */
export function createDreamMemory(coordinator: Pick<Coordinator, 'callTool'>, server: string): DreamMemory {
  return {
    server,
    async call<T>(role: ToolRole, args: Record<string, unknown> = {}, signal?: AbortSignal): Promise<T> {
      const outcome = await coordinator.callTool(server, role, args, signal ? { signal } : {});
      if (outcome.isError) {
        // The code travels in the outcome once the coordinator carries it, else in the text.
        const declared = (outcome as { code?: unknown }).code;
        const match = ERROR_PREFIX.exec(outcome.text);
        const toolCode = typeof declared === 'string' ? declared : match?.[1];
        const message = typeof declared === 'string' ? outcome.text : (match?.[2] ?? outcome.text);
        const code: CliErrorCode = (CLI_ERROR_CODES as readonly string[]).includes(toolCode ?? '')
          ? (toolCode as CliErrorCode)
          : 'E_MEMORY_TOOL';
        throw new CliError(code, `${server} ${role}: ${message}`);
      }
      return (outcome.structuredContent ?? {}) as T;
    },
  };
}
