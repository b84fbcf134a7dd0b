import { closeSync, openSync, readSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLastLines, readLineSlice } from '../../src/text/lines.js';

let temp: TempDir;
beforeAll(async () => {
  temp = await createTempDir('meshwork-fs-lines-');
});
afterAll(async () => {
  await temp.remove();
});

function reader(name: string, content: string) {
  const path = join(temp.path, name);
  writeFileSync(path, content);
  const fd = openSync(path, 'r');
  return {
    size: Buffer.byteLength(content),
    readAt: async (buffer: Buffer, offset: number, length: number, position: number) =>
      readSync(fd, buffer, offset, length, position),
    close: () => closeSync(fd),
  };
}

describe('line readers', () => {
  // ~200 KB: several 64 KiB chunks, so slices and tails cross chunk boundaries.
  const lines = Array.from({ length: 3000 }, (_, index) => `line ${index + 1} ${'z'.repeat(index % 120)}`);
  const content = `${lines.join('\n')}\n`;

  it('slices any range exactly and counts all lines', async () => {
    const file = reader('big.txt', content);
    for (const [first, take] of [
      [1, 5],
      [1000, 3],
      [2998, 10],
      [3001, 5],
    ] as const) {
      const slice = await readLineSlice(file, file.size, first, take, 1_000_000);
      expect(slice.lines).toEqual(lines.slice(first - 1, first - 1 + take));
      expect(slice.totalLines).toBe(3000);
      expect(slice.hasMore).toBe(first - 1 + take < 3000);
    }
    file.close();
  });

  it('stops at the byte cap and says so', async () => {
    const file = reader('capped.txt', content);
    const slice = await readLineSlice(file, file.size, 1, 3000, 1000);
    expect(slice.truncated).toBe(true);
    expect(slice.hasMore).toBe(true);
    expect(slice.lines).toEqual(lines.slice(0, slice.lines.length));
    file.close();
  });

  it('reads the last lines across chunks, with and without a final newline', async () => {
    const withNewline = reader('tail1.txt', content);
    expect((await readLastLines(withNewline, withNewline.size, 2500, 10_000_000)).lines).toEqual(
      lines.slice(-2500),
    );
    withNewline.close();
    const without = reader('tail2.txt', 'a\nb\nc');
    expect((await readLastLines(without, without.size, 2, 1000)).lines).toEqual(['b', 'c']);
    expect((await readLastLines(without, without.size, 10, 1000)).lines).toEqual(['a', 'b', 'c']);
    without.close();
    const blank = reader('tail3.txt', 'a\n\nb\n');
    expect((await readLastLines(blank, blank.size, 3, 1000)).lines).toEqual(['a', '', 'b']);
    blank.close();
  });
});
