import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { signalGroup } from '../../src/process/process-group.js';
import { eventually, groupMembers, helperOf, watchdogOf } from '../helpers.js';

/**
 * A process that starts `sh -c 'sleep 100 & sleep 100'` natively through the built spawner,
 * with or without the group watchdog, prints the group's id and waits to be killed.
 */
const HOLDER = `
  import { createSpawner } from './dist/process/spawner.js';
  import { findNativeWatchdog, loadNativeSpawn } from './dist/process/native-spawn.js';
  const spawner = createSpawner({
    native: loadNativeSpawn(),
    watchdog: process.argv[1] === 'watchdog' ? findNativeWatchdog() : undefined,
  });
  const launched = spawner.launch({
    file: 'sh', args: ['-c', 'sleep 100 & sleep 100'], cwd: process.cwd(), env: { PATH: process.env.PATH },
  });
  const { pid } = await launched.started;
  process.stdout.write(pid + '\\n');
  setInterval(() => {}, 1000);
`;

describe.runIf(process.platform === 'linux')('spawner: who ends native groups when the server dies', () => {
  const holders: ChildProcess[] = [];
  const groups: number[] = [];
  afterEach(() => {
    for (const holder of holders.splice(0)) holder.kill('SIGKILL');
    for (const pgid of groups.splice(0)) signalGroup(pgid, 'SIGKILL');
  });

  const hold = async (guard: 'watchdog' | 'helper') => {
    const holder = spawn(process.execPath, ['--input-type=module', '-e', HOLDER, guard], {
      cwd: new URL('../..', import.meta.url),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    holders.push(holder);
    const [chunk] = (await once(holder.stdout!, 'data')) as [Buffer];
    const pgid = Number(chunk.toString().trim());
    groups.push(pgid);
    expect(await eventually(() => groupMembers(pgid).length >= 2)).toBe(true);
    return { holder, pgid };
  };

  for (const guard of ['watchdog', 'helper'] as const) {
    it(`the ${guard} ends the group of a command once its server is killed outright`, async () => {
      const { holder, pgid } = await hold(guard);
      // Exactly one guard process runs: the one asked for.
      expect(watchdogOf(holder.pid!) !== undefined).toBe(guard === 'watchdog');
      expect(helperOf(holder.pid!) !== undefined).toBe(guard === 'helper');
      holder.kill('SIGKILL');
      expect(await eventually(() => groupMembers(pgid).length === 0)).toBe(true);
    });
  }
});
