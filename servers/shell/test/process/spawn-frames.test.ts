import { describe, expect, it } from 'vitest';
import { createFrameReader, FrameKind, frameHeader } from '../../src/process/spawn-frames.js';

function frame(kind: FrameKind, id: number, payload: string): Buffer {
  const body = Buffer.from(payload);
  return Buffer.concat([frameHeader(kind, id, body.length), body]);
}

function decode(chunks: Buffer[]): Array<[number, number, string]> {
  const frames: Array<[number, number, string]> = [];
  const read = createFrameReader((kind, id, payload) => frames.push([kind, id, payload.toString()]));
  for (const chunk of chunks) read(chunk);
  return frames;
}

describe('spawn helper frames', () => {
  const stream = Buffer.concat([
    frame(FrameKind.spawned, 1, '{"pid":42}'),
    frame(FrameKind.stdout, 1, 'hello\n'),
    frame(FrameKind.stderr, 7, ''),
    frame(FrameKind.exit, 0xffff_fffe, '{"code":0,"signal":null}'),
    frame(FrameKind.closed, 1, ''),
  ]);
  const expected: Array<[number, number, string]> = [
    [FrameKind.spawned, 1, '{"pid":42}'],
    [FrameKind.stdout, 1, 'hello\n'],
    [FrameKind.stderr, 7, ''],
    [FrameKind.exit, 0xffff_fffe, '{"code":0,"signal":null}'],
    [FrameKind.closed, 1, ''],
  ];

  it('reads several frames from one chunk', () => {
    expect(decode([stream])).toEqual(expected);
  });

  it('reads frames split at every possible byte', () => {
    for (let cut = 1; cut < stream.length; cut += 1) {
      expect(decode([stream.subarray(0, cut), stream.subarray(cut)]), `cut at ${cut}`).toEqual(expected);
    }
    expect(decode([...stream].map((byte) => Buffer.from([byte])))).toEqual(expected);
  });

  it('does not keep a view of an earlier chunk that is later reused', () => {
    const whole = frame(FrameKind.stdout, 3, 'abcdef');
    const first = Buffer.from(whole.subarray(0, 12));
    const frames: string[] = [];
    const read = createFrameReader((_kind, _id, payload) => frames.push(payload.toString()));
    read(first);
    first.fill(0);
    read(Buffer.from(whole.subarray(12)));
    expect(frames).toEqual(['abcdef']);
  });
});
