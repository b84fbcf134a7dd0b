import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { TEMP_MARKER, unlinkQuietly } from './atomic-write.js';
import {
  fitIndexLine,
  type IndexBounds,
  joinIndexLines,
  measureIndex,
  parseIndexLine,
  splitIndexLines,
} from './index-file.js';
import type { IntentOperation } from './intent.js';
import type { MemoryPaths } from './paths.js';
import {
  listTopicSlugs,
  readAllTopics,
  readIndexText,
  type StoredTopic,
  topicRelativePath,
} from './topics.js';

/** One change made (or, in a dry run, planned) by maintenance. */
export interface MaintenanceChange {
  action:
    | 'merge_duplicate'
    | 'drop_dangling'
    | 'drop_duplicate_line'
    | 'drop_non_pointer'
    | 'add_missing'
    | 'update_line'
    | 'unindex_overflow'
    | 'remove_temp_file';
  slug?: string;
  detail: string;
}

/** The plan (and, once applied, the report) of one maintenance run. */
export interface MaintenancePlan {
  changes: MaintenanceChange[];
  warnings: string[];
  operations: IntentOperation[];
  tempFiles: string[];
  before: { lines: number; bytes: number };
  after: { lines: number; bytes: number; exceeded: string[] };
}

const normalizeBody = (body: string) => body.replace(/[ \t]+$/gm, '').trim();

/**
 * Plans the deterministic consolidation: merge topics with identical bodies (keeping the oldest),
 * rebuild every index line from its topic's frontmatter (keeping the existing order and headings),
 * drop dangling and duplicate pointers, add missing topics, shorten long lines, and take the least
 * recently updated topics out of the index when it is still over its bounds. Pure planning; the
 * caller applies `operations` under the write lock.
 */
export function planMaintenance(paths: MemoryPaths, bounds: IndexBounds): MaintenancePlan {
  const changes: MaintenanceChange[] = [];
  const warnings: string[] = [];
  const operations: IntentOperation[] = [];
  const { ignored } = listTopicSlugs(paths);
  for (const name of ignored)
    warnings.push(`topics/${name} is not named <slug>.md with a valid slug; left alone`);
  const topics = readAllTopics(paths);
  for (const topic of topics) {
    if (topic.frontmatterError)
      warnings.push(`topics/${topic.slug}.md: ${topic.frontmatterError}; indexed with defaults`);
  }

  // Identical topics: same type and the same non-empty body.
  const groups = new Map<string, StoredTopic[]>();
  for (const topic of topics) {
    const body = normalizeBody(topic.body);
    if (body === '') continue;
    const key = `${topic.meta.type}\u0000${body}`;
    groups.set(key, [...(groups.get(key) ?? []), topic]);
  }
  const removed = new Set<string>();
  for (const group of groups.values()) {
    if (group.length < 2) continue;
    const [keeper, ...duplicates] = [...group].sort(
      (a, b) =>
        (a.meta.created || '\uffff').localeCompare(b.meta.created || '\uffff') ||
        a.slug.localeCompare(b.slug),
    );
    for (const duplicate of duplicates) {
      removed.add(duplicate.slug);
      operations.push({ path: topicRelativePath(duplicate.slug), content: null });
      changes.push({
        action: 'merge_duplicate',
        slug: duplicate.slug,
        detail: `identical to "${keeper!.slug}"; deleted`,
      });
    }
  }
  const surviving = new Map(
    topics.filter((topic) => !removed.has(topic.slug)).map((topic) => [topic.slug, topic]),
  );

  // Rebuild the index lines from frontmatter, keeping the existing order.
  const oldText = readIndexText(paths);
  const oldLines = splitIndexLines(oldText);
  const oldBySlug = new Map<string, string>();
  const ordered: { slug?: string; line: string }[] = [];
  const seen = new Set<string>();
  const render = (topic: StoredTopic) =>
    fitIndexLine(topic.meta.name, topic.slug, topic.meta.description, bounds.maxLineChars);
  for (const raw of oldLines) {
    const parsed = parseIndexLine(raw);
    if (parsed.slug === undefined) {
      if (/^#{1,6}\s/.test(raw)) ordered.push({ line: raw });
      else if (raw.trim() !== '')
        changes.push({
          action: 'drop_non_pointer',
          detail: `dropped a line that points at no topic: ${JSON.stringify(raw.slice(0, 80))}`,
        });
      continue;
    }
    const slug = parsed.slug;
    if (seen.has(slug)) {
      changes.push({
        action: 'drop_duplicate_line',
        slug,
        detail: 'second pointer to the same topic dropped',
      });
      continue;
    }
    seen.add(slug);
    oldBySlug.set(slug, raw);
    const topic = surviving.get(slug);
    if (!topic) {
      if (!removed.has(slug))
        changes.push({ action: 'drop_dangling', slug, detail: 'the topic file does not exist' });
      continue;
    }
    ordered.push({ slug, line: render(topic) });
  }
  for (const topic of surviving.values()) {
    if (!seen.has(topic.slug)) ordered.push({ slug: topic.slug, line: render(topic) });
  }

  // Enforce the line and byte bounds by unindexing the least recently updated topics.
  const updatedAt = (slug: string) => {
    const topic = surviving.get(slug)!;
    const parsed = Date.parse(topic.meta.updated);
    return Number.isFinite(parsed) ? parsed : topic.mtimeMs;
  };
  const byAge = ordered
    .filter((entry): entry is { slug: string; line: string } => entry.slug !== undefined)
    .sort((a, b) => updatedAt(a.slug) - updatedAt(b.slug) || a.slug.localeCompare(b.slug));
  const unindexed = new Set<string>();
  const current = () => ordered.filter((entry) => entry.slug === undefined || !unindexed.has(entry.slug));
  let candidate = joinIndexLines(current().map((entry) => entry.line));
  for (const entry of byAge) {
    const measure = measureIndex(candidate, bounds);
    if (measure.lines <= bounds.maxLines && measure.bytes <= bounds.maxBytes) break;
    unindexed.add(entry.slug);
    candidate = joinIndexLines(current().map((item) => item.line));
  }

  for (const entry of current()) {
    if (entry.slug === undefined) continue;
    const old = oldBySlug.get(entry.slug);
    if (old === undefined)
      changes.push({ action: 'add_missing', slug: entry.slug, detail: 'topic had no index line; added' });
    else if (old !== entry.line)
      changes.push({ action: 'update_line', slug: entry.slug, detail: `now: ${entry.line}` });
  }
  for (const slug of unindexed) {
    if (oldBySlug.has(slug)) {
      changes.push({
        action: 'unindex_overflow',
        slug,
        detail:
          'index over its bounds; least recently updated topic taken out of the index (still on disk and searchable): merge or delete it',
      });
    } else {
      warnings.push(
        `topic "${slug}" stays out of the index, which is full; merge or delete topics to make room`,
      );
    }
  }
  if (candidate !== oldText) operations.push({ path: 'MEMORY.md', content: candidate });

  const tempFiles: string[] = [];
  for (const directory of [paths.root, paths.topicsDir]) {
    let names: string[] = [];
    try {
      names = readdirSync(directory);
    } catch {
      names = [];
    }
    for (const name of names) {
      if (!name.startsWith('.') || !name.includes(TEMP_MARKER)) continue;
      const path = join(directory, name);
      try {
        if (!statSync(path).isFile()) continue;
      } catch {
        continue;
      }
      tempFiles.push(path);
      changes.push({
        action: 'remove_temp_file',
        detail: `leftover of an interrupted write: ${path.slice(paths.root.length + 1)}`,
      });
    }
  }

  const oldMeasure = measureIndex(oldText, bounds);
  const newMeasure = measureIndex(candidate, bounds);
  return {
    changes,
    warnings,
    operations,
    tempFiles,
    before: { lines: oldMeasure.lines, bytes: oldMeasure.bytes },
    after: { lines: newMeasure.lines, bytes: newMeasure.bytes, exceeded: newMeasure.exceeded },
  };
}

/** Removes leftover temp files listed by a plan. The caller holds the write lock. */
export function removeTempFiles(files: readonly string[]): void {
  for (const file of files) unlinkQuietly(file);
}
