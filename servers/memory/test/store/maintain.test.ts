import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMemoryStore } from '../../src/store/memory-store.js';
import { expectIndexAgreesWithTopics } from '../support.js';

const topic = (name: string, description: string, body: string, created = '2025-01-01T00:00:00.000Z') =>
  `---\nname: ${name}\ndescription: ${description}\ntype: project\ncreated: ${created}\nupdated: ${created}\nsource: test\n---\n${body}\n`;

describe('maintain_memory', () => {
  let temp: TempDir;
  beforeEach(async () => {
    temp = await createTempDir('meshwork-memory-');
  });
  afterEach(async () => {
    await temp.remove();
  });

  it('rebuilds the index from frontmatter, drops dangling pointers, merges identical topics, and reports each change', async () => {
    const store = await openMemoryStore({ dir: temp.path, watch: false, indexOnOpen: false });
    try {
      const topics = join(temp.path, 'topics');
      writeFileSync(join(topics, 'alpha.md'), topic('Alpha', 'first topic', 'Alpha body.'));
      writeFileSync(join(topics, 'beta.md'), topic('Beta renamed', 'edited by hand', 'Beta body.'));
      writeFileSync(
        join(topics, 'copy-old.md'),
        topic('Copy', 'same', 'Identical body.', '2024-01-01T00:00:00.000Z'),
      );
      writeFileSync(
        join(topics, 'copy-new.md'),
        topic('Copy 2', 'same', 'Identical body.', '2025-06-01T00:00:00.000Z'),
      );
      writeFileSync(join(topics, '.alpha.md.tmp-999-abcd'), 'leftover');
      writeFileSync(
        join(temp.path, 'MEMORY.md'),
        [
          '# Memory',
          '- [Alpha](topics/alpha.md) — first topic',
          '- [Beta](topics/beta.md) — old hook',
          '- [Gone](topics/gone.md) — deleted by hand',
          'a stray note',
          '- [Alpha again](topics/alpha.md) — duplicate pointer',
          '- [Copy 2](topics/copy-new.md) — same',
          '',
        ].join('\n'),
      );
      const before = readFileSync(join(temp.path, 'MEMORY.md'), 'utf8');
      const plan = await store.maintain(true);
      expect(readFileSync(join(temp.path, 'MEMORY.md'), 'utf8')).toBe(before);
      expect(existsSync(join(topics, 'copy-new.md'))).toBe(true);

      const report = await store.maintain(false);
      expect(report.changes).toEqual(plan.changes);
      expect(report.changes.map((change) => [change.action, change.slug ?? null])).toEqual([
        ['merge_duplicate', 'copy-new'],
        ['drop_dangling', 'gone'],
        ['drop_non_pointer', null],
        ['drop_duplicate_line', 'alpha'],
        ['update_line', 'beta'],
        ['add_missing', 'copy-old'],
        ['remove_temp_file', null],
      ]);
      expect(readFileSync(join(temp.path, 'MEMORY.md'), 'utf8')).toBe(
        [
          '# Memory',
          '- [Alpha](topics/alpha.md) — first topic',
          '- [Beta renamed](topics/beta.md) — edited by hand',
          '- [Copy](topics/copy-old.md) — same',
          '',
        ].join('\n'),
      );
      expect(existsSync(join(topics, 'copy-new.md'))).toBe(false);
      expect(existsSync(join(topics, '.alpha.md.tmp-999-abcd'))).toBe(false);
      expect((await store.maintain(false)).changes).toEqual([]);
    } finally {
      await store.close();
    }
    // The heading line is not a pointer; the agreement check looks at pointers only.
    expectIndexAgreesWithTopics(temp.path);
  });
});
