import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/server';
import { readContainedFile } from '../store/contained-file.js';
import type { MemoryStore } from '../store/memory-store.js';
import { isSlug, topicPath } from '../store/paths.js';
import { listTopicSlugs } from '../store/topics.js';

/** URI template of topic resources. */
export const TOPIC_RESOURCE_TEMPLATE = 'memory://topics/{slug}';

/** Most topics listed by `resources/list`; the index is the real table of contents. */
const LISTED_TOPICS = 1_000;

/** Registers the template `memory://topics/{slug}`: one topic file, frontmatter included. */
export function registerTopicResource(server: McpServer, store: MemoryStore): void {
  server.registerResource(
    'memory-topic',
    new ResourceTemplate(TOPIC_RESOURCE_TEMPLATE, {
      list: async () => ({
        resources: listTopicSlugs(store.paths)
          .slugs.slice(0, LISTED_TOPICS)
          .map((slug) => ({ uri: `memory://topics/${slug}`, name: slug, mimeType: 'text/markdown' })),
      }),
      complete: {
        slug: (value) =>
          listTopicSlugs(store.paths)
            .slugs.filter((slug) => slug.startsWith(value))
            .slice(0, 100),
      },
    }),
    {
      title: 'Memory topic',
      description: 'One topic file (topics/<slug>.md) with its YAML frontmatter.',
      mimeType: 'text/markdown',
    },
    async (uri, variables) => {
      const slug = decodeURIComponent(String(variables.slug ?? ''));
      if (!isSlug(slug)) throw new Error(`Not a topic slug: ${JSON.stringify(slug)}`);
      const text = readContainedFile(store.paths, topicPath(store.paths, slug))?.text;
      if (text === undefined) throw new Error(`No topic "${slug}"; read memory://index for the list.`);
      return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text }] };
    },
  );
}
