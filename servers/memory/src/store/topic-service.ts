import { MemoryError } from '../errors.js';
import { fitIndexLine, measureIndex, removeIndexLine, upsertIndexLine } from './index-file.js';
import { applyIntent, recoverIntent } from './intent.js';
import { assertSlug } from './paths.js';
import type { StoreContext } from './store-context.js';
import { renderTopic, type TopicType } from './topic-file.js';
import { readIndexText, readTopicFile, requireTopicFile, topicRelativePath } from './topics.js';

/** Input of `MemoryStore.writeTopic`. */
export interface WriteTopicInput {
  slug: string;
  title?: string | undefined;
  hook?: string | undefined;
  type?: TopicType | undefined;
  body: string;
  mode: 'create' | 'replace' | 'append';
  expected_version?: string | undefined;
  source?: string | undefined;
}

/** The index's size against its bounds, as tools report it. */
export function measureIndexReport(context: StoreContext, text: string) {
  const { indexBounds, bounds } = context;
  const measure = measureIndex(text, indexBounds);
  return {
    lines: measure.lines,
    bytes: measure.bytes,
    max_lines: bounds.indexMaxLines,
    max_bytes: bounds.indexMaxBytes,
    max_line_chars: bounds.indexMaxLineChars,
    exceeded: measure.exceeded,
    needs_consolidation: measure.exceeded.length > 0,
  };
}

const consolidationAdvice = (exceeded: string[]) =>
  exceeded.length === 0
    ? undefined
    : `The write succeeded, but the index is over its bounds (${exceeded.join('; ')}). Consolidate: run maintain_memory, or run a dream (prompt "dream") to merge and prune topics.`;

/** Layer 2: one topic, its body sliced by lines. */
export function readTopic(context: StoreContext, slug: string, offset: number, limit: number) {
  const { paths } = context;
  const topic = requireTopicFile(paths, assertSlug(slug));
  const lines = topic.body.replace(/\n$/, '').split('\n');
  const slice = lines.slice(offset, offset + limit);
  return {
    slug,
    title: topic.meta.name,
    hook: topic.meta.description,
    type: topic.meta.type,
    created: topic.meta.created,
    updated: topic.meta.updated,
    source: topic.meta.source,
    version: topic.version,
    body: slice.join('\n'),
    offset,
    returned_lines: slice.length,
    total_lines: lines.length,
    has_more: offset + slice.length < lines.length,
    ...(topic.frontmatterError ? { frontmatter_error: topic.frontmatterError } : {}),
  };
}

/** Writes a topic and its index line as one atomic step, under the write lock. */
export function writeTopic(context: StoreContext, input: WriteTopicInput, defaultSource: string) {
  const { paths, bounds, lock, now } = context;
  const slug = assertSlug(input.slug);
  return lock.run(() => {
    recoverIntent(paths);
    const existing = readTopicFile(paths, slug);
    if (input.expected_version !== undefined && existing?.version !== input.expected_version) {
      throw new MemoryError(
        'E_VERSION_CONFLICT',
        existing
          ? `Topic "${slug}" is at version ${existing.version}, not ${input.expected_version}: someone else changed it. Call read_topic, merge, and write again with the new version.`
          : `Topic "${slug}" does not exist (expected version ${input.expected_version}). Use mode "create" without expected_version.`,
      );
    }
    if (input.mode === 'create' && existing) {
      throw new MemoryError(
        'E_TOPIC_EXISTS',
        `Topic "${slug}" already exists (version ${existing.version}). Use mode "replace" or "append", or another slug.`,
      );
    }
    if (!existing && (input.title === undefined || input.type === undefined)) {
      throw new MemoryError(
        'E_MISSING_FIELDS',
        `Topic "${slug}" is new: give title and type to create it (hook is optional).`,
      );
    }
    const stamp = now().toISOString();
    const meta = {
      name: input.title ?? existing!.meta.name,
      description: input.hook ?? existing?.meta.description ?? '',
      type: input.type ?? existing!.meta.type,
      created: existing?.meta.created || stamp,
      updated: stamp,
      source: input.source ?? defaultSource,
    };
    const body =
      input.mode === 'append' && existing && existing.body.trim() !== ''
        ? `${existing.body.replace(/\s+$/, '')}\n\n${input.body}`
        : input.body;
    const text = renderTopic(meta, body);
    const size = Buffer.byteLength(text, 'utf8');
    if (size > bounds.topicMaxBytes) {
      throw new MemoryError(
        'E_TOO_LARGE',
        `Topic "${slug}" would be ${size} bytes, over the cap of ${bounds.topicMaxBytes} bytes. Nothing was written. Summarize it, or split it into several topics.`,
      );
    }
    const line = fitIndexLine(meta.name, slug, meta.description, bounds.indexMaxLineChars);
    const indexText = upsertIndexLine(readIndexText(paths), slug, line);
    applyIntent(paths, [
      { path: topicRelativePath(slug), content: text },
      { path: 'MEMORY.md', content: indexText },
    ]);
    const index = measureIndexReport(context, indexText);
    const advice = consolidationAdvice(index.exceeded);
    return {
      slug,
      path: topicRelativePath(slug),
      version: readTopicFile(paths, slug)?.version ?? '',
      created: existing === undefined,
      bytes: size,
      index_line: line,
      index,
      ...(advice ? { advice } : {}),
    };
  });
}

/** Deletes a topic and its index line as one atomic step, under the write lock. */
export function deleteTopic(context: StoreContext, slug: string) {
  const { paths, lock } = context;
  assertSlug(slug);
  return lock.run(() => {
    recoverIntent(paths);
    const existing = requireTopicFile(paths, slug);
    const indexText = removeIndexLine(readIndexText(paths), slug);
    applyIntent(paths, [
      { path: topicRelativePath(slug), content: null },
      { path: 'MEMORY.md', content: indexText },
    ]);
    return { slug, deleted: true, version: existing.version, index: measureIndexReport(context, indexText) };
  });
}
