import { isAbsolute, resolve } from 'node:path';
import {
  deriveSandbox,
  type FilesystemSandbox,
  intersectSandbox,
  type Profile,
  type Sandbox,
  type ShellSandbox,
} from '@meshwork/permissions';
import type { ServerKind } from '../config/types.js';

/** Flags of the kit's serve options (and the servers' own) that take a value. */
const VALUE_FLAGS = new Set([
  '--host',
  '--port',
  '--token-file',
  '--allowed-host',
  '--max-body-bytes',
  '--log-level',
  '--allow',
  '--deny',
  '--ask',
  '--root',
  '--policy',
  '--pass-env',
  '--timeout-ms',
  '--max-timeout-ms',
  '--max-output-bytes',
  '--max-processes',
  '--kill-grace-ms',
  '--output-dir',
  '--dir',
  '--max-file-bytes',
  '--max-read-bytes',
]);

const BIN_WORD =
  /meshwork-(fs|shell|memory)$|[\\/](filesystem|shell|memory)[\\/]dist[\\/]cli\.js$|(filesystem|shell|memory)-server(@[^/]*)?$/;

interface SplitArgs {
  /** Everything up to and including the server's bin (e.g. `node …/cli.js`, `npx -y pkg`). */
  prefix: string[];
  flags: Array<{ name: string; value?: string }>;
  positionals: string[];
}

function splitArgs(args: readonly string[]): SplitArgs {
  const binIndex = args.findIndex((arg) => BIN_WORD.test(arg));
  const prefix = args.slice(0, binIndex + 1);
  const flags: SplitArgs['flags'] = [];
  const positionals: string[] = [];
  const rest = args.slice(binIndex + 1);
  for (let index = 0; index < rest.length; index += 1) {
    const arg = rest[index] as string;
    if (arg === '--') {
      positionals.push(...rest.slice(index + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const equals = arg.indexOf('=');
      if (equals !== -1) flags.push({ name: arg.slice(0, equals), value: arg.slice(equals + 1) });
      else if (VALUE_FLAGS.has(arg) && index + 1 < rest.length) {
        flags.push({ name: arg, value: rest[index + 1] as string });
        index += 1;
      } else flags.push({ name: arg });
    } else positionals.push(arg);
  }
  return { prefix, flags, positionals };
}

function flagValues(split: SplitArgs, name: string): string[] | undefined {
  const values = split.flags
    .filter((flag) => flag.name === name && flag.value !== undefined)
    .map((flag) => flag.value as string);
  return values.length === 0 ? undefined : values;
}

function withoutFlags(split: SplitArgs, names: readonly string[]): string[] {
  return split.flags
    .filter((flag) => !names.includes(flag.name))
    .flatMap((flag) => (flag.value === undefined ? [flag.name] : [flag.name, flag.value]));
}

/** The launch arguments of one (server, profile) pair. */
export interface SandboxedArgs {
  /** Arguments to launch with (the `args` of the entry, narrowed). */
  args: string[];
  /** The sandbox applied (kind `none` for memory and third-party servers). */
  sandbox: Sandbox;
  /** Set when the sandbox leaves nothing reachable (no roots): the server must not be attached. */
  unreachable?: string;
  /** Absolute roots, for filesystem and shell servers that have them. */
  roots?: string[];
}

/**
 * Narrows a meshwork server's launch arguments to a profile: the sandbox the server was configured
 * with, intersected with the one derived from the profile, so a profile can never widen it.
 * Relative roots are resolved against `baseDir` (the server's working directory).
 */
export function sandboxArgs(
  kind: ServerKind,
  serverName: string,
  args: readonly string[],
  profile: Profile,
  baseDir: string,
): SandboxedArgs {
  if (kind !== 'filesystem' && kind !== 'shell') return { args: [...args], sandbox: { kind: 'none' } };
  const split = splitArgs(args);
  const absolute = (path: string): string => (isAbsolute(path) ? path : resolve(baseDir, path));
  const derived = deriveSandbox(profile, serverName, { kind });
  if (kind === 'filesystem') {
    const base: FilesystemSandbox = {
      kind: 'filesystem',
      readOnly: split.flags.some((flag) => flag.name === '--read-only'),
      deny: flagValues(split, '--deny') ?? [],
      roots: (split.positionals.length > 0 ? split.positionals : ['.']).map(absolute),
    };
    const narrowed = intersectSandbox(base, derived);
    const roots = narrowed.roots ?? base.roots ?? [];
    const result: SandboxedArgs = {
      args: [
        ...split.prefix,
        ...withoutFlags(split, ['--read-only', '--deny']),
        ...(narrowed.readOnly ? ['--read-only'] : []),
        ...narrowed.deny.flatMap((glob) => ['--deny', glob]),
        ...roots,
      ],
      sandbox: narrowed,
      roots,
    };
    if (roots.length === 0) result.unreachable = `the profile leaves no root of ${serverName} reachable`;
    return result;
  }
  const allow = flagValues(split, '--allow');
  const base: ShellSandbox = {
    kind: 'shell',
    deny: flagValues(split, '--deny') ?? [],
    roots: (flagValues(split, '--root') ?? ['.']).map(absolute),
    ...(allow === undefined ? {} : { allow }),
  };
  const narrowed = intersectSandbox(base, derived);
  const roots = narrowed.roots ?? base.roots ?? [];
  const result: SandboxedArgs = {
    args: [
      ...split.prefix,
      ...withoutFlags(split, ['--allow', '--deny', '--root']),
      ...roots.flatMap((root) => ['--root', root]),
      ...(narrowed.allow ?? []).flatMap((pattern) => ['--allow', pattern]),
      ...narrowed.deny.flatMap((pattern) => ['--deny', pattern]),
    ],
    sandbox: narrowed,
    roots,
  };
  if (roots.length === 0) result.unreachable = `the profile leaves no root of ${serverName} reachable`;
  else if (narrowed.allow !== undefined && narrowed.allow.length === 0) {
    result.unreachable = `the profile allows no command on ${serverName}`;
  }
  return result;
}
