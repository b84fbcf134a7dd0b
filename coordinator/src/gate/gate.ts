import type { ToolWrites } from '@meshwork/kit';
import {
  type AskQuestion,
  type Decision,
  inferSubjectKind,
  resolveAsk,
  type SubjectKind,
} from '@meshwork/permissions';
import type { CoordinatorErrorCode } from '../errors.js';
import type { AccessPolicy } from './access-policy.js';
import { checkSubjectPaths, denyWithoutSubject } from './subject-check.js';
import { realPathOf } from './subject-paths.js';
import type { LeaseConflict, LeaseReservation, WriteLeases } from './write-leases.js';

/** One call the gate decides. */
export interface GateCall {
  server: string;
  tool: string;
  args: Record<string, unknown>;
  /** The argument named by the tool's declared subject. */
  subjectArg?: string;
  /** Whether and where the tool writes, as declared: `{ paths }` arguments are checked and leased. */
  writes: ToolWrites;
  /** The server's absolute roots, if known. */
  roots?: readonly string[];
}

/** The gate's verdict. */
export type GateVerdict =
  | {
      allowed: true;
      decision: Decision;
      /** The resolved paths the call writes, reserved for this call. */
      leasedPaths: string[];
      /** Commit it when the call succeeded, release it when it failed (present when leasedPaths is not empty). */
      reservation?: LeaseReservation;
    }
  | {
      allowed: false;
      decision: Decision;
      /** `E_PERMISSION_DENIED` or `E_WRITE_LEASE`. */
      code: CoordinatorErrorCode;
      /** What the model reads. */
      message: string;
      conflict?: LeaseConflict;
    };

/** Options of {@link createGate}. */
export interface GateOptions {
  policy: AccessPolicy;
  /** The agent instance making calls (lease holder). */
  holder: string;
  leases: WriteLeases;
  /** Base of relative path subjects when the server has no roots. */
  projectDir: string;
  /** True only when a person can answer `ask` rules. */
  interactive: boolean;
  /** Asks the user (never an agent). */
  prompt?: (question: AskQuestion) => Promise<boolean>;
}

/** The authoritative check in front of every tool call of one subagent. */
export interface Gate {
  authorize(call: GateCall): Promise<GateVerdict>;
}

function textsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value))
    return value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
  if (value === undefined || value === null) return [];
  return [JSON.stringify(value)];
}

/**
 * The subject values as given: a value that is not a string stays what it is, so the checker
 * sees it cannot be analysed (a JSON text would read as an innocent file name).
 */
function valuesOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value === undefined || value === null) return [];
  return [value];
}

/** The arguments a call writes to, as its tool declares them (`writes.paths`). */
function writtenArguments(call: GateCall): readonly string[] {
  return call.writes !== false && 'paths' in call.writes ? call.writes.paths : [];
}

/**
 * How the call's subject is read: from the declared subject argument's name, or `path` for a
 * tool that declares only the paths it writes.
 */
function subjectKindOf(call: GateCall): SubjectKind | undefined {
  if (call.subjectArg !== undefined) return inferSubjectKind(call.subjectArg);
  return writtenArguments(call).length > 0 ? 'path' : undefined;
}

/**
 * The values checked against the rules: the subject argument's, plus, for a path subject, every
 * path the call writes (a move's destination is written too, so both ends are checked).
 */
function subjectOf(call: GateCall, kind: SubjectKind | undefined): string | string[] | undefined {
  const names = [
    ...(call.subjectArg === undefined ? [] : [call.subjectArg]),
    ...(kind === 'path' ? writtenArguments(call) : []),
  ];
  const values = [...new Set(names)].flatMap((name) => valuesOf(call.args[name]));
  if (values.length === 0) return undefined;
  return (
    values.length === 1 && typeof values[0] === 'string' && !Array.isArray(call.args[names[0] as string])
      ? values[0]
      : values
  ) as string | string[];
}

/** Creates a gate: permission check (deny > ask > allow, default deny), ask resolution, write leases. */
export function createGate(options: GateOptions): Gate {
  return {
    async authorize(call) {
      const subjectKind = subjectKindOf(call);
      const subject = subjectOf(call, subjectKind);
      const refusal = subject === undefined ? denyWithoutSubject(options.policy, call) : undefined;
      if (refusal !== undefined) {
        return {
          allowed: false,
          decision: refusal.decision,
          code: 'E_PERMISSION_DENIED',
          message: refusal.message,
        };
      }
      let decision =
        subjectKind === 'path' && subject !== undefined
          ? checkSubjectPaths(options.policy, call, subject, options.projectDir, writtenArguments(call))
          : options.policy.check(
              {
                server: call.server,
                tool: call.tool,
                ...(subject === undefined ? {} : { subject }),
                ...(subjectKind === undefined ? {} : { subjectKind }),
              },
              call.roots,
            );
      if (decision.effect === 'ask') {
        decision = await resolveAsk(decision, {
          interactive: options.interactive,
          ...(options.prompt ? { prompt: options.prompt } : {}),
        });
      }
      if (decision.effect !== 'allow') {
        return {
          allowed: false,
          decision,
          code: 'E_PERMISSION_DENIED',
          message: `Permission denied: ${decision.reason}. This call was not run; use a tool and arguments your profile allows, or report what you needed in your final answer.`,
        };
      }
      const written = writtenArguments(call).flatMap((name) => textsOf(call.args[name]));
      if (written.length === 0) return { allowed: true, decision, leasedPaths: [] };
      const base = call.roots?.[0] ?? options.projectDir;
      // Leases are on the file's identity, not on the argument's spelling.
      const paths = [...new Set(written.map((path) => realPathOf(path, base)))];
      const reserved = await options.leases.reserve(paths, options.holder, {
        server: call.server,
        tool: call.tool,
      });
      if ('conflict' in reserved) {
        const { conflict } = reserved;
        return {
          allowed: false,
          decision,
          conflict,
          code: 'E_WRITE_LEASE',
          message: `Write refused: ${conflict.path} is held by ${conflict.holder}, which wrote it first in this run; writes to it (or to a directory holding it) by other agents are refused until the run ends. Do not retry: describe the change you wanted in your final answer so it can be applied after this run.`,
        };
      }
      return { allowed: true, decision, leasedPaths: paths, reservation: reserved.reservation };
    },
  };
}
