/** What a matching rule does to a call. */
export type Effect = 'allow' | 'ask' | 'deny';

/**
 * How a call's subject is interpreted by argument patterns:
 * - `path`: a file-system path, matched with path globs (picomatch, `dot: true`);
 * - `command`: a shell command line, matched with `*` = any text (spaces included); a compound line
 *   is split into simple commands and every one must be allowed;
 * - `text`: any other string (a memory topic, a URL), matched literally with `*` = any text.
 */
export type SubjectKind = 'path' | 'command' | 'text';

/** A parsed `server:tool(pattern)` rule. */
export interface Rule {
  /** The rule as written, trimmed; reported back in decisions. */
  text: string;
  /** Glob over server names (`*` any run of characters, `?` one character). */
  server: string;
  /** Glob over tool names (`*` any run of characters, `?` one character). */
  tool: string;
  /** Argument pattern from inside the parentheses; absent when the rule has none. */
  pattern?: string;
}

/** One tool call to check. */
export interface ToolCall {
  server: string;
  tool: string;
  /**
   * The value of the tool's subject argument: one string, or a list (several paths; the simple
   * commands of a compound command line). Omit when the tool has no subject.
   */
  subject?: string | readonly string[];
  /** How to read `subject`. Without it, rules with an argument pattern never allow (fail closed). */
  subjectKind?: SubjectKind;
}

/** The verdict on one call. */
export interface Decision {
  effect: Effect;
  /** The rule that decided; absent when nothing matched (default deny) or the profile excluded the server. */
  rule?: string;
  /** One sentence for people (and for the model, when denied). */
  reason: string;
  server: string;
  tool: string;
  /** The subject element that decided, when the call had a subject. */
  subject?: string;
  /** The call's subject elements as checked (after splitting a command line). */
  subjects?: readonly string[];
}

/** Options for {@link createPermissionChecker}. */
export interface PermissionCheckerOptions {
  /**
   * Absolute roots of the server (for example the filesystem server's allowed directories). An
   * absolute path subject inside a root is also matched, relative to that root, against relative
   * patterns; a relative subject is resolved against the first root to match absolute patterns.
   */
  roots?: readonly string[];
}

/** Compiled profile, answering calls. Pure and cheap; build once per profile. */
export interface PermissionChecker {
  /** Decide one call: deny rules first, then ask, then allow; nothing matched = deny. */
  check(call: ToolCall): Decision;
  /**
   * False when the tool must be hidden from the model: the server is not visible, no allow/ask rule
   * could ever match the tool, or a deny rule without an argument pattern matches it.
   */
  isToolVisible(server: string, tool: string): boolean;
  /** True when the profile lets a subagent attach to `server` at all. */
  isServerVisible(server: string): boolean;
  /**
   * The servers a subagent may attach to. With `available` (the configured server names), the
   * visible subset of them, in order; without it, `profile.servers` when given, else the literal
   * (glob-free) server names of allow/ask rules.
   */
  visibleServers(available?: readonly string[]): string[];
  /** The parsed rules, by effect. */
  readonly rules: Readonly<Record<Effect, readonly Rule[]>>;
}

/** What {@link resolveAsk} hands to the user prompt. */
export interface AskQuestion {
  server: string;
  tool: string;
  subjects?: readonly string[];
  rule?: string;
  /** A ready-to-show sentence, for example `Allow fs:write_file on "src/a.ts"? (rule: fs:write_*)`. */
  message: string;
}

/** Options for {@link resolveAsk}. */
export interface ResolveAskOptions {
  /** True only when a person is at the terminal to answer. */
  interactive: boolean;
  /**
   * Asks the person. Must be wired to the user, never to an agent or model: an `ask` rule means a
   * human decides. Only a resolved `true` approves; anything else (false, a throw, a non-boolean) denies.
   */
  prompt?: (question: AskQuestion) => Promise<boolean>;
}

/** Launch limits of a filesystem server: what a profile lets it reach. */
export interface FilesystemLaunchLimits {
  kind: 'filesystem';
  /** Allowed roots; absent = whatever the server was started with. An empty list allows nothing. */
  roots?: string[];
  readOnly: boolean;
  /** Path globs the server must refuse (relative to its roots, or absolute). */
  deny: string[];
}

/** Launch limits of a shell server: what a profile lets it run. */
export interface ShellLaunchLimits {
  kind: 'shell';
  /** Directories commands may run in; absent = whatever the server was started with. */
  roots?: string[];
  /** Command patterns allowed; absent = no restriction at this layer; empty = nothing allowed. */
  allow?: string[];
  /** Command patterns always refused. */
  deny: string[];
  /**
   * Path globs commands may write (the profile's write rules); absent = no restriction at this
   * layer; empty = no command writes a file.
   */
  write?: string[];
  /** Path globs commands may not name, read or write (the profile's path denies). */
  denyPaths?: string[];
}

/** Launch limits of a memory server: whose transcripts it may show. */
export interface MemoryLaunchLimits {
  kind: 'memory';
  /**
   * Transcript scope of the profile (see `transcriptScopeOf`): the server tags what it appends with
   * it and shows only entries tagged with it. Absent = every transcript (`launch.memory.transcripts: "all"`).
   */
  transcriptProfile?: string;
}

/** Launch limits of a server with no launch knobs (third-party servers). */
export interface NoLaunchLimits {
  kind: 'none';
}

/**
 * How a profile narrows the launch of one server (roots, read-only, deny and allow lists). Not to
 * be confused with the OS sandbox a server may run in.
 */
export type LaunchLimits = FilesystemLaunchLimits | ShellLaunchLimits | MemoryLaunchLimits | NoLaunchLimits;
