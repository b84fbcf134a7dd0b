import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Client } from '@modelcontextprotocol/client';
import { expect } from 'vitest';
import { createPolicy, type Policy } from '../src/policy/policy.js';
import { GUARD_NAME } from '../src/process/group-guard.js';

/**
 * Arguments for a server rooted at `root` that allows exactly `rules`, its spilled output kept
 * inside the root so that a server killed outright leaves nothing behind.
 */
export function serverArgs(root: string, rules: readonly string[], extra: readonly string[] = []): string[] {
  return [
    '--root',
    root,
    ...rules.flatMap((rule) => ['--allow', rule]),
    '--output-dir',
    join(root, 'output'),
    ...extra,
  ];
}

/** The built bin under test. */
export const BIN = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** Pids in /proc for which `matches` holds; a process that ends while it is looked at does not match. */
export function findProcesses(matches: (pid: number) => boolean): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (matches(Number(entry))) found.push(Number(entry));
    } catch {
      // the process ended while we looked
    }
  }
  return found;
}

/** Live (non-zombie) processes whose process group is `pgid`, read from /proc. */
export function groupMembers(pgid: number): number[] {
  return findProcesses((pid) => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X';
  });
}

/** Waits (bounded) until `condition` holds; used for effects of asynchronous kills, never for readiness. */
export async function eventually(condition: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return condition();
}

/**
 * A policy for pure tests, rooted at `root`. No write is granted unless `write`
 * grants it (layers of globs, as the server builds them).
 */
export function policyFor(
  root: string,
  rules: {
    allow?: string[];
    deny?: string[];
    ask?: string[];
    write?: string[][];
    denyPaths?: string[];
  } = {},
): Policy {
  const { write = [], ...rest } = rules;
  return createPolicy({ ...rest, write, roots: [root], home: '/home/tester' });
}

/** Structured output of a tool result, typed loosely for assertions. */
export function structured(result: Awaited<ReturnType<Client['callTool']>>): Record<string, unknown> {
  return (result.structuredContent ?? {}) as Record<string, unknown>;
}

/** The text of a tool result. */
export function textOf(result: Awaited<ReturnType<Client['callTool']>>): string {
  const first = (result.content as Array<{ type: string; text?: string }>)[0];
  return first?.text ?? '';
}

/** The group guard that the server at `serverPid` started (its child running the guard script), if any. */
export function guardOf(serverPid: number): number | undefined {
  return findProcesses((pid) => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return parent === serverPid && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(GUARD_NAME);
  })[0];
}

/** True while `pid` runs and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !'ZX'.includes(stat.slice(stat.lastIndexOf(')') + 2)[0]!);
  } catch {
    return false;
  }
}

/**
 * Starts `sh -c 'sleep 100 & sleep 100'` in the background through `client` (its policy must allow
 * `sh -c *`) and returns its process group once both sleeps are in it.
 */
export async function startSleepingGroup(client: Client): Promise<{ id: string; pgid: number }> {
  const background = structured(
    await client.callTool({ name: 'start_process', arguments: { command: "sh -c 'sleep 100 & sleep 100'" } }),
  );
  const pgid = background.pid as number;
  expect(pgid).toBeGreaterThan(1);
  expect(await eventually(() => groupMembers(pgid).length >= 2)).toBe(true);
  return { id: background.id as string, pgid };
}
