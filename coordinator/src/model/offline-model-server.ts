import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OfflineScript, OfflineTurn } from './offline-script.js';

/** A running offline model server. */
export interface OfflineModelServer {
  /** Base URL for the SDK (`new Anthropic({ baseURL })`). */
  url: string;
  /** Requests answered so far. */
  requests(): number;
  close(): Promise<void>;
}

interface RequestBody {
  model?: string;
  stream?: boolean;
  system?: string | Array<{ type: string; text?: string }>;
  messages?: Array<{ role: string }>;
}

function systemText(body: RequestBody): string {
  if (typeof body.system === 'string') return body.system;
  return (body.system ?? []).map((block) => block.text ?? '').join('\n');
}

function pickTurn(
  script: OfflineScript,
  body: RequestBody,
  agent: string | undefined,
): OfflineTurn | undefined {
  const system = systemText(body);
  const route = script.routes.find((candidate) => {
    const match = candidate.match;
    if (!match) return true;
    if (match.agent !== undefined && match.agent !== agent) return false;
    if (match.systemIncludes !== undefined && !system.includes(match.systemIncludes)) return false;
    return true;
  });
  if (!route) return undefined;
  const index = (body.messages ?? []).filter((message) => message.role === 'assistant').length;
  return route.turns[Math.min(index, route.turns.length - 1)];
}

function messageOf(turn: OfflineTurn, body: RequestBody, inputChars: number) {
  const content = turn.content.map((block) =>
    block.type === 'text'
      ? { type: 'text', text: block.text }
      : {
          type: 'tool_use',
          id: `toolu_${randomUUID().replace(/-/g, '').slice(0, 24)}`,
          name: block.name,
          input: block.input,
        },
  );
  const outputChars = JSON.stringify(turn.content).length;
  return {
    id: `msg_offline_${randomUUID().replace(/-/g, '').slice(0, 20)}`,
    type: 'message',
    role: 'assistant',
    model: body.model ?? 'offline',
    content,
    stop_reason:
      turn.stop_reason ?? (turn.content.some((block) => block.type === 'tool_use') ? 'tool_use' : 'end_turn'),
    stop_sequence: null,
    usage: {
      input_tokens: Math.ceil(inputChars / 4),
      output_tokens: Math.ceil(outputChars / 4),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
    },
  };
}

function sse(response: ServerResponse, event: string, data: unknown): void {
  response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function stream(response: ServerResponse, message: ReturnType<typeof messageOf>): void {
  response.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache',
    'request-id': `req_offline_${message.id.slice(-8)}`,
  });
  sse(response, 'message_start', {
    type: 'message_start',
    message: { ...message, content: [], stop_reason: null, usage: { ...message.usage, output_tokens: 1 } },
  });
  message.content.forEach((block, index) => {
    if (block.type === 'text') {
      sse(response, 'content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'text', text: '' },
      });
      const text = (block as { text: string }).text;
      for (let offset = 0; offset < text.length || offset === 0; offset += 64) {
        sse(response, 'content_block_delta', {
          type: 'content_block_delta',
          index,
          delta: { type: 'text_delta', text: text.slice(offset, offset + 64) },
        });
        if (text.length === 0) break;
      }
    } else {
      const tool = block as { id: string; name: string; input: unknown };
      sse(response, 'content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: tool.id, name: tool.name, input: {} },
      });
      sse(response, 'content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'input_json_delta', partial_json: JSON.stringify(tool.input) },
      });
    }
    sse(response, 'content_block_stop', { type: 'content_block_stop', index });
  });
  sse(response, 'message_delta', {
    type: 'message_delta',
    delta: { stop_reason: message.stop_reason, stop_sequence: null },
    usage: { output_tokens: message.usage.output_tokens },
  });
  sse(response, 'message_stop', { type: 'message_stop' });
  response.end();
}

function fail(response: ServerResponse, status: number, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json', 'x-should-retry': 'false' });
  response.end(JSON.stringify({ type: 'error', error: { type: 'invalid_request_error', message } }));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Options of {@link startOfflineModelServer}. */
export interface OfflineModelServerOptions {
  /** `{{name}}` in a script's text and tool inputs is replaced by the value (e.g. `project_dir`). */
  variables?: Record<string, string>;
}

function substitute(turn: OfflineTurn, variables: Record<string, string>): OfflineTurn {
  const json = JSON.stringify(turn).replace(/\{\{([a-z_]+)\}\}/g, (match, name: string) => {
    const value = variables[name];
    return value === undefined ? match : JSON.stringify(value).slice(1, -1);
  });
  return JSON.parse(json) as OfflineTurn;
}

/**
 * Serves a bundled script as the Anthropic Messages API on 127.0.0.1 (random port), so an offline
 * run still goes through the real SDK, streaming included. No model is called.
 */
export async function startOfflineModelServer(
  script: OfflineScript,
  options: OfflineModelServerOptions = {},
): Promise<OfflineModelServer> {
  let count = 0;
  const server = createServer((request, response) => {
    void (async () => {
      if (request.method !== 'POST' || !request.url?.startsWith('/v1/messages')) {
        fail(response, 404, `offline model server: ${request.method} ${request.url} is not served`);
        return;
      }
      const text = await readBody(request);
      let body: RequestBody;
      try {
        body = JSON.parse(text) as RequestBody;
      } catch {
        fail(response, 400, 'offline model server: the body is not JSON');
        return;
      }
      count += 1;
      const agent = request.headers['x-meshwork-agent'];
      const turn = pickTurn(script, body, typeof agent === 'string' ? agent : undefined);
      if (!turn) {
        fail(
          response,
          400,
          `offline model server: the bundled script has no route for agent ${String(agent)}`,
        );
        return;
      }
      const message = messageOf(substitute(turn, options.variables ?? {}), body, text.length);
      if (body.stream) stream(response, message);
      else {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify(message));
      }
    })().catch((error: unknown) => {
      if (!response.headersSent) fail(response, 500, String(error));
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
