import { splitCommandLine } from './command-line.js';
import { compileCommandPattern, compileTextPattern, isOpaqueCommand } from './command-match.js';
import { compilePathPattern, type PathSubject, readPathSubject } from './path-match.js';
import type { Profile } from './profile.js';
import { compileNameGlob, parseRule } from './rule.js';
import type {
  Decision,
  Effect,
  PermissionChecker,
  PermissionCheckerOptions,
  Rule,
  ToolCall,
} from './types.js';

/** One element of a call's subject, prepared for matching. */
interface Element {
  text: string;
  /** Set when the element cannot be analysed: patterned allow/ask rules never match it, deny rules do. */
  unanalysable?: string;
  path?: PathSubject;
  opaque?: boolean;
}

interface CompiledRule {
  rule: Rule;
  effect: Effect;
  server: (name: string) => boolean;
  tool: (name: string) => boolean;
  /** Undefined for a rule without an argument pattern (it matches any subject, or none). */
  matches?: (element: Element, kind: ToolCall['subjectKind'], effect: Effect) => boolean;
}

const EFFECTS: readonly Effect[] = ['deny', 'ask', 'allow'];
const SEVERITY: Record<Effect, number> = { allow: 0, ask: 1, deny: 2 };

function compileRule(text: string, effect: Effect, roots: readonly string[]): CompiledRule {
  const rule = parseRule(text);
  const compiled: CompiledRule = {
    rule,
    effect,
    server: compileNameGlob(rule.server),
    tool: compileNameGlob(rule.tool),
  };
  const pattern = rule.pattern;
  if (pattern !== undefined) {
    // Compile lazily per kind: a rule's pattern is read as a path, command or text by the call.
    let path: ReturnType<typeof compilePathPattern> | undefined;
    let command: ReturnType<typeof compileCommandPattern> | undefined;
    let textMatcher: ReturnType<typeof compileTextPattern> | undefined;
    compiled.matches = (element, kind, ruleEffect) => {
      const broad = ruleEffect === 'deny';
      if (element.unanalysable !== undefined) return broad;
      switch (kind) {
        case 'path': {
          path ??= compilePathPattern(pattern);
          return (
            element.path !== undefined && (broad ? path.denies(element.path) : path.allows(element.path))
          );
        }
        case 'command': {
          command ??= compileCommandPattern(pattern);
          if (broad) return element.opaque === true || command.denies(element.text);
          return command.allows(element.text);
        }
        case 'text': {
          textMatcher ??= compileTextPattern(pattern);
          if (!broad) return textMatcher.allows(element.text);
          // A deny is never weaker for a subject the server did not call a path: `.env` as a
          // file name is denied by `**/.env` as it would be as a path.
          if (textMatcher.denies(element.text)) return true;
          const asPath = readPathSubject(element.text, roots);
          path ??= compilePathPattern(pattern);
          return asPath !== undefined && path.denies(asPath);
        }
        default:
          return broad;
      }
    };
  }
  return compiled;
}

function prepareElements(call: ToolCall, roots: readonly string[]): Element[] | undefined {
  const { subject, subjectKind } = call;
  if (subject === undefined || subject === null) return undefined;
  const list: readonly unknown[] =
    typeof subject === 'string' ? [subject] : Array.isArray(subject) ? subject : [subject];
  if (list.length === 0) return [{ text: '', unanalysable: 'the subject list is empty' }];
  const elements: Element[] = [];
  for (const item of list) {
    if (typeof item !== 'string') {
      elements.push({ text: String(item), unanalysable: 'the subject is not a string' });
      continue;
    }
    if (item.trim() === '') {
      elements.push({ text: item, unanalysable: 'the subject is empty' });
      continue;
    }
    switch (subjectKind) {
      case 'path': {
        const path = readPathSubject(item, roots);
        elements.push(
          path === undefined
            ? { text: item, unanalysable: 'the path escapes its root or cannot be analysed' }
            : { text: item, path },
        );
        break;
      }
      case 'command': {
        const split = splitCommandLine(item);
        if (!split.ok)
          elements.push({ text: item, unanalysable: `the command cannot be checked: ${split.reason}` });
        else
          for (const command of split.commands)
            elements.push({ text: command, opaque: isOpaqueCommand(command) });
        break;
      }
      case 'text':
        elements.push({ text: item });
        break;
      default:
        elements.push({ text: item, unanalysable: 'the subject kind is unknown' });
    }
  }
  return elements;
}

/**
 * Compiles a profile into a {@link PermissionChecker}. Throws {@link PermissionsError} `E_RULE` on a
 * malformed rule (use `parseProfile` first for errors with field paths).
 *
 * Precedence per subject element: a matching deny rule wins, then ask, then allow; no match is deny.
 * For a list subject (several paths, the simple commands of a compound line) the most severe
 * element decides: any deny denies, any ask asks, and only all-allowed allows.
 */
export function createPermissionChecker(
  profile: Profile,
  options: PermissionCheckerOptions = {},
): PermissionChecker {
  const roots = [...(options.roots ?? [])];
  const compiled: Record<Effect, CompiledRule[]> = {
    deny: (profile.deny ?? []).map((text) => compileRule(text, 'deny', roots)),
    ask: (profile.ask ?? []).map((text) => compileRule(text, 'ask', roots)),
    allow: (profile.allow ?? []).map((text) => compileRule(text, 'allow', roots)),
  };
  const serverGlobs = profile.servers?.map((glob) => compileNameGlob(glob));
  const grants = [...compiled.allow, ...compiled.ask];

  const isServerVisible = (server: string): boolean => {
    if (serverGlobs !== undefined && !serverGlobs.some((glob) => glob(server))) return false;
    if (
      compiled.deny.some(
        (rule) => rule.matches === undefined && rule.rule.tool === '*' && rule.server(server),
      )
    ) {
      return false;
    }
    return grants.some((rule) => rule.server(server));
  };

  const decideElement = (
    call: ToolCall,
    element: Element | undefined,
  ): { effect: Effect; rule?: CompiledRule; element?: Element } => {
    for (const effect of EFFECTS) {
      for (const rule of compiled[effect]) {
        if (!rule.server(call.server) || !rule.tool(call.tool)) continue;
        if (rule.matches !== undefined) {
          if (element === undefined || !rule.matches(element, call.subjectKind, effect)) continue;
        }
        return element === undefined ? { effect, rule } : { effect, rule, element };
      }
    }
    return element === undefined ? { effect: 'deny' } : { effect: 'deny', element };
  };

  const check = (call: ToolCall): Decision => {
    const name = `${call.server}:${call.tool}`;
    const base = { server: call.server, tool: call.tool };
    if (serverGlobs !== undefined && !serverGlobs.some((glob) => glob(call.server))) {
      return { ...base, effect: 'deny', reason: `server "${call.server}" is not in this profile's servers` };
    }
    const elements = prepareElements(call, roots);
    let worst: ReturnType<typeof decideElement> | undefined;
    for (const element of elements ?? [undefined]) {
      const outcome = decideElement(call, element);
      if (worst === undefined || SEVERITY[outcome.effect] > SEVERITY[worst.effect]) worst = outcome;
    }
    const decided = worst!;
    const decision: Decision = { ...base, effect: decided.effect, reason: '' };
    if (elements !== undefined) decision.subjects = elements.map((element) => element.text);
    if (decided.element !== undefined) decision.subject = decided.element.text;
    if (decided.rule !== undefined) decision.rule = decided.rule.rule.text;
    const on = decided.element === undefined ? '' : ` on ${JSON.stringify(decided.element.text)}`;
    const unanalysable = decided.element?.unanalysable;
    if (unanalysable !== undefined && decided.effect === 'deny') {
      const by =
        decided.rule === undefined
          ? ''
          : ` (deny rule "${decided.rule.rule.text}" covers what cannot be checked)`;
      decision.reason = `${name}${on} is denied: ${unanalysable}${by}`;
    } else if (decided.rule === undefined) {
      decision.reason = `no rule allows ${name}${on}; the call is denied`;
    } else if (decided.effect === 'deny') {
      decision.reason = `rule "${decided.rule.rule.text}" denies ${name}${on}`;
    } else if (decided.effect === 'ask') {
      decision.reason = `rule "${decided.rule.rule.text}" requires approval for ${name}${on}`;
    } else {
      decision.reason = `rule "${decided.rule.rule.text}" allows ${name}${on}`;
    }
    return decision;
  };

  return {
    check,
    isServerVisible,
    isToolVisible(server, tool) {
      if (!isServerVisible(server)) return false;
      if (
        compiled.deny.some((rule) => rule.matches === undefined && rule.server(server) && rule.tool(tool))
      ) {
        return false;
      }
      return grants.some((rule) => rule.server(server) && rule.tool(tool));
    },
    visibleServers(available) {
      if (available !== undefined) return available.filter(isServerVisible);
      const literal = (name: string): boolean => !/[*?]/.test(name);
      const names = profile.servers ?? grants.map((rule) => rule.rule.server);
      return [...new Set(names.filter(literal))].filter(isServerVisible);
    },
    rules: {
      deny: compiled.deny.map((rule) => rule.rule),
      ask: compiled.ask.map((rule) => rule.rule),
      allow: compiled.allow.map((rule) => rule.rule),
    },
  };
}
