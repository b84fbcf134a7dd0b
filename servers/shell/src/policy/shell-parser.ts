import { createRequire } from 'node:module';
import { ShellError } from '../errors.js';

/**
 * A typed view of the mvdan/sh syntax tree, as exposed by the `mvdan-sh` package (mvdan/sh
 * compiled to JavaScript). Only the fields the policy reads are declared; `type` comes from
 * `syntax.NodeType`, never from guessing at the shape.
 */
export interface ShNode {
  readonly [field: string]: unknown;
}

/** The parsed form of a command line. */
export interface ShellFile {
  statements: ShNode[];
}

/** Parses command lines with a real bash grammar and names node types. */
export interface ShellParser {
  /** Parses `source`; throws a {@link ShellError} `E_PARSE` when it is not valid bash. */
  parse(source: string): ShellFile;
  /** The node type name, for example `CallExpr`, `Lit`, `CmdSubst`. */
  typeOf(node: unknown): string;
  /** The operator text of a `BinaryCmd` or `Redirect` node (`&&`, `|`, `>>`, `<<<`, …). */
  operatorOf(node: ShNode): string;
  /** The word with brace expansions split out, so `{a,b}` shows up as a `BraceExp` part. */
  splitBraces(word: ShNode): ShNode;
}

interface MvdanSyntax {
  NewParser(...options: unknown[]): { Parse(source: string, name: string): ShNode };
  NodeType(node: unknown): string;
  SplitBraces(word: unknown): ShNode;
  KeepComments(keep: boolean): unknown;
  Variant(variant: unknown): unknown;
  LangBash: unknown;
}

// Operators are numeric tokens inside mvdan/sh. Rather than hard-coding the numbers of one build,
// they are read back from a calibration parse of lines whose operators we know.
const REDIRECT_CALIBRATION: readonly string[] = ['>', '>>', '<', '<>', '<&', '>&', '>|', '<<<', '&>', '&>>'];
const HEREDOC_CALIBRATION: readonly string[] = ['<<', '<<-'];
const BINARY_CALIBRATION: readonly string[] = ['&&', '||', '|', '|&'];

/**
 * Loads the parser. The GopherJS module is large, so it is only required here, never at import time: a
 * process pays for it once, when the policy is built.
 */
export function loadShellParser(): ShellParser {
  const require = createRequire(import.meta.url);
  const { syntax } = require('mvdan-sh') as { syntax: MvdanSyntax };
  const parser = syntax.NewParser(syntax.KeepComments(false), syntax.Variant(syntax.LangBash));
  const parseRaw = (source: string): ShNode => parser.Parse(source, '');
  const operators = calibrate(parseRaw);

  return {
    parse(source) {
      if (source.includes('\0')) throw new ShellError('E_PARSE', 'The command contains a NUL byte.');
      let file: ShNode;
      try {
        file = parseRaw(source);
      } catch (error) {
        throw new ShellError('E_PARSE', `Not valid shell syntax: ${describeParseError(error)}.`, {
          cause: error,
        });
      }
      return { statements: asNodes(file.Stmts) };
    },
    typeOf(node) {
      return syntax.NodeType(node);
    },
    operatorOf(node) {
      const name = operators.get(Number(node.Op));
      if (name === undefined) throw new ShellError('E_PARSE', `Unknown shell operator ${String(node.Op)}.`);
      return name;
    },
    splitBraces(word) {
      return syntax.SplitBraces(word);
    },
  };
}

/** Reads a slice field of a node as an array of nodes (empty when nil). */
export function asNodes(value: unknown): ShNode[] {
  return Array.isArray(value) ? (value as ShNode[]) : [];
}

/** Reads a pointer field of a node (undefined when nil). */
export function asNode(value: unknown): ShNode | undefined {
  return value !== null && typeof value === 'object' ? (value as ShNode) : undefined;
}

function calibrate(parseRaw: (source: string) => ShNode): Map<number, string> {
  const operators = new Map<number, string>();
  const redirectLine = REDIRECT_CALIBRATION.map(
    (op, index) => `${op}${op.endsWith('&') ? '1' : `f${index}`}`,
  );
  const first = asNodes(parseRaw(`a ${redirectLine.join(' ')}`).Stmts)[0];
  for (const [index, redirect] of asNodes(first?.Redirs).entries()) {
    operators.set(Number(redirect.Op), REDIRECT_CALIBRATION[index]!);
  }
  const heredocs = asNodes(asNodes(parseRaw('a <<X <<-Y\nX\nY\n').Stmts)[0]?.Redirs);
  for (const [index, redirect] of heredocs.entries())
    operators.set(Number(redirect.Op), HEREDOC_CALIBRATION[index]!);
  for (const op of BINARY_CALIBRATION) {
    const command = asNode(asNodes(parseRaw(`a ${op} b`).Stmts)[0]?.Cmd);
    if (command) operators.set(Number(command.Op), op);
  }
  const expected = REDIRECT_CALIBRATION.length + HEREDOC_CALIBRATION.length + BINARY_CALIBRATION.length;
  if (operators.size !== expected) {
    throw new ShellError(
      'E_PARSER_INIT',
      'The shell parser did not report the expected operators; refusing to run.',
    );
  }
  return operators;
}

function describeParseError(error: unknown): string {
  if (error !== null && typeof error === 'object') {
    const withError = error as { Error?: unknown; message?: unknown };
    if (typeof withError.Error === 'function') return String((withError.Error as () => unknown).call(error));
    if (typeof withError.message === 'string') return withError.message;
  }
  return String(error);
}
