import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compilePattern } from '../../src/grep/pattern.js';
import { scanFile } from '../../src/grep/scan-file.js';

let temp: TempDir;
beforeAll(async () => {
  temp = await createTempDir('meshwork-fs-scan-');
});
afterAll(async () => {
  await temp.remove();
});

async function scan(
  name: string,
  content: string | Buffer,
  pattern: string,
  literal: boolean,
  chunk = 64,
  ignoreCase = false,
) {
  const path = join(temp.path, name);
  writeFileSync(path, content);
  const result = await scanFile(path, compilePattern(pattern, literal, ignoreCase), {
    limit: Number.POSITIVE_INFINITY,
    collectText: true,
    buffer: Buffer.alloc(chunk),
  });
  await result.handle?.close();
  return result;
}

describe('scanFile', () => {
  // Lines of varying length so matches fall on both sides of many chunk boundaries.
  const lines = Array.from({ length: 400 }, (_, index) =>
    index % 37 === 0 ? `hit ${index} ${'x'.repeat(index % 50)}` : `miss ${'y'.repeat(index % 70)}`,
  );
  const content = `${lines.join('\n')}\n`;
  const expected = lines.flatMap((line, index) => (line.startsWith('hit') ? [index + 1] : []));

  it.each([
    ['literal', true],
    ['regex', false],
  ])('reports exact line numbers across chunk boundaries (%s)', async (_label, literal) => {
    for (const chunk of [16, 64, 100, 4096]) {
      const result = await scan(
        `lines-${chunk}.txt`,
        content,
        literal ? 'hit ' : '^hit \\d+',
        literal,
        chunk,
      );
      expect(result.matches.map((match) => match.line)).toEqual(expected);
      expect(result.matches[0]?.text).toBe('hit 0 ');
    }
  });

  it('counts a match on a last line without a newline', async () => {
    const result = await scan('tail.txt', 'a\nb\nneedle', 'needle', true);
    expect(result.matches).toEqual([{ line: 3, column: 1, text: 'needle' }]);
  });

  it('reports one match per line, with its column', async () => {
    const result = await scan('twice.txt', 'x needle needle\n', 'needle', true);
    expect(result.matches).toEqual([{ line: 1, column: 3, text: 'x needle needle' }]);
  });

  it('skips binary files by a NUL in the first 8 KiB', async () => {
    const result = await scan(
      'binary.dat',
      Buffer.concat([Buffer.from('needle\n'), Buffer.from([0])]),
      'needle',
      true,
    );
    expect(result.status).toBe('binary');
    expect(result.matches).toEqual([]);
  });

  it('folds case for regexes without the i flag, keeping the original text', async () => {
    const result = await scan('case.txt', 'One\nTWO\ntwo\n', 'two', false, 64, true);
    expect(result.matches.map((match) => [match.line, match.text])).toEqual([
      [2, 'TWO'],
      [3, 'two'],
    ]);
  });

  it('cuts very long lines around the match', async () => {
    const result = await scan(
      'long.txt',
      `${'a'.repeat(10_000)}needle${'b'.repeat(10_000)}\n`,
      'needle',
      true,
      4096,
    );
    expect(result.matches[0]?.line).toBe(1);
    expect(result.matches[0]?.text.length).toBeLessThan(500);
    expect(result.matches[0]?.text).toContain('needle');
  });
});
