import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createTranscriptWriter } from '../../src/runtime/transcript.js';
import type { ServerConnection, ToolCallOutcome } from '../../src/servers/server-connection.js';

/** Whatever the memory server calls its tool with the `memory/append-transcript` role. */
const TRANSCRIPT_TOOL = 'keep_transcript_lines';

const linesOf = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { role: string; content: string; ts: string });

/** A memory server stand-in: records each batch sent to its transcript tool; each call takes a while. */
function fakeMemory(outcome: (call: number) => ToolCallOutcome | Error) {
  const batches: Array<Array<{ role: string; content: string }>> = [];
  const connection = {
    async call(tool: string, args: Record<string, unknown>) {
      expect(tool).toBe(TRANSCRIPT_TOOL);
      batches.push(args.entries as Array<{ role: string; content: string }>);
      await new Promise((resolve) => setTimeout(resolve, 20));
      const result = outcome(batches.length);
      if (result instanceof Error) throw result;
      return result;
    },
  } as unknown as ServerConnection;
  return { connection, batches };
}

describe('transcript writer', () => {
  let dir: TempDir | undefined;
  afterEach(async () => {
    await dir?.remove();
    dir = undefined;
  });

  it('has every entry in the file, in order, as soon as append returns', async () => {
    dir = await createTempDir('meshwork-transcript-');
    const writer = createTranscriptWriter(dir.path, 'run-1', 'builder#1');
    expect(writer.file).toBe(join(dir.path, 'agents', 'builder-1.jsonl'));
    void writer.append([{ role: 'system', content: 'prompt' }]);
    void writer.append([
      { role: 'user', content: 'task' },
      { role: 'assistant', content: 'answer', meta: { turn: 1 } },
    ]);
    expect(linesOf(writer.file).map((entry) => entry.content)).toEqual(['prompt', 'task', 'answer']);
    await writer.close();
    await writer.append([{ role: 'system', content: 'after close' }]);
    await writer.close();
    const entries = linesOf(writer.file);
    expect(entries.map((entry) => entry.role)).toEqual(['system', 'user', 'assistant', 'system']);
    expect(entries.every((entry) => !Number.isNaN(Date.parse(entry.ts)))).toBe(true);
    expect(writer.warnings()).toEqual([]);
  });

  it('sends memory its entries in order, coalescing what queues behind a call in flight', async () => {
    dir = await createTempDir('meshwork-transcript-');
    const memory = fakeMemory(() => ({ text: 'ok', isError: false }));
    const writer = createTranscriptWriter(dir.path, 'run-1', 'researcher#1');
    writer.attachMemory(memory.connection, TRANSCRIPT_TOOL);
    const first = writer.append([{ role: 'user', content: 'one' }]);
    void writer.append([{ role: 'assistant', content: 'two' }]);
    const third = writer.append([{ role: 'tool', content: 'three' }]);
    await Promise.all([first, third]);
    expect(memory.batches.map((batch) => batch.map((entry) => entry.content))).toEqual([
      ['one'],
      ['two', 'three'],
    ]);
    await writer.append([{ role: 'system', content: 'four' }]);
    expect(memory.batches.at(-1)?.map((entry) => entry.content)).toEqual(['four']);
    await writer.close();
    expect(linesOf(writer.file).map((entry) => entry.content)).toEqual(['one', 'two', 'three', 'four']);
  });

  it('never rejects: memory and file failures become warnings', async () => {
    dir = await createTempDir('meshwork-transcript-');
    const memory = fakeMemory((call) =>
      call === 1 ? { text: 'E_DISK: full', isError: true } : new Error('connection lost'),
    );
    const writer = createTranscriptWriter(dir.path, 'run-1', 'a');
    writer.attachMemory(memory.connection, TRANSCRIPT_TOOL);
    await expect(writer.append([{ role: 'user', content: 'x' }])).resolves.toBeUndefined();
    await expect(writer.append([{ role: 'user', content: 'y' }])).resolves.toBeUndefined();
    expect(writer.warnings()).toEqual([
      'memory transcript: E_DISK: full',
      'memory transcript: connection lost',
    ]);

    // A run directory that is a file: the transcript cannot be written, the agent goes on.
    const blocked = join(dir.path, 'not-a-directory');
    writeFileSync(blocked, '');
    const broken = createTranscriptWriter(blocked, 'run-1', 'b');
    await expect(broken.append([{ role: 'user', content: 'z' }])).resolves.toBeUndefined();
    await broken.close();
    expect(broken.warnings()).toEqual([expect.stringMatching(/^transcript: /)]);
  });

  it("tags every entry with the agent's transcript scope, in the file and to memory", async () => {
    dir = await createTempDir('meshwork-transcript-');
    const memory = fakeMemory(() => ({ isError: false, text: 'ok' }) as ToolCallOutcome);
    const writer = createTranscriptWriter(dir.path, 'run-1', 'reader#1', { profile: 'p-reader' });
    writer.attachMemory(memory.connection, TRANSCRIPT_TOOL);
    await writer.append([
      { role: 'user', content: 'task' },
      { role: 'tool', content: 'result', meta: { tool: 'fs:read_text_file' } },
    ]);
    await writer.close();
    const tags = (entries: Array<Record<string, unknown>>) => entries.map((entry) => entry.profile);
    expect(tags(linesOf(writer.file) as unknown as Array<Record<string, unknown>>)).toEqual([
      'p-reader',
      'p-reader',
    ]);
    expect(tags(memory.batches.flat() as Array<Record<string, unknown>>)).toEqual(['p-reader', 'p-reader']);
  });
});
