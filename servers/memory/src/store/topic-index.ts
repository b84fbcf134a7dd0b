import { readdirSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { assertContainedDirectory, readContainedFile, statContained } from './contained-file.js';
import { isSlug, type MemoryPaths } from './paths.js';
import { writeTransaction } from './search-database.js';
import { compoundParts, makeSnippet, type SearchQuery } from './search-query.js';
import { parseTopic } from './topic-file.js';

/** A topic search hit. */
export interface TopicHit {
  slug: string;
  title: string;
  line: number;
  snippet: string;
}

const SEARCH_TOPICS = `SELECT t.slug AS slug, t.title AS title, t.body AS body, f.body_line AS bodyLine
  FROM topic_text t JOIN topic_files f ON f.slug = t.slug WHERE topic_text MATCH ? ORDER BY rank LIMIT ?`;

/**
 * Brings the topic index up to date: topics are few and small, so every call lists the folder,
 * compares size and mtime, and reindexes only the files that changed (title, hook and body, plus
 * the parts of compound words in a separate column so snippets stay clean).
 */
export async function refreshTopicIndex(database: Database.Database, paths: MemoryPaths): Promise<void> {
  const rows = new Map<string, { size: number; mtime_ms: number }>();
  for (const row of database.prepare('SELECT slug, size, mtime_ms FROM topic_files').all() as {
    slug: string;
    size: number;
    mtime_ms: number;
  }[]) {
    rows.set(row.slug, row);
  }
  const changes: { slug: string; stat: Stats | null }[] = [];
  let names: string[] = [];
  try {
    // A linked topics folder is not indexed at all (every topic then drops out of the index).
    assertContainedDirectory(paths, paths.topicsDir);
    names = readdirSync(paths.topicsDir);
  } catch {
    names = [];
  }
  const present = new Set<string>();
  for (const name of names) {
    const slug = name.endsWith('.md') ? name.slice(0, -3) : '';
    if (!isSlug(slug)) continue;
    const stat = statContained(paths, join(paths.topicsDir, name));
    if (stat === undefined) continue;
    present.add(slug);
    const row = rows.get(slug);
    if (!row || row.size !== stat.size || row.mtime_ms !== stat.mtimeMs) changes.push({ slug, stat });
  }
  for (const slug of rows.keys()) if (!present.has(slug)) changes.push({ slug, stat: null });
  if (changes.length === 0) return;
  const loaded = changes.map(({ slug, stat }) => {
    if (!stat) return { slug, stat, document: undefined };
    try {
      const read = readContainedFile(paths, join(paths.topicsDir, `${slug}.md`));
      if (read === undefined) return { slug, stat: null, document: undefined };
      return { slug, stat, document: parseTopic(read.text, slug) };
    } catch {
      return { slug, stat: null, document: undefined };
    }
  });
  const deleteTopic = database.prepare('DELETE FROM topic_files WHERE slug = ?');
  const deleteTopicText = database.prepare('DELETE FROM topic_text WHERE slug = ?');
  const insertTopic = database.prepare(
    'INSERT INTO topic_files(slug, size, mtime_ms, body_line) VALUES (?, ?, ?, ?)',
  );
  const insertTopicText = database.prepare(
    'INSERT INTO topic_text(slug, title, hook, body, extra) VALUES (?, ?, ?, ?, ?)',
  );
  await writeTransaction(database, () => {
    for (const { slug, stat, document } of loaded) {
      deleteTopicText.run(slug);
      deleteTopic.run(slug);
      if (!stat || !document) continue;
      insertTopic.run(slug, stat.size, stat.mtimeMs, document.bodyLine);
      const { name, description } = document.meta;
      insertTopicText.run(
        slug,
        name,
        description,
        document.body,
        compoundParts(`${name}\n${description}\n${document.body}`),
      );
    }
  });
}

/** Runs a topic query, best matches first (bm25), with the line of the first match. */
export function searchTopicIndex(database: Database.Database, query: SearchQuery, limit: number): TopicHit[] {
  const rows = database.prepare(SEARCH_TOPICS).all(query.match, limit) as {
    slug: string;
    title: string;
    body: string;
    bodyLine: number;
  }[];
  return rows.map((row) => {
    const body = row.body;
    const lower = body.toLowerCase();
    let at = -1;
    for (const term of query.terms) {
      const index = lower.indexOf(term);
      if (index >= 0 && (at < 0 || index < at)) at = index;
    }
    const line = at < 0 ? 1 : row.bodyLine + body.slice(0, at).split('\n').length - 1;
    return {
      slug: row.slug,
      title: row.title.split('\n')[0] ?? row.title,
      line,
      snippet: makeSnippet(body, query.terms),
    };
  });
}
