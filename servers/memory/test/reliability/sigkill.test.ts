import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseIndexLine, splitIndexLines } from '../../src/store/index-file.js';
import { openMemoryStore } from '../../src/store/memory-store.js';
import { parseTopic } from '../../src/store/topic-file.js';
import { expectIndexAgreesWithTopics, type FixtureProcess, runFixture } from '../support.js';

/** The single version every body line names, or a failure when lines disagree (a torn file). */
function bodyVersion(text: string): number {
  const topic = parseTopic(text, 'big');
  expect(topic.frontmatterError).toBeUndefined();
  const versions = new Set(
    topic.body
      .trimEnd()
      .split('\n')
      .map((line) => /of version (\d+)$/.exec(line)?.[1]),
  );
  expect(versions.size).toBe(1);
  const [version] = versions;
  expect(version).toBeDefined();
  expect(topic.body.trimEnd().split('\n')).toHaveLength(3000);
  return Number(version);
}

describe('a writer killed with SIGKILL mid-write', () => {
  let temp: TempDir;
  let writer: FixtureProcess | undefined;
  beforeEach(async () => {
    temp = await createTempDir('meshwork-memory-');
  });
  afterEach(async () => {
    if (writer && writer.child.exitCode === null && writer.child.signalCode === null)
      writer.child.kill('SIGKILL');
    await temp.remove();
  });

  it('leaves every file the old version or the new one, never half', { timeout: 120_000 }, async () => {
    let start = 1;
    for (let round = 0; round < 6; round += 1) {
      writer = runFixture('killable-writer.mjs', [temp.path, String(start)]);
      // Kill at a different point of the write cycle each round: after a varying number of writes.
      const target = start + 2 + (round % 3);
      await writer.waitFor(new RegExp(`^wrote ${target}$`));
      writer.child.kill('SIGKILL');
      const exit = await writer.exited;
      expect(exit.signal).toBe('SIGKILL');
      const lastReported = Number(/(\d+)$/.exec(writer.lines.at(-1) ?? '')?.[1]);

      // Before any recovery: the topic is one whole version, the index one whole line.
      const version = bodyVersion(readFileSync(join(temp.path, 'topics', 'big.md'), 'utf8'));
      expect(version).toBeGreaterThanOrEqual(lastReported);
      expect(version).toBeLessThanOrEqual(lastReported + 1);
      const indexLines = splitIndexLines(readFileSync(join(temp.path, 'MEMORY.md'), 'utf8'));
      expect(indexLines).toHaveLength(1);
      const hook = parseIndexLine(indexLines[0]!).hook;
      expect([`version ${version - 1}`, `version ${version}`, `version ${version + 1}`]).toContain(hook);
      // Any intent left behind is whole JSON (it is itself written atomically).
      if (readdirSync(temp.path).includes('.intent.json')) {
        expect(() => JSON.parse(readFileSync(join(temp.path, '.intent.json'), 'utf8'))).not.toThrow();
      }
      // Transcript lines are whole, except possibly a torn last one, which the reader skips.
      const lines = readFileSync(join(temp.path, 'transcripts', 'log.jsonl'), 'utf8').split('\n');
      const complete = lines.slice(0, -1);
      for (const line of complete.slice(0, -1)) expect(() => JSON.parse(line)).not.toThrow();

      // Opening the store replays a half-done step: index and topic agree again.
      const store = await openMemoryStore({ dir: temp.path, watch: false, indexOnOpen: false });
      try {
        expectIndexAgreesWithTopics(temp.path);
        const recovered = bodyVersion(readFileSync(join(temp.path, 'topics', 'big.md'), 'utf8'));
        expect(store.readIndex().content).toContain(`version ${recovered}`);
        const hits = await store.search({ query: `"version ${lastReported}"`, scope: 'transcripts' });
        expect(hits.results.length).toBeGreaterThanOrEqual(1);
        const report = await store.maintain(false);
        expect(report.changes.filter((change) => change.action !== 'remove_temp_file')).toEqual([]);
      } finally {
        await store.close();
      }
      expect(readdirSync(join(temp.path, 'topics')).filter((name) => name.includes('.tmp-'))).toEqual([]);
      start = lastReported + 2;
    }
  });
});
