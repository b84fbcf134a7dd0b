export { MEMORY_ERROR_CODES, MemoryError, type MemoryErrorCode } from './errors.js';
export { createMemoryServer, type MemoryServer, type MemoryServerOptions } from './server.js';
export { DEFAULT_BOUNDS, type MemoryBounds } from './store/bounds.js';
export {
  type MemoryStore,
  type MemoryStoreOptions,
  openMemoryStore,
  type SearchInput,
} from './store/memory-store.js';
export type { MemoryLogger } from './store/search-index.js';
export { TOPIC_TYPES, type TopicType } from './store/topic-file.js';
export type { WriteTopicInput } from './store/topic-service.js';
export { createMemoryTools } from './tools/index.js';
