import { isAbsolute, normalize, resolve } from 'node:path';
import { type AskQuestion, type Decision, inferSubjectKind, resolveAsk } from '@meshwork/permissions';
import type { AccessPolicy } from './access-policy.js';
import type { LeaseConflict, WriteLeases } from './write-leases.js';

/** One call the gate decides. */
export interface GateCall {
  server: string;
  tool: string;
  args: Record<string, unknown>;
  /** The argument named by the tool's `_meta['meshwork/subject']`. */
  subjectArg?: string;
  /** Does the call write its path subject (takes write leases)? */
  writes: boolean;
  /** The server's absolute roots, if known. */
  roots?: readonly string[];
}

/** The gate's verdict. */
export type GateVerdict =
  | { allowed: true; decision: Decision; leasedPaths: string[] }
  | { allowed: false; decision: Decision; message: string; conflict?: LeaseConflict };

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

function subjectOf(call: GateCall): string | string[] | undefined {
  if (call.subjectArg === undefined) return undefined;
  const value = call.args[call.subjectArg];
  // A move's destination is written too: check (and lease) both ends.
  if (
    call.subjectArg === 'source' &&
    typeof value === 'string' &&
    typeof call.args.destination === 'string'
  ) {
    return [value, call.args.destination];
  }
  if (typeof value === 'string') return value;
  if (Array.isArray(value))
    return value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
  if (value === undefined || value === null) return undefined;
  return JSON.stringify(value);
}

/** Creates a gate: permission check (deny > ask > allow, default deny), ask resolution, write leases. */
export function createGate(options: GateOptions): Gate {
  return {
    async authorize(call) {
      const subject = subjectOf(call);
      const subjectKind = call.subjectArg === undefined ? undefined : inferSubjectKind(call.subjectArg);
      let decision = options.policy.check(
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
          message: `E_PERMISSION_DENIED: ${decision.reason}. This call was not run; use a tool and arguments your profile allows, or report what you needed in your final answer.`,
        };
      }
      if (!call.writes || subject === undefined || subjectKind !== 'path')
        return { allowed: true, decision, leasedPaths: [] };
      const base = call.roots?.[0] ?? options.projectDir;
      const paths = (Array.isArray(subject) ? subject : [subject]).map((path) =>
        isAbsolute(path) ? normalize(path) : resolve(base, path),
      );
      const conflict = options.leases.acquire(paths, options.holder, {
        server: call.server,
        tool: call.tool,
      });
      if (conflict) {
        return {
          allowed: false,
          decision,
          conflict,
          message: `E_WRITE_LEASE: ${conflict.path} is held by ${conflict.holder}, which wrote it first in this run; writes to it by other agents are refused until the run ends. Do not retry: describe the change you wanted in your final answer so it can be applied after this run.`,
        };
      }
      return { allowed: true, decision, leasedPaths: paths };
    },
  };
}
