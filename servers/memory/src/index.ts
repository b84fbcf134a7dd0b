export { MEMORY_ERROR_CODES, MemoryError, type MemoryErrorCode } from './errors.js';
export { dreamInstructions, registerDreamPrompt } from './prompts/dream.js';
export { INDEX_RESOURCE_URI } from './resources/index-resource.js';
export { TOPIC_RESOURCE_TEMPLATE } from './resources/topic-resource.js';
export { createMemoryServer, type MemoryServer, type MemoryServerOptions } from './server.js';
export { DEFAULT_BOUNDS, type MemoryBounds } from './store/bounds.js';
export { type IndexBounds, parseIndexLine, renderIndexLine } from './store/index-file.js';
export {
  type MemoryStore,
  type MemoryStoreOptions,
  openMemoryStore,
  type SearchInput,
  type WriteTopicInput,
} from './store/memory-store.js';
export {
  assertSession,
  assertSlug,
  isSessionName,
  isSlug,
  type MemoryPaths,
  resolveMemoryPaths,
} from './store/paths.js';
export type { MemoryLogger } from './store/search-index.js';
export { parseSearchQuery, type SearchQuery } from './store/search-query.js';
export { parseTopic, renderTopic, TOPIC_TYPES, type TopicMeta, type TopicType } from './store/topic-file.js';
export { createMemoryTools } from './tools/index.js';
