import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type SpawnedStdioServer, type TempDir } from '@meshwork/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, expectRefused, spawnFs, textOf } from '../helpers.js';

let temp: TempDir;
let server: SpawnedStdioServer;
const lines = Array.from({ length: 10 }, (_, index) => `line ${index + 1}`);

beforeAll(async () => {
  temp = await createTempDir('meshwork-fs-read-');
  mkdirSync(join(temp.path, 'sub'));
  writeFileSync(join(temp.path, 'ten.txt'), `${lines.join('\n')}\n`);
  writeFileSync(join(temp.path, 'crlf.txt'), 'a\r\nb\r\nc\r\n');
  writeFileSync(join(temp.path, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]));
  writeFileSync(join(temp.path, 'data.bin'), Buffer.from([0, 1, 2]));
  server = await spawnFs([temp.path]);
});

afterAll(async () => {
  await server?.close();
  await temp?.remove();
});

describe('read_text_file', () => {
  it('reads a whole file and returns its sha256', async () => {
    const result = await call(server.client, 'read_text_file', { path: join(temp.path, 'ten.txt') });
    const output = expectOk(result);
    expect(textOf(result)).toBe(`${lines.join('\n')}\n`);
    expect(output.sha256).toBe(
      createHash('sha256')
        .update(`${lines.join('\n')}\n`)
        .digest('hex'),
    );
  });

  it('reads head and tail lines like the reference', async () => {
    const path = join(temp.path, 'ten.txt');
    expect(textOf(await call(server.client, 'read_text_file', { path, head: 3 }))).toBe(
      'line 1\nline 2\nline 3',
    );
    expect(textOf(await call(server.client, 'read_text_file', { path, tail: 2 }))).toBe('line 9\nline 10');
    expect(
      textOf(await call(server.client, 'read_text_file', { path: join(temp.path, 'crlf.txt'), tail: 2 })),
    ).toBe('b\nc');
    expectRefused(await call(server.client, 'read_text_file', { path, head: 1, tail: 1 }), 'E_BAD_ARGUMENTS');
  });

  it('pages through a file with offset and limit', async () => {
    const path = join(temp.path, 'ten.txt');
    const first = await call(server.client, 'read_text_file', { path, offset: 1, limit: 4 });
    expect(expectOk(first)).toMatchObject({
      content: 'line 1\nline 2\nline 3\nline 4',
      nextOffset: 5,
      totalLines: 10,
    });
    expect(textOf(first)).toContain('offset=5');
    const last = expectOk(await call(server.client, 'read_text_file', { path, offset: 9, limit: 4 }));
    expect(last).toMatchObject({ content: 'line 9\nline 10', totalLines: 10 });
    expect(last.nextOffset).toBeUndefined();
    const past = expectOk(await call(server.client, 'read_text_file', { path, offset: 50 }));
    expect(past.content).toBe('');
    expectRefused(
      await call(server.client, 'read_text_file', { path, offset: 2, head: 1 }),
      'E_BAD_ARGUMENTS',
    );
  });

  it('keeps the deprecated read_file alias', async () => {
    expect(
      textOf(await call(server.client, 'read_file', { path: join(temp.path, 'ten.txt'), head: 1 })),
    ).toBe('line 1');
  });

  it('explains a missing file and a directory', async () => {
    expectRefused(
      await call(server.client, 'read_text_file', { path: join(temp.path, 'missing.txt') }),
      'E_NOT_FOUND',
    );
    expectRefused(
      await call(server.client, 'read_text_file', { path: join(temp.path, 'sub') }),
      'E_IS_DIRECTORY',
    );
  });
});

describe('read_multiple_files', () => {
  it('reads several files and reports failures inline, in the reference format', async () => {
    const good = join(temp.path, 'ten.txt');
    const bad = join(temp.path, 'nope.txt');
    const result = await call(server.client, 'read_multiple_files', { paths: [good, bad] });
    const output = expectOk(result);
    expect(textOf(result)).toBe(
      `${good}:\n${lines.join('\n')}\n\n\n---\n${bad}: Error - ${bad} does not exist.`,
    );
    expect(output.files).toEqual([
      { path: good, ok: true, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
      { path: bad, ok: false, error: `${bad} does not exist.` },
    ]);
  });
});

describe('read_media_file', () => {
  it('returns images as image content and other files as embedded resources', async () => {
    const image = await call(server.client, 'read_media_file', { path: join(temp.path, 'image.png') });
    expectOk(image);
    expect(image.content[1]).toEqual({
      type: 'image',
      mimeType: 'image/png',
      data: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 3]).toString('base64'),
    });
    const binary = await call(server.client, 'read_media_file', { path: join(temp.path, 'data.bin') });
    expect(binary.content[1]).toMatchObject({
      type: 'resource',
      resource: { mimeType: 'application/octet-stream', blob: 'AAEC' },
    });
  });
});

describe('read_media_file on text', () => {
  it('names the type of a text file instead of application/octet-stream', async () => {
    const text = await call(server.client, 'read_media_file', { path: join(temp.path, 'ten.txt') });
    expectOk(text);
    expect(textOf(text)).toMatch(/^text\/plain file, \d+ bytes$/);
    expect(text.content[1]).toMatchObject({
      type: 'resource',
      resource: { mimeType: 'text/plain', blob: Buffer.from(`${lines.join('\n')}\n`).toString('base64') },
    });
  });
});

describe('get_file_info', () => {
  it('returns the reference keys plus the sha256', async () => {
    const result = await call(server.client, 'get_file_info', { path: join(temp.path, 'ten.txt') });
    const output = expectOk(result);
    expect(
      textOf(result)
        .split('\n')
        .map((line) => line.split(':')[0]),
    ).toEqual(['size', 'created', 'modified', 'accessed', 'isDirectory', 'isFile', 'permissions', 'sha256']);
    expect(output).toMatchObject({ isFile: true, isDirectory: false, size: `${lines.join('\n')}\n`.length });
    const directory = expectOk(await call(server.client, 'get_file_info', { path: join(temp.path, 'sub') }));
    expect(directory.isDirectory).toBe(true);
    expect(directory.sha256).toBeUndefined();
  });
});
