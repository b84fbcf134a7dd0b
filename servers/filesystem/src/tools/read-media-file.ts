import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { defineTool, type ToolDefinition, toolMeta } from '@meshwork/kit';
import type { ContentBlock } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { openForRead, readWhole } from '../confinement/safe-open.js';
import { type FsToolContext, READ_ONLY_HINTS, withSystemErrors } from './context.js';

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
  '.svg': 'image/svg+xml',
  '.mp3': 'audio/mpeg',
  '.wav': 'audio/wav',
  '.ogg': 'audio/ogg',
  '.flac': 'audio/flac',
  '.txt': 'text/plain',
  '.md': 'text/markdown',
  '.csv': 'text/csv',
  '.html': 'text/html',
  '.css': 'text/css',
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.pdf': 'application/pdf',
};

const inputSchema = z.object({ path: z.string() });

const mediaItem = z.union([
  z.object({ type: z.enum(['image', 'audio']), data: z.string(), mimeType: z.string() }),
  z.object({
    type: z.literal('resource'),
    resource: z.object({ uri: z.string(), mimeType: z.string().optional(), blob: z.string() }),
  }),
]);

const outputSchema = z.object({ content: z.array(mediaItem) });

/**
 * `read_media_file`: returns a file base64-encoded as an image, audio or embedded-resource
 * block, like the reference; refused over the read cap. Subject argument: `path`.
 */
export function createReadMediaFileTool(context: FsToolContext): ToolDefinition {
  return withSystemErrors(
    defineTool({
      name: 'read_media_file',
      title: 'Read Media File',
      description:
        'Read a file and return it as a base64-encoded content block with its MIME type. ' +
        'Image and audio files are returned as image/audio content; any other file type is ' +
        'returned as an embedded resource. Only works within allowed directories.',
      inputSchema,
      outputSchema,
      annotations: READ_ONLY_HINTS,
      meta: toolMeta({ subject: 'path', writes: false }),
      async handler(input) {
        const confinement = await context.confinement();
        const resolved = await confinement.resolve(input.path);
        const opened = openForRead(confinement, resolved);
        let data: string;
        try {
          data = (await readWhole(opened, context.limits.maxReadBytes, resolved.requested)).toString(
            'base64',
          );
        } finally {
          opened.close();
        }
        const mimeType = MIME_TYPES[path.extname(resolved.real).toLowerCase()] ?? 'application/octet-stream';
        const item: z.infer<typeof mediaItem> = mimeType.startsWith('image/')
          ? { type: 'image', data, mimeType }
          : mimeType.startsWith('audio/')
            ? { type: 'audio', data, mimeType }
            : {
                type: 'resource',
                resource: { uri: pathToFileURL(resolved.requested).href, mimeType, blob: data },
              };
        return { content: [item] };
      },
      toText(output) {
        const item = output.content[0];
        if (!item) return 'No content';
        const mimeType = item.type === 'resource' ? item.resource.mimeType : item.mimeType;
        const size = Buffer.byteLength(item.type === 'resource' ? item.resource.blob : item.data, 'base64');
        return `${mimeType ?? 'application/octet-stream'} file, ${size} bytes`;
      },
      toContent(output) {
        return output.content as ContentBlock[];
      },
    }),
  );
}
