import { ShellError } from '../errors.js';
import { quoteAlways } from './quoting.js';
import { Refusal } from './refusal.js';
import { asNode, asNodes, type ShNode } from './shell-parser.js';
import {
  isQuotedDelimiter,
  type ResolvedWord,
  resolveHeredocBody,
  resolveWord,
  type WordContext,
} from './words.js';

/** How a redirection uses its target. */
export type RedirectKind = 'write' | 'read' | 'duplicate' | 'heredoc' | 'herestring';

/** One redirection of a simple command, with its target resolved. */
export interface RedirectInfo {
  operator: string;
  kind: RedirectKind;
  /** The resolved target path, fd number, or here-string text. */
  target: string;
  /** Canonical shell text of the redirection. */
  text: string;
}

/** A `NAME=value` prefix of a simple command. */
export interface AssignmentInfo {
  name: string;
  value: ResolvedWord;
}

/** One simple command of a line: the unit every rule is checked against. */
export interface SimpleCommand {
  /** Canonical text: assignments and words, without redirections. */
  text: string;
  /** The command as written in the line (for messages). */
  source: string;
  words: ResolvedWord[];
  assignments: AssignmentInfo[];
  redirects: RedirectInfo[];
  /** Set when the command could not be fully resolved; the whole line is then refused. */
  refusal?: string;
}

/** The result of analysing a command line. */
export interface AnalyzedLine {
  commands: SimpleCommand[];
  /** Refusals that do not belong to one simple command (syntax errors, subshells, loops, …). */
  refusals: string[];
  /** A canonical bash script equivalent to the line; only set when nothing was refused. */
  script: string | undefined;
  /** True when the line is a single simple command without redirections or job control. */
  simple: boolean;
}

const COMPOUND_REFUSALS: Record<string, string> = {
  Subshell: 'subshells ( … ) are not allowed; run the commands directly',
  Block: 'brace groups { …; } are not allowed; run the commands directly',
  FuncDecl: 'function definitions are not allowed',
  IfClause: 'if/then/fi is not allowed; run one command at a time',
  WhileClause: 'while/until loops are not allowed; run one command at a time',
  ForClause: 'for loops are not allowed; run one command at a time',
  CaseClause: 'case statements are not allowed',
  ArithmCmd: '(( … )) arithmetic commands are not allowed',
  TestClause: '[[ … ]] is not allowed; use test or [ … ]',
  DeclClause:
    'declare/export/local/readonly/typeset change shell state; pass variables through the env argument',
  LetClause: 'let is not allowed',
  TimeClause: 'the time keyword is not allowed',
  CoprocClause: 'coproc is not allowed',
  TestDecl: '@test declarations are not allowed',
};

const WRITE_OPERATORS = new Set(['>', '>>', '>|', '&>', '&>>', '<>']);

interface State {
  line: string;
  context: WordContext;
  commands: SimpleCommand[];
  refusals: string[];
  heredocs: string[];
}

/**
 * Parses a line with the bash grammar and reduces it to simple commands with fully resolved
 * words. It never throws for a bad line: problems come back as refusals.
 */
export function analyzeLine(line: string, context: WordContext): AnalyzedLine {
  const state: State = { line, context, commands: [], refusals: [], heredocs: [] };
  let statements: ShNode[];
  try {
    statements = context.parser.parse(line).statements;
  } catch (error) {
    if (error instanceof ShellError)
      return { commands: [], refusals: [error.message], script: undefined, simple: false };
    throw error;
  }
  if (statements.length === 0) state.refusals.push('the command is empty');
  const lines: string[] = [];
  for (const statement of statements) {
    const rendered = renderStatement(statement, state);
    lines.push([rendered, ...state.heredocs].join('\n'));
    state.heredocs = [];
  }
  const refused =
    state.refusals.length > 0 || state.commands.some((command) => command.refusal !== undefined);
  const only = statements[0];
  const simple =
    statements.length === 1 &&
    state.commands.length === 1 &&
    only !== undefined &&
    only.Negated !== true &&
    only.Background !== true &&
    state.commands[0]!.redirects.length === 0;
  return {
    commands: state.commands,
    refusals: state.refusals,
    script: refused ? undefined : lines.join('\n'),
    simple,
  };
}

function renderStatement(statement: ShNode, state: State): string {
  const { parser } = state.context;
  if (statement.Coprocess === true) state.refusals.push('coprocesses are not allowed');
  const command = asNode(statement.Cmd);
  let body: string;
  if (!command) {
    state.refusals.push('a redirection without a command is not allowed');
    body = '';
  } else {
    const type = parser.typeOf(command);
    if (type === 'CallExpr') {
      body = renderCall(command, asNodes(statement.Redirs), state);
    } else if (type === 'BinaryCmd') {
      const operator = parser.operatorOf(command);
      const left = renderStatement(asNode(command.X)!, state);
      const right = renderStatement(asNode(command.Y)!, state);
      body = `${left} ${operator} ${right}`;
      if (asNodes(statement.Redirs).length > 0)
        state.refusals.push('redirections on a compound command are not allowed');
    } else {
      state.refusals.push(COMPOUND_REFUSALS[type] ?? `${type} is not allowed`);
      body = '';
    }
  }
  return `${statement.Negated === true ? '! ' : ''}${body}${statement.Background === true ? ' &' : ''}`;
}

function renderCall(call: ShNode, redirectNodes: ShNode[], state: State): string {
  const source = sourceOf(call, state.line);
  const command: SimpleCommand = { text: source, source, words: [], assignments: [], redirects: [] };
  state.commands.push(command);
  try {
    const argumentNodes = asNodes(call.Args);
    const assignmentNodes = asNodes(call.Assigns);
    if (argumentNodes.length === 0) {
      throw new Refusal(
        assignmentNodes.length > 0
          ? 'a standalone variable assignment (X=…) changes the shell for later commands; pass variables through the env argument'
          : 'a redirection without a command is not allowed',
      );
    }
    command.assignments = assignmentNodes.map((node) => resolveAssignment(node, state.context));
    command.words = argumentNodes.map((node, index) =>
      resolveWord(node, index === 0 ? 'command' : 'argument', state.context),
    );
    command.redirects = redirectNodes.map((node) => resolveRedirect(node, state));
    const assignmentText = command.assignments.map(
      (assignment) => `${assignment.name}=${assignment.value.text}`,
    );
    command.text = [...assignmentText, ...command.words.map((word) => word.text)].join(' ');
    const [name, ...rest] = command.words;
    return [
      ...assignmentText,
      quoteAlways(name!.value),
      ...rest.map((word) => word.text),
      ...command.redirects.map((redirect) => redirect.text),
    ].join(' ');
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    command.refusal = error.message;
    return '';
  }
}

function resolveAssignment(node: ShNode, context: WordContext): AssignmentInfo {
  if (node.Append === true || node.Naked === true || asNode(node.Index) || asNode(node.Array)) {
    throw new Refusal('only plain NAME=value assignments are supported before a command');
  }
  const name = String(asNode(node.Name)?.Value ?? '');
  const valueNode = asNode(node.Value);
  const value = valueNode
    ? resolveWord(valueNode, 'assignment', context)
    : { value: '', text: "''", glob: false, ansiC: false };
  return { name, value };
}

function resolveRedirect(node: ShNode, state: State): RedirectInfo {
  const { parser } = state.context;
  const operator = parser.operatorOf(node);
  const fdNode = asNode(node.N);
  const fd = fdNode ? String(fdNode.Value) : '';
  if (fd !== '' && !/^\d+$/.test(fd)) throw new Refusal(`named file descriptors (${fd}) are not supported`);
  const wordNode = asNode(node.Word);
  if (!wordNode) throw new Refusal(`the redirection ${operator} has no target`);
  if (operator === '<<' || operator === '<<-') {
    const literal = isQuotedDelimiter(wordNode, parser);
    let body = resolveHeredocBody(asNode(node.Hdoc), literal, parser);
    if (operator === '<<-') body = body.replace(/^\t+/gm, '');
    const delimiter = pickDelimiter(body);
    state.heredocs.push(`${body}${body === '' || body.endsWith('\n') ? '' : '\n'}${delimiter}`);
    return { operator, kind: 'heredoc', target: body, text: `${fd}<<'${delimiter}'` };
  }
  const target = resolveWord(wordNode, 'redirect', state.context).value;
  if (operator === '<<<')
    return { operator, kind: 'herestring', target, text: `${fd}<<< ${quoteAlways(target)}` };
  if (operator === '<') return { operator, kind: 'read', target, text: `${fd}< ${quoteAlways(target)}` };
  if (operator === '>&' || operator === '<&') {
    if (/^\d+$/.test(target) || target === '-') {
      return { operator, kind: 'duplicate', target, text: `${fd}${operator}${target}` };
    }
    if (operator === '<&' || fd !== '') throw new Refusal(`${fd}${operator} needs a file descriptor number`);
    return { operator: '&>', kind: 'write', target, text: `&> ${quoteAlways(target)}` };
  }
  if (WRITE_OPERATORS.has(operator)) {
    return { operator, kind: 'write', target, text: `${fd}${operator} ${quoteAlways(target)}` };
  }
  throw new Refusal(`the redirection ${operator} is not supported`);
}

function pickDelimiter(body: string): string {
  const lines = new Set(body.split('\n'));
  let delimiter = 'MESHWORK_EOF';
  for (let counter = 1; lines.has(delimiter); counter += 1) delimiter = `MESHWORK_EOF_${counter}`;
  return delimiter;
}

function sourceOf(node: ShNode, line: string): string {
  try {
    const start = (node.Pos as () => { Offset(): number })().Offset();
    const end = (node.End as () => { Offset(): number })().Offset();
    return Buffer.from(line, 'utf8').subarray(start, end).toString('utf8');
  } catch {
    return line;
  }
}
