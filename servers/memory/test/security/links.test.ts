// Attack corpus, issue 13 class 13: a link planted inside the memory directory must not let the
// memory server read, append to, write, delete or index a file outside it. Judged by effect: the
// outside file's content never comes back, and nothing outside changes.
import {
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type SpawnedStdioServer, spawnStdioServer, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callError, callOk, MEMORY_BIN } from '../support.js';

// The search term is a neighbour of the payload: a search echoes its query, the payload must never come back.
const QUERY = 'quokka';
const SECRET = 'OUTSIDE-PAYLOAD-4b7e19';
const TOPIC_TEXT = `---\nname: Leak\ndescription: ${QUERY} ${SECRET}\ntype: reference\n---\n${QUERY} ${SECRET} body\n`;
const TRANSCRIPT_TEXT = `${JSON.stringify({ ts: '2026-01-01T00:00:00Z', role: 'tool', content: `${QUERY} ${SECRET} line` })}\n`;

let temp: TempDir;
let memory: string;
let outside: string;
let server: SpawnedStdioServer | undefined;

beforeEach(async () => {
  temp = await createTempDir('meshwork-memory-links-');
  memory = join(temp.path, 'memory');
  outside = join(temp.path, 'outside');
  mkdirSync(join(memory, 'topics'), { recursive: true });
  mkdirSync(join(memory, 'transcripts'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(outside, 'leak.md'), TOPIC_TEXT);
  writeFileSync(join(outside, 'leak.jsonl'), TRANSCRIPT_TEXT);
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await temp.remove();
});

const start = async () => {
  server = await spawnStdioServer({ bin: MEMORY_BIN, args: ['--dir', memory] });
  return server.client;
};

/** Everything the model could be shown: the text and structured content of a call. */
async function callText(name: string, args: Record<string, unknown>): Promise<string> {
  const result = await server!.client.callTool({ name, arguments: args });
  return JSON.stringify([result.content, result.structuredContent ?? null]);
}

/** The outside folder as it stands: names and contents. */
function outsideState(): Record<string, string> {
  return Object.fromEntries(
    readdirSync(outside).map((name) => [name, readFileSync(join(outside, name), 'utf8')]),
  );
}

describe('the memory server and links planted in its directory', () => {
  it('neither reads, searches, overwrites nor deletes through a symlinked topic', async () => {
    symlinkSync(join(outside, 'leak.md'), join(memory, 'topics', 'leak.md'));
    const before = outsideState();
    await start();
    const read = await callError(server!.client, 'read_topic', { slug: 'leak' });
    expect(read).toContain('E_UNSAFE_PATH');
    expect(read).not.toContain(SECRET);
    expect(await callText('search_memory', { query: QUERY, scope: 'all' })).not.toContain(SECRET);
    expect(await callText('read_index', {})).not.toContain(SECRET);
    const resource = await server!.client
      .readResource({ uri: 'memory://topics/leak' })
      .then((result) => JSON.stringify(result))
      .catch((error: Error) => error.message);
    expect(resource).not.toContain(SECRET);
    for (const mode of ['append', 'replace'] as const) {
      const write = await callText('write_topic', { slug: 'leak', body: 'overwritten', mode });
      expect(write).toContain('E_UNSAFE_PATH');
    }
    expect(await callText('delete_topic', { slug: 'leak' })).toContain('E_UNSAFE_PATH');
    expect(outsideState()).toEqual(before);
  });

  it('neither reads, searches, lists nor appends to a symlinked transcript', async () => {
    symlinkSync(join(outside, 'leak.jsonl'), join(memory, 'transcripts', 'leak.jsonl'));
    const before = outsideState();
    await start();
    expect(await callText('read_transcript', { session: 'leak', from_line: 1, to_line: 10 })).not.toContain(
      SECRET,
    );
    expect(await callText('search_memory', { query: QUERY, scope: 'transcripts' })).not.toContain(SECRET);
    const sessions = await callOk<{ sessions: { session: string }[] }>(server!.client, 'list_sessions');
    expect(sessions.sessions.map((session) => session.session)).not.toContain('leak');
    const append = await callError(server!.client, 'append_transcript', {
      session: 'leak',
      entries: [{ role: 'user', content: 'planted' }],
    });
    expect(append).toContain('E_UNSAFE_PATH');
    expect(outsideState()).toEqual(before);
  });

  it('refuses hard links to files outside (a file with more than one link)', async () => {
    linkSync(join(outside, 'leak.md'), join(memory, 'topics', 'hard.md'));
    linkSync(join(outside, 'leak.jsonl'), join(memory, 'transcripts', 'hard.jsonl'));
    const before = outsideState();
    await start();
    expect(await callError(server!.client, 'read_topic', { slug: 'hard' })).toContain('E_UNSAFE_PATH');
    expect(await callText('search_memory', { query: QUERY, scope: 'all' })).not.toContain(SECRET);
    expect(await callText('read_transcript', { session: 'hard', from_line: 1, to_line: 5 })).not.toContain(
      SECRET,
    );
    expect(
      await callText('append_transcript', { session: 'hard', entries: [{ role: 'user', content: 'x' }] }),
    ).toContain('E_UNSAFE_PATH');
    expect(await callText('write_topic', { slug: 'hard', body: 'x', mode: 'replace' })).toContain(
      'E_UNSAFE_PATH',
    );
    expect(outsideState()).toEqual(before);
  });

  it('refuses to start on a symlinked topics/ folder, saying what to do', async () => {
    rmSync(join(memory, 'topics'), { recursive: true });
    symlinkSync(outside, join(memory, 'topics'));
    const failed = await spawnStdioServer({ bin: MEMORY_BIN, args: ['--dir', memory] }).then(
      async (started) => {
        await started.close();
        return '';
      },
      (error: Error) => error.message,
    );
    expect(failed).toMatch(/E_UNSAFE_PATH|symbolic link/);
    expect(outsideState()).toEqual({ 'leak.md': TOPIC_TEXT, 'leak.jsonl': TRANSCRIPT_TEXT });
  });

  it('refuses to start on a write lock planted as a link, leaving its target alone', async () => {
    const target = join(outside, 'lock-target');
    writeFileSync(target, 'precious');
    symlinkSync(target, join(memory, '.write.lock'));
    const failed = await spawnStdioServer({ bin: MEMORY_BIN, args: ['--dir', memory] }).then(
      async (started) => {
        await started.close();
        return '';
      },
      (error: Error) => error.message,
    );
    expect(failed).toMatch(/E_UNSAFE_PATH|symbolic link/);
    expect(readFileSync(target, 'utf8')).toBe('precious');
    expect(readdirSync(outside).sort()).toEqual(['leak.jsonl', 'leak.md', 'lock-target']);
  });

  it('writes nothing through topics/ or transcripts/ swapped for links while it runs', async () => {
    await start();
    await callOk(server!.client, 'write_topic', {
      slug: 'ok',
      title: 'Ok',
      type: 'project',
      body: 'fine',
      mode: 'create',
    });
    const before = outsideState();
    renameSync(join(memory, 'topics'), join(temp.path, 'topics-moved'));
    symlinkSync(outside, join(memory, 'topics'));
    renameSync(join(memory, 'transcripts'), join(temp.path, 'transcripts-moved'));
    symlinkSync(outside, join(memory, 'transcripts'));
    const write = await callError(server!.client, 'write_topic', {
      slug: 'planted',
      title: 'Planted',
      type: 'project',
      body: 'planted',
      mode: 'create',
    });
    expect(write).toContain('E_UNSAFE_PATH');
    expect(await callText('read_topic', { slug: 'leak' })).not.toContain(SECRET);
    expect(await callText('search_memory', { query: QUERY, scope: 'all' })).not.toContain(SECRET);
    expect(
      await callText('append_transcript', { session: 'leak', entries: [{ role: 'user', content: 'x' }] }),
    ).toContain('E_UNSAFE_PATH');
    expect(
      await callText('append_transcript', { session: 'new', entries: [{ role: 'user', content: 'x' }] }),
    ).toContain('E_UNSAFE_PATH');
    expect(await callText('delete_topic', { slug: 'leak' })).not.toContain('"deleted":true');
    expect(await callText('maintain_memory', { dry_run: false })).not.toContain(SECRET);
    expect(outsideState()).toEqual(before);
  });

  it('writes nothing outside while topics/ flips between a folder and a link during writes', async () => {
    await start();
    const real = join(temp.path, 'topics-real');
    const topics = join(memory, 'topics');
    let linked = false;
    const flip = () => {
      try {
        if (linked) {
          rmSync(topics);
          renameSync(real, topics);
        } else {
          renameSync(topics, real);
          symlinkSync(outside, topics);
        }
        linked = !linked;
      } catch {
        // A flip that lost a race with the server is simply tried again.
      }
    };
    const before = outsideState();
    const timer = setInterval(flip, 1);
    try {
      for (let index = 0; index < 40; index += 1) {
        await server!.client.callTool({
          name: 'write_topic',
          arguments: {
            slug: `race-${index}`,
            title: `Race ${index}`,
            type: 'project',
            body: `body ${index}`,
            mode: 'create',
          },
        });
      }
    } finally {
      clearInterval(timer);
    }
    expect(outsideState()).toEqual(before);
  });

  it('rebuilds its search index instead of following a planted .index link or database link', async () => {
    const elsewhere = join(temp.path, 'elsewhere');
    mkdirSync(elsewhere);
    symlinkSync(elsewhere, join(memory, '.index'));
    await start();
    await callOk(server!.client, 'append_transcript', {
      session: 'own',
      entries: [{ role: 'user', content: 'findable WORD-91' }],
    });
    const hits = await callOk<{ results: unknown[] }>(server!.client, 'search_memory', { query: 'WORD-91' });
    expect(hits.results).toHaveLength(1);
    expect(readdirSync(elsewhere)).toEqual([]);
    await server!.close();
    server = undefined;

    // A database file planted as a link to a file outside: the link is removed, the target untouched.
    const target = join(outside, 'db-target');
    writeFileSync(target, 'not a database');
    rmSync(join(memory, '.index'), { recursive: true, force: true });
    mkdirSync(join(memory, '.index'));
    symlinkSync(target, join(memory, '.index', 'search.db'));
    await start();
    const again = await callOk<{ results: unknown[] }>(server!.client, 'search_memory', { query: 'WORD-91' });
    expect(again.results).toHaveLength(1);
    expect(readFileSync(target, 'utf8')).toBe('not a database');
    expect(existsSync(join(outside, 'db-target-wal'))).toBe(false);
  });
});
