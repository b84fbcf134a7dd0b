import type { CallToolResult, ContentBlock, McpServer, ServerContext } from '@modelcontextprotocol/server';
import type { z } from 'zod';
import { isToolError } from './errors.js';

/**
 * The four behaviour hints every meshwork tool must state honestly; clients use them to decide
 * what needs a confirmation.
 */
export interface ToolHints {
  readOnlyHint: boolean;
  destructiveHint: boolean;
  idempotentHint: boolean;
  openWorldHint: boolean;
}

/** What a tool handler receives besides its parsed input. */
export interface ToolContext {
  /** Aborted when the client cancels the call or the server shuts down. */
  signal: AbortSignal;
  /**
   * Sends a `notifications/progress` for this call when the client asked for progress (sent a
   * progress token); otherwise a no-op.
   */
  sendProgress(progress: number, total?: number, message?: string): Promise<void>;
  /** The SDK's request context, for the rare tool that needs more. */
  request: ServerContext;
}

/** A tool definition: schemas, hints and a handler that returns structured output. */
export interface ToolDefinition<
  Input extends z.ZodObject = z.ZodObject,
  Output extends z.ZodObject = z.ZodObject,
> {
  /** snake_case verb_noun name. */
  name: string;
  title: string;
  /** Written for a model: what it does, when to use it, what it returns. */
  description: string;
  inputSchema: Input;
  outputSchema: Output;
  annotations: ToolHints;
  /**
   * Extra `_meta` on the tool listing: the tool's contract with the coordinator (its subject, its
   * writes, its role), built with `toolMeta` from `./tool-meta.js`.
   */
  meta?: Record<string, unknown>;
  handler(input: z.infer<Input>, context: ToolContext): Promise<z.infer<Output>>;
  /** The text copy of the structured output; defaults to pretty JSON. */
  toText?(output: z.infer<Output>): string;
  /** Extra content blocks after the text copy (for example an image). */
  toContent?(output: z.infer<Output>): ContentBlock[];
}

/**
 * Identity function that fixes the generic types of a tool definition, so handlers get their input
 * and output typed from the schemas.
 */
export function defineTool<Input extends z.ZodObject, Output extends z.ZodObject>(
  definition: ToolDefinition<Input, Output>,
): ToolDefinition<Input, Output> {
  return definition;
}

/**
 * `_meta` key of an `isError` tool result under which meshwork puts the failure's code, so a
 * client branches on the code instead of parsing the text.
 */
export const ERROR_CODE_META_KEY = 'meshwork/error-code';

/**
 * Builds the `isError` result a model reads when a tool fails in a way it can act on. The text is
 * `CODE: message` for any client; the code is also in `_meta` under {@link ERROR_CODE_META_KEY}.
 */
export function toolErrorResult(message: string, code?: string): CallToolResult {
  const text = code ? `${code}: ${message}` : message;
  return {
    content: [{ type: 'text', text }],
    isError: true,
    ...(code ? { _meta: { [ERROR_CODE_META_KEY]: code } } : {}),
  };
}

/**
 * Registers tool definitions on an SDK server. A {@link ToolError} thrown by a handler becomes an
 * `isError` result whose text is `CODE: message`. Any other error is rethrown to the SDK, which
 * also reports it as an `isError` result carrying the error's message (so keep secrets out of
 * error messages); only failures outside the handler (unknown tool, invalid input) are protocol
 * level.
 */
export function registerTools(server: McpServer, tools: readonly ToolDefinition[]): void {
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        outputSchema: tool.outputSchema,
        annotations: { title: tool.title, ...tool.annotations },
        ...(tool.meta ? { _meta: tool.meta } : {}),
      },
      async (input: unknown, request: ServerContext): Promise<CallToolResult> => {
        try {
          const output = await tool.handler(input as never, createToolContext(request));
          const text = tool.toText ? tool.toText(output) : JSON.stringify(output, null, 2);
          const content: ContentBlock[] = [{ type: 'text', text }, ...(tool.toContent?.(output) ?? [])];
          return { content, structuredContent: output as Record<string, unknown> };
        } catch (error) {
          if (isToolError(error)) return toolErrorResult(error.message, error.code);
          throw error;
        }
      },
    );
  }
}

function createToolContext(request: ServerContext): ToolContext {
  const progressToken = request.mcpReq._meta?.progressToken;
  return {
    signal: request.mcpReq.signal,
    request,
    async sendProgress(progress, total, message) {
      if (progressToken === undefined) return;
      await request.mcpReq.notify({
        method: 'notifications/progress',
        params: {
          progressToken,
          progress,
          ...(total === undefined ? {} : { total }),
          ...(message === undefined ? {} : { message }),
        },
      });
    },
  };
}
