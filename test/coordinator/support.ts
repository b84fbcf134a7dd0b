import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Built server bins and the CLI. */
export const FS_BIN = fileURLToPath(new URL('../../servers/filesystem/dist/cli.js', import.meta.url));
export const SHELL_BIN = fileURLToPath(new URL('../../servers/shell/dist/cli.js', import.meta.url));
export const MEMORY_BIN = fileURLToPath(new URL('../../servers/memory/dist/cli.js', import.meta.url));
export const CLI_BIN = fileURLToPath(new URL('../../cli/dist/cli.js', import.meta.url));

/**
 * The three real servers as meshwork.json entries. The shell server is started permissive (any
 * command, writes anywhere in the project) so that each test's profile is what narrows it: a
 * profile can narrow a server's launch, never widen it.
 */
export function realServers(): Record<string, unknown> {
  return {
    fs: { kind: 'filesystem', command: 'node', args: [FS_BIN, '--deny', '**/.env', '.'] },
    shell: {
      kind: 'shell',
      command: 'node',
      args: [SHELL_BIN, '--root', '.', '--allow', '*', '--allow-write', '**'],
    },
    memory: { kind: 'memory', command: 'node', args: [MEMORY_BIN, '--dir', '.meshwork/memory'] },
  };
}

/** Writes files (relative path → text) under `root`. */
export async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

/** An agent file. */
export function agentMarkdown(name: string, profile: string, prompt: string, extra = ''): string {
  return `---\nname: ${name}\ndescription: The ${name}.\nprofile: ${profile}\n${extra}---\n${prompt}\n`;
}

/** Every descendant process id of `pid` (Linux /proc). */
export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(parent) ?? [];
      list.push(Number(entry));
      children.set(parent, list);
    } catch {
      // The process ended while we looked.
    }
  }
  const result: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift() as number;
    for (const child of children.get(next) ?? []) {
      result.push(child);
      queue.push(child);
    }
  }
  return result;
}

/** The command line of a process, or undefined when it is gone. */
export function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
  } catch {
    return undefined;
  }
}

/** True while the process exists and is not a zombie. */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
