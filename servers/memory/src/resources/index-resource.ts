import type { McpServer } from '@modelcontextprotocol/server';
import type { MemoryStore } from '../store/memory-store.js';

/** URI of the layer-1 index resource. */
export const INDEX_RESOURCE_URI = 'memory://index';

/** Registers `memory://index`: the bounded index, as `read_index` returns it. */
export function registerIndexResource(server: McpServer, store: MemoryStore): void {
  server.registerResource(
    'memory-index',
    INDEX_RESOURCE_URI,
    {
      title: 'Memory index',
      description: 'MEMORY.md, one line per topic, within its bounds. Load it at the start of a task.',
      mimeType: 'text/markdown',
    },
    async (uri) => ({
      contents: [{ uri: uri.href, mimeType: 'text/markdown', text: store.readIndex().content }],
    }),
  );
}
