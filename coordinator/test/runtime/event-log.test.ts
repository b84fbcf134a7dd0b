import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createEventLog } from '../../src/runtime/event-log.js';

describe('event log', () => {
  let dir: TempDir | undefined;
  afterEach(async () => {
    await dir?.remove();
    dir = undefined;
  });

  it('writes the lines of one turn of the event loop together, in order, by the next turn', async () => {
    dir = await createTempDir();
    const file = join(dir.path, 'events.jsonl');
    const log = createEventLog(file);
    log.append('{"n":1}\n');
    log.append('{"n":2}\n');
    expect(existsSync(file)).toBe(false);
    await nextTurn();
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n');
    log.append('{"n":3}\n');
    await nextTurn();
    expect(readFileSync(file, 'utf8')).toBe('{"n":1}\n{"n":2}\n{"n":3}\n');
    log.close();
  });

  it('close writes what is queued at once, and later lines are dropped', async () => {
    dir = await createTempDir();
    const file = join(dir.path, 'events.jsonl');
    const log = createEventLog(file);
    log.append('{"last":true}\n');
    log.close();
    expect(readFileSync(file, 'utf8')).toBe('{"last":true}\n');
    log.append('{"late":true}\n');
    await nextTurn();
    log.close();
    expect(readFileSync(file, 'utf8')).toBe('{"last":true}\n');
    expect(log.warnings()).toEqual([]);
  });

  it('keeps a write failure as a warning instead of throwing', async () => {
    dir = await createTempDir();
    const log = createEventLog(join(dir.path, 'missing-directory', 'events.jsonl'));
    log.append('{"n":1}\n');
    await nextTurn();
    log.close();
    expect(log.warnings()).toEqual([expect.stringContaining('ENOENT')]);
  });
});
