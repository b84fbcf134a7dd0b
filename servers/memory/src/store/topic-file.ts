import { createHash } from 'node:crypto';
import { parse, stringify } from 'yaml';

/** The four kinds of topic, as in the design. */
export const TOPIC_TYPES = ['user', 'feedback', 'project', 'reference'] as const;

/** One of {@link TOPIC_TYPES}. */
export type TopicType = (typeof TOPIC_TYPES)[number];

/** True when `value` is one of {@link TOPIC_TYPES}. */
export function isTopicType(value: unknown): value is TopicType {
  return typeof value === 'string' && (TOPIC_TYPES as readonly string[]).includes(value);
}

/** A topic's YAML frontmatter. `name` is the index title, `description` the index hook. */
export interface TopicMeta {
  name: string;
  description: string;
  type: TopicType;
  created: string;
  updated: string;
  /** Which session or agent wrote it last. */
  source: string;
}

/** A parsed topic file. */
export interface TopicDocument {
  meta: TopicMeta;
  body: string;
  /** Content hash of the whole file; pass it back as `expected_version` to write safely. */
  version: string;
  /** 1-based line of the file where the body starts. */
  bodyLine: number;
  /** Set when the frontmatter was missing or unreadable; `meta` is then a best-effort default. */
  frontmatterError?: string;
}

const FRONTMATTER = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** Short content hash used as a topic version; changes whenever any byte changes. */
export function topicVersion(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * Parses a topic file leniently: a file edited by hand without valid frontmatter still reads, with
 * defaults derived from `slug` and the problem reported in `frontmatterError`.
 */
export function parseTopic(text: string, slug: string): TopicDocument {
  const version = topicVersion(text);
  const match = FRONTMATTER.exec(text);
  const fallback: TopicMeta = {
    name: slug,
    description: '',
    type: 'reference',
    created: '',
    updated: '',
    source: '',
  };
  if (!match) {
    return {
      meta: fallback,
      body: text,
      version,
      bodyLine: 1,
      frontmatterError: 'no YAML frontmatter block',
    };
  }
  const body = text.slice(match[0].length);
  const bodyLine = match[0].split('\n').length - (match[0].endsWith('\n') ? 0 : 1);
  let data: unknown;
  try {
    data = parse(match[1] ?? '');
  } catch (error) {
    return {
      meta: fallback,
      body,
      version,
      bodyLine,
      frontmatterError: `unreadable YAML: ${(error as Error).message}`,
    };
  }
  if (typeof data !== 'object' || data === null) {
    return { meta: fallback, body, version, bodyLine, frontmatterError: 'frontmatter is not a mapping' };
  }
  const record = data as Record<string, unknown>;
  const text_ = (key: string, otherwise: string) => {
    const value = record[key];
    if (value instanceof Date) return value.toISOString();
    return typeof value === 'string' || typeof value === 'number' ? String(value) : otherwise;
  };
  const meta: TopicMeta = {
    name: text_('name', slug),
    description: text_('description', ''),
    type: isTopicType(record.type) ? record.type : 'reference',
    created: text_('created', ''),
    updated: text_('updated', ''),
    source: text_('source', ''),
  };
  return isTopicType(record.type)
    ? { meta, body, version, bodyLine }
    : { meta, body, version, bodyLine, frontmatterError: `type must be one of ${TOPIC_TYPES.join(', ')}` };
}

/** Renders a topic file: frontmatter in a fixed key order, then the body ending in one newline. */
export function renderTopic(meta: TopicMeta, body: string): string {
  const frontmatter = stringify(
    {
      name: meta.name,
      description: meta.description,
      type: meta.type,
      created: meta.created,
      updated: meta.updated,
      source: meta.source,
    },
    { lineWidth: 0 },
  );
  const trimmed = body.replace(/\s+$/, '');
  return `---\n${frontmatter}---\n${trimmed}${trimmed ? '\n' : ''}`;
}
