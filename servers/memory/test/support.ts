import { within } from '@meshwork/testkit';

export { within };

// Shared helpers for the memory server's tests: the built bin, tool-call assertions, bounded waits
// on child-process output (never sleeps), and an index/topics agreement check.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pickEnvironment } from '@meshwork/testkit';
import type { Client } from '@modelcontextprotocol/client';
import { expect } from 'vitest';
import { fitIndexLine, parseIndexLine, splitIndexLines } from '../src/store/index-file.js';
import { parseTopic } from '../src/store/topic-file.js';

/** The built bin. */
export const MEMORY_BIN = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** A fixture script under test/fixtures. */
export const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

type CallResult = Awaited<ReturnType<Client['callTool']>>;

/** Calls a tool, asserts it succeeded, and returns its structured output. */
export async function callOk<T = Record<string, unknown>>(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<T> {
  const result: CallResult = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  expect(result.structuredContent).toBeDefined();
  return result.structuredContent as T;
}

/** Calls a tool, asserts it failed with an `isError` result, and returns its text. */
export async function callError(
  client: Client,
  name: string,
  args: Record<string, unknown> = {},
): Promise<string> {
  let result: CallResult;
  try {
    result = await client.callTool({ name, arguments: args });
  } catch (error) {
    // Schema violations may surface as protocol errors; either way the call was refused.
    return String((error as Error).message);
  }
  expect(result.isError).toBe(true);
  const content = result.content as { type: string; text?: string }[];
  return content.map((block) => block.text ?? '').join('\n');
}

/** A node child running a fixture, with its stdout collected line by line. */
export interface FixtureProcess {
  child: ChildProcess;
  lines: string[];
  stderr(): string;
  /** Resolves with the first stdout line matching `pattern` (already seen or still to come). */
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `node <fixture> ...args` with a clean environment. */
export function runFixture(name: string, args: string[]): FixtureProcess {
  const child = spawn(process.execPath, [fixture(name), ...args], {
    env: pickEnvironment(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stderr = '';
  let partial = '';
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  child.stdout!.setEncoding('utf8');
  child.stdout!.on('data', (chunk: string) => {
    partial += chunk;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const waiter of [...waiters]) {
        if (waiter.pattern.test(line)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve(line);
        }
      }
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    waitFor(pattern, ms = 30_000) {
      const seen = lines.find((line) => pattern.test(line));
      if (seen !== undefined) return Promise.resolve(seen);
      const waiting = new Promise<string>((resolve, reject) => {
        waiters.push({ pattern, resolve });
        void exited.then(({ code, signal }) =>
          reject(
            new Error(
              `fixture ${name} exited (${code ?? signal}) before printing ${pattern}. stderr:\n${stderr}`,
            ),
          ),
        );
      });
      return within(waiting, ms, `${name} to print ${pattern}`);
    },
  };
}

/**
 * Asserts that MEMORY.md and the topics agree: exactly one pointer line per topic file, each
 * equal to the line rendered from that topic's frontmatter, and no pointer to a missing topic.
 */
export function expectIndexAgreesWithTopics(dir: string, maxLineChars = 200): void {
  const slugs = readdirSync(join(dir, 'topics'))
    .filter((name) => name.endsWith('.md') && !name.startsWith('.'))
    .map((name) => name.slice(0, -3))
    .sort();
  let indexText = '';
  try {
    indexText = readFileSync(join(dir, 'MEMORY.md'), 'utf8');
  } catch {
    indexText = '';
  }
  const pointers = splitIndexLines(indexText)
    .map(parseIndexLine)
    .filter((line) => line.slug !== undefined);
  expect(pointers.map((line) => line.slug).sort()).toEqual(slugs);
  for (const pointer of pointers) {
    const topic = parseTopic(readFileSync(join(dir, 'topics', `${pointer.slug}.md`), 'utf8'), pointer.slug!);
    expect(topic.frontmatterError).toBeUndefined();
    expect(pointer.raw).toBe(
      fitIndexLine(topic.meta.name, pointer.slug!, topic.meta.description, maxLineChars),
    );
  }
}
