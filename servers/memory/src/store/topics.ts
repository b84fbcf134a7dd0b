import { readdirSync } from 'node:fs';
import { MemoryError } from '../errors.js';
import { assertContainedDirectory, readContainedFile } from './contained-file.js';
import { isSlug, type MemoryPaths, topicPath } from './paths.js';
import { parseTopic, type TopicDocument } from './topic-file.js';

/** A topic file on disk with its parsed content. */
export interface StoredTopic extends TopicDocument {
  slug: string;
  text: string;
  mtimeMs: number;
}

/** Reads a topic, or `undefined` when it does not exist. */
export function readTopicFile(paths: MemoryPaths, slug: string): StoredTopic | undefined {
  const read = readContainedFile(paths, topicPath(paths, slug));
  if (read === undefined) return undefined;
  return { slug, text: read.text, mtimeMs: read.stat.mtimeMs, ...parseTopic(read.text, slug) };
}

/** Reads a topic or throws `E_TOPIC_NOT_FOUND` with a hint. */
export function requireTopicFile(paths: MemoryPaths, slug: string): StoredTopic {
  const topic = readTopicFile(paths, slug);
  if (topic) return topic;
  throw new MemoryError(
    'E_TOPIC_NOT_FOUND',
    `No topic "${slug}". Call read_index for the list of topics or search_memory with scope "topics".`,
  );
}

/** Slugs of every topic file, sorted; files whose names are not valid slugs are listed apart. */
export function listTopicSlugs(paths: MemoryPaths): { slugs: string[]; ignored: string[] } {
  let names: string[];
  assertContainedDirectory(paths, paths.topicsDir);
  try {
    names = readdirSync(paths.topicsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { slugs: [], ignored: [] };
    throw error;
  }
  const slugs: string[] = [];
  const ignored: string[] = [];
  for (const name of names.sort()) {
    if (name.startsWith('.')) continue;
    const slug = name.endsWith('.md') ? name.slice(0, -3) : '';
    if (isSlug(slug)) slugs.push(slug);
    else ignored.push(name);
  }
  return { slugs, ignored };
}

/** Every topic, parsed. */
export function readAllTopics(paths: MemoryPaths): StoredTopic[] {
  const topics: StoredTopic[] = [];
  for (const slug of listTopicSlugs(paths).slugs) {
    const topic = readTopicFile(paths, slug);
    if (topic) topics.push(topic);
  }
  return topics;
}

/** Reads `MEMORY.md` whole (for rewriting it), or '' when missing. */
export function readIndexText(paths: MemoryPaths): string {
  return readContainedFile(paths, paths.indexFile)?.text ?? '';
}

/** Relative path of a topic inside the memory root, as used in intents and index lines. */
export function topicRelativePath(slug: string): string {
  return `topics/${slug}.md`;
}
