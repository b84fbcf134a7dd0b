/**
 * The launch contract of each meshwork server kind: what the coordinator must know about a server
 * before any of its tools is listed, to derive the flags it is started with from a profile. Each
 * server is tested against its entry here (the tools it declares as writing, or as running
 * commands, are exactly the ones listed), so this list and the servers cannot drift apart.
 * Everything known only once a server runs (each tool's subject and writes) is declared by the
 * tool itself in its `_meta`.
 */

/** The kinds of meshwork server a `meshwork.json` entry can declare (`"kind"`). */
export const SERVER_KINDS = ['filesystem', 'shell', 'memory'] as const;
/** One of {@link SERVER_KINDS}. */
export type ServerKind = (typeof SERVER_KINDS)[number];

/** True when `value` is one of {@link SERVER_KINDS}. */
export function isServerKind(value: unknown): value is ServerKind {
  return typeof value === 'string' && (SERVER_KINDS as readonly string[]).includes(value);
}

/** What a server kind's launch depends on. */
export interface ServerKindContract {
  /** The server's bin name (`meshwork-fs`) and npm package, used only to detect a kind in `init`. */
  bin: string;
  packageName: string;
  /**
   * Tools that write files. When no allow/ask rule of a profile can reach one, the server is
   * started read-only.
   */
  writeTools: readonly string[];
  /**
   * Tools whose subject is a command line. Their rules' patterns become the launch allow-list, and
   * their deny rules' patterns the launch deny-list.
   */
  runTools: readonly string[];
}

/** The contract of every meshwork server kind. */
export const SERVER_KIND_CONTRACTS: Readonly<Record<ServerKind, ServerKindContract>> = {
  filesystem: {
    bin: 'meshwork-fs',
    packageName: '@meshwork/filesystem-server',
    writeTools: ['create_directory', 'edit_file', 'move_file', 'write_file'],
    runTools: [],
  },
  shell: {
    bin: 'meshwork-shell',
    packageName: '@meshwork/shell-server',
    writeTools: [],
    runTools: ['run_command', 'start_process'],
  },
  memory: {
    bin: 'meshwork-memory',
    packageName: '@meshwork/memory-server',
    writeTools: [],
    runTools: [],
  },
};

/**
 * True when a patterned deny rule on a filesystem tool must also hold for every other way of
 * reading the path (grep, a listing, a shell's `cat`, the mounted view): any rule except one that
 * names an exact write tool of the contract. A deny on `read_text_file(secrets/**)` is then not
 * undone by an allowed `grep` over `secrets/`.
 */
export function isReadCoveringDeny(rule: { tool: string; pattern?: string | undefined }): boolean {
  return (
    rule.pattern !== undefined &&
    (rule.tool === '*' || !SERVER_KIND_CONTRACTS.filesystem.writeTools.includes(rule.tool))
  );
}
