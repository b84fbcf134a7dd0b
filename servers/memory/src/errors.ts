import { ToolError } from '@meshwork/kit';

/** Every code `@meshwork/memory-server` raises. */
export const MEMORY_ERROR_CODES = [
  'E_BAD_DREAM_ID',
  'E_BAD_QUERY',
  'E_BAD_RANGE',
  'E_BAD_SESSION',
  'E_BAD_SLUG',
  'E_BAD_TIME',
  'E_CONFIG',
  'E_DREAM_NOT_FOUND',
  'E_DREAM_RUNNING',
  'E_DREAM_TOKEN',
  'E_INDEX_SCHEMA',
  'E_INTERNAL',
  'E_LOCK_TIMEOUT',
  'E_MISSING_FIELDS',
  'E_NO_DREAM',
  'E_NO_ENTRIES',
  'E_SESSION_NOT_FOUND',
  'E_TOO_LARGE',
  'E_TOPIC_EXISTS',
  'E_TOPIC_NOT_FOUND',
  'E_UNSAFE_PATH',
  'E_VERSION_CONFLICT',
] as const;
/** One of {@link MEMORY_ERROR_CODES}. */
export type MemoryErrorCode = (typeof MEMORY_ERROR_CODES)[number];

/**
 * The error of `@meshwork/memory-server`: `code` is what callers branch on (`E_BAD_SLUG`,
 * `E_TOPIC_NOT_FOUND`, ...), `message` says what happened and what to do instead. The store raises
 * it and the tools call the store directly, so it is a kit `ToolError`: thrown through a tool
 * handler it reaches the model as an `isError` result carrying its code.
 */
export class MemoryError extends ToolError<MemoryErrorCode> {}
