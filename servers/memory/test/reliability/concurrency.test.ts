import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMemoryStore } from '../../src/store/memory-store.js';
import { resolveMemoryPaths } from '../../src/store/paths.js';
import { listTopicSlugs } from '../../src/store/topics.js';
import { expectIndexAgreesWithTopics, type FixtureProcess, runFixture } from '../support.js';

const WORKERS = 8;
const OPERATIONS_PER_WORKER = 63; // 8 × 63 = 504 interleaved writes and appends

describe('eight processes sharing one directory', () => {
  let temp: TempDir;
  const workers: FixtureProcess[] = [];
  beforeEach(async () => {
    temp = await createTempDir('meshwork-memory-');
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    await temp.remove();
  });

  it('loses no write and keeps the index in agreement with the topics', { timeout: 180_000 }, async () => {
    for (let worker = 0; worker < WORKERS; worker += 1) {
      workers.push(
        runFixture('concurrent-worker.mjs', [temp.path, String(worker), String(OPERATIONS_PER_WORKER)]),
      );
    }
    await Promise.all(workers.map((worker) => worker.waitFor(/^ready$/)));
    for (const worker of workers) worker.child.stdin!.write('go\n');
    const exits = await Promise.all(workers.map((worker) => worker.exited));
    expect(
      exits.map((exit) => exit.code),
      workers.map((worker) => worker.stderr()).join('\n'),
    ).toEqual(Array(WORKERS).fill(0));

    const expectedTopics: string[] = [];
    const expectedLog: string[] = [];
    const expectedEntries: string[] = [];
    for (let worker = 0; worker < WORKERS; worker += 1) {
      for (let index = 0; index < OPERATIONS_PER_WORKER; index += 1) {
        const tag = `w${worker}-op${index}`;
        if (index % 3 === 0) expectedTopics.push(`topic-${tag}`);
        else if (index % 3 === 1) expectedLog.push(`- ${tag}`);
        else expectedEntries.push(`entry ${tag}`);
      }
    }
    // Every topic was created, and the shared read-modify-write topic kept every append.
    expect(listTopicSlugs(resolveMemoryPaths(temp.path)).slugs.sort()).toEqual(
      [...expectedTopics, 'shared-log'].sort(),
    );
    const log = readFileSync(join(temp.path, 'topics', 'shared-log.md'), 'utf8');
    const logLines = log.split('\n').filter((line) => line.startsWith('- w'));
    expect(logLines.sort()).toEqual(expectedLog.sort());
    // Every transcript entry is there exactly once, each a whole JSON line.
    const transcript = readFileSync(join(temp.path, 'transcripts', 'shared.jsonl'), 'utf8')
      .trimEnd()
      .split('\n');
    const contents = transcript.map((line) => (JSON.parse(line) as { content: string }).content);
    expect(contents.sort()).toEqual(expectedEntries.sort());
    expectIndexAgreesWithTopics(temp.path);

    const store = await openMemoryStore({ dir: temp.path, watch: false });
    try {
      const hit = await store.search({ query: '"entry w5-op2"', scope: 'transcripts' });
      expect(hit.results).toHaveLength(1);
      const topic = await store.search({ query: 'w7-op60', scope: 'topics' });
      expect(topic.results.map((result) => ('slug' in result ? result.slug : ''))).toContain('topic-w7-op60');
    } finally {
      await store.close();
    }
  });
});
