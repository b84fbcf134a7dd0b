import { registerTools, type ToolDefinition } from '@meshwork/kit';
import { McpServer } from '@modelcontextprotocol/server';
import { registerDreamPrompt } from './prompts/dream.js';
import { registerIndexResource } from './resources/index-resource.js';
import { registerTopicResource } from './resources/topic-resource.js';
import type { MemoryStore } from './store/memory-store.js';
import { createMemoryTools } from './tools/index.js';

/** Options for {@link createMemoryServer}. */
export interface MemoryServerOptions {
  /** The shared store, opened once per process by the caller. */
  store: MemoryStore;
  /** Version reported to clients. */
  version?: string;
  /**
   * Tool definitions built once with `createMemoryTools({ store })`, so a server made per HTTP
   * exchange does not rebuild them. Built here when omitted.
   */
  tools?: ToolDefinition[];
}

/** A memory MCP server bound to a store. */
export interface MemoryServer {
  server: McpServer;
  /** Closes this SDK server; the shared store stays open (the caller owns it). */
  close(): Promise<void>;
}

const INSTRUCTIONS = `Three-layer memory. Call read_index at the start of a task (layer 1, small and bounded), then
read_topic for the topics that matter (layer 2). Search transcripts (layer 3) with search_memory and read
only narrow slices with read_transcript; never replay whole sessions. Record durable facts with
write_topic. The "dream" prompt consolidates memory.`;

/**
 * Builds one SDK server with every memory tool, the `memory://index` and `memory://topics/{slug}`
 * resources, and the `dream` prompt. Cheap: call it per connection; the store is shared.
 */
export function createMemoryServer(options: MemoryServerOptions): MemoryServer {
  const server = new McpServer(
    { name: 'meshwork-memory', version: options.version ?? '0.0.0' },
    { capabilities: { tools: {}, resources: {}, prompts: {} }, instructions: INSTRUCTIONS },
  );
  registerTools(server, options.tools ?? createMemoryTools({ store: options.store }));
  registerIndexResource(server, options.store);
  registerTopicResource(server, options.store);
  registerDreamPrompt(server, options.store);
  return { server, close: () => server.close() };
}
