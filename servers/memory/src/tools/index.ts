import type { ToolDefinition } from '@meshwork/kit';
import { createAppendTranscriptTool } from './append-transcript.js';
import { createBeginDreamTool } from './begin-dream.js';
import { createDeleteTopicTool } from './delete-topic.js';
import { createEndDreamTool } from './end-dream.js';
import { createListSessionsTool } from './list-sessions.js';
import { createMaintainMemoryTool } from './maintain-memory.js';
import { createMemoryStatsTool } from './memory-stats.js';
import { createReadIndexTool } from './read-index.js';
import { createReadTopicTool } from './read-topic.js';
import { createReadTranscriptTool } from './read-transcript.js';
import { createRestoreDreamTool } from './restore-dream.js';
import { createSearchMemoryTool } from './search-memory.js';
import type { ToolDependencies } from './shared.js';
import { createWriteTopicTool } from './write-topic.js';

/** Every memory tool, in the order they are listed. */
export function createMemoryTools(dependencies: ToolDependencies): ToolDefinition[] {
  return [
    createReadIndexTool(dependencies),
    createReadTopicTool(dependencies),
    createWriteTopicTool(dependencies),
    createDeleteTopicTool(dependencies),
    createSearchMemoryTool(dependencies),
    createReadTranscriptTool(dependencies),
    createAppendTranscriptTool(dependencies),
    createListSessionsTool(dependencies),
    createMaintainMemoryTool(dependencies),
    createMemoryStatsTool(dependencies),
    createBeginDreamTool(dependencies),
    createEndDreamTool(dependencies),
    createRestoreDreamTool(dependencies),
  ] as unknown as ToolDefinition[];
}
