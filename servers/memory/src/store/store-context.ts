import type { MemoryBounds } from './bounds.js';
import type { IndexBounds } from './index-file.js';
import type { MemoryPaths } from './paths.js';
import type { SearchIndex } from './search-index.js';
import type { WriteLock } from './write-lock.js';

/**
 * What the topic and dream operations need from an open store. The store builds it and passes it
 * in, so those operations never import the store.
 */
export interface StoreContext {
  paths: MemoryPaths;
  bounds: MemoryBounds;
  indexBounds: IndexBounds;
  lock: WriteLock;
  search: SearchIndex;
  now: () => Date;
  dreamStaleMs: number;
}
