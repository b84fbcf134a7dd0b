import { mkdir, realpath, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Gate } from '../gate/gate.js';
import type { BoundTool } from '../gate/tool-view.js';
import { toolCallRecordOf } from '../report/tool-calls.js';
import type { DeniedCall, FileTouched, ToolCallRecord } from '../report/types.js';
import { watchRootWrites } from './root-writes.js';
import type { LocalTool, RunContext } from './run-context.js';
import { safeName } from './transcript.js';

/** What executing one tool_use block produced. */
export interface ToolExecution {
  text: string;
  isError: boolean;
  /** The failure's code (the server's, the gate's or the coordinator's), beside the text the model reads. */
  code?: string;
  /** Time spent in the server round trip (or the local tool), ms; the gate is not included. */
  durationMs: number;
}

/** Per-agent bookkeeping the executor fills in. */
export interface ExecutorRecord {
  files: Map<string, FileTouched>;
  memoryTopics: Set<string>;
  denied: DeniedCall[];
  toolCalls: number;
  /** Every call that ran or was refused, with its outcome. */
  calls: ToolCallRecord[];
}

/** Options of {@link createToolExecutor}. */
export interface ToolExecutorOptions {
  run: RunContext;
  agentId: string;
  agent: string;
  tools: BoundTool[];
  localTools: LocalTool[];
  gate: Gate;
  record: ExecutorRecord;
  maxChars: number;
}

/** Runs tool calls through the gate, records their effects and cuts oversized results. */
export function createToolExecutor(options: ToolExecutorOptions) {
  const { run, agentId, agent, record } = options;
  const byName = new Map(options.tools.map((tool) => [tool.name, tool]));
  const locals = new Map(options.localTools.map((tool) => [tool.name, tool]));
  // Leased paths are resolved through realpath, so the project is too, to show them relative to it.
  let projectReal: Promise<string> | undefined;
  const projectDir = () => {
    projectReal ??= realpath(run.projectDir).catch(() => run.projectDir);
    return projectReal;
  };
  let truncationNoted = false;

  async function recordFile(
    path: string,
    server: string,
    toolName: string,
    detected: boolean,
  ): Promise<void> {
    const key = relative(await projectDir(), path) || path;
    const shown = key.startsWith('..') ? path : key;
    const file: FileTouched = { path: shown, server, tool: toolName };
    if (detected) file.detected = true;
    // A declared write names its tool more precisely than a detection; keep the first record.
    if (!record.files.has(shown) || !detected) record.files.set(shown, file);
  }

  function emitConflict(path: string, holder: string, how: string): void {
    run.emit({
      type: 'lease_conflict',
      agentId,
      agent,
      path,
      holder,
      message: `${agentId}: ${how} ${path} (held by ${holder})`,
    });
  }

  async function cut(text: string, toolUseId: string): Promise<string> {
    if (text.length <= options.maxChars) return text;
    const file = join(run.runDir, 'results', safeName(agentId), `${safeName(toolUseId)}.txt`);
    await mkdir(join(run.runDir, 'results', safeName(agentId)), { recursive: true });
    await writeFile(file, text);
    const shown = text.slice(0, options.maxChars);
    return `${shown}\n\n[meshwork: result cut at ${options.maxChars} of ${text.length} characters. The full result is saved at ${relative(run.projectDir, file) || file} (transcript entry tool_use_id ${toolUseId}); call the tool again with a narrower range (offset/limit, a smaller path or pattern) to read the rest.]`;
  }

  return async function execute(
    name: string,
    input: Record<string, unknown>,
    toolUseId: string,
    signal: AbortSignal,
  ): Promise<ToolExecution> {
    const started = performance.now();
    const local = locals.get(name);
    if (local) {
      record.toolCalls += 1;
      const outcome = await local.run(input, { signal, toolUseId });
      record.calls.push(
        toolCallRecordOf({ tool: name, result: outcome, durationMs: performance.now() - started }),
      );
      return {
        ...outcome,
        text: await cut(outcome.text, toolUseId),
        durationMs: performance.now() - started,
      };
    }
    const tool = byName.get(name);
    if (!tool) {
      return {
        text: `There is no tool named ${name} for you. Use only the tools listed in this conversation.`,
        code: 'E_UNKNOWN_TOOL',
        isError: true,
        durationMs: 0,
      };
    }
    record.toolCalls += 1;
    const label = `${tool.server}:${tool.tool}`;
    const subjectOf = (args: Record<string, unknown>) =>
      tool.subjectArg === undefined ? undefined : args[tool.subjectArg];
    const verdict = await options.gate.authorize({
      server: tool.server,
      tool: tool.tool,
      args: input,
      writes: tool.writes,
      ...(tool.subjectArg === undefined ? {} : { subjectArg: tool.subjectArg }),
      ...(tool.roots === undefined ? {} : { roots: tool.roots }),
    });
    if (!verdict.allowed) {
      if (verdict.conflict) {
        emitConflict(verdict.conflict.path, verdict.conflict.holder, 'write refused to');
      } else {
        const denied: DeniedCall = {
          agentId,
          server: tool.server,
          tool: tool.tool,
          reason: verdict.decision.reason,
        };
        if (verdict.decision.subject !== undefined) denied.subject = verdict.decision.subject;
        if (verdict.decision.rule !== undefined) denied.rule = verdict.decision.rule;
        record.denied.push(denied);
        run.emit({
          type: 'tool_denied',
          agentId,
          agent,
          tool: label,
          reason: verdict.decision.reason,
          message: `${agentId}: ${label} denied: ${verdict.decision.reason}`,
        });
      }
      record.calls.push(
        toolCallRecordOf({
          tool: label,
          result: { text: verdict.message, isError: true, code: verdict.code },
          denied: true,
          subject: verdict.decision.subject ?? subjectOf(input),
          durationMs: performance.now() - started,
        }),
      );
      return {
        text: verdict.message,
        isError: true,
        code: verdict.code,
        durationMs: performance.now() - started,
      };
    }
    // Before tool_started: the snapshot is taken before the call is sent, not while it runs.
    // In an OS sandbox a command can write only where the sandbox lets it, so only that is
    // watched (nothing for a read-only view); without one, the server's roots.
    const watched = tool.sandboxWritable ?? tool.roots ?? [run.projectDir];
    const watch =
      tool.writes !== false && 'roots' in tool.writes && watched.length > 0
        ? await watchRootWrites(run.leases, agentId, watched)
        : undefined;
    run.emit({
      type: 'tool_started',
      agentId,
      agent,
      tool: label,
      toolUseId,
      message: `${agentId}: ${label}`,
    });
    const callStarted = performance.now();
    let outcome: {
      text: string;
      isError: boolean;
      code?: string;
      structuredContent?: Record<string, unknown>;
    } = { text: 'The tool call did not finish.', isError: true, code: 'E_TOOL_FAILED' };
    try {
      outcome = await tool.connection.call(tool.tool, input, { signal });
    } catch (error) {
      if (signal.aborted)
        outcome = {
          text: 'The call was cancelled because the agent stopped.',
          isError: true,
          code: 'E_CANCELLED',
        };
      else
        outcome = {
          text: `The tool call failed: ${(error as Error).message}`,
          isError: true,
          code: 'E_TOOL_FAILED',
        };
    } finally {
      // A lease is taken only by a write that succeeded; a failed one frees what it reserved.
      if (outcome.isError) verdict.reservation?.release();
      else await verdict.reservation?.commit();
    }
    // The server round trip only: the watch's second snapshot is the coordinator's time.
    const durationMs = performance.now() - callStarted;
    if (watch) {
      const seen = await watch.finish({ server: tool.server, tool: tool.tool });
      for (const path of seen.attributed) await recordFile(path, tool.server, tool.tool, true);
      for (const conflict of seen.conflicts) {
        const local = relative(await projectDir(), conflict.path) || conflict.path;
        emitConflict(local.startsWith('..') ? conflict.path : local, conflict.holder, 'changed');
      }
      if (seen.truncated && !truncationNoted) {
        truncationNoted = true;
        run.emit({
          type: 'notice',
          message: `${agentId}: ${label}: the writable roots hold more files than are watched; changes past the cap are not seen or checked against leases`,
        });
      }
    }
    record.calls.push(
      toolCallRecordOf({ tool: label, result: outcome, subject: subjectOf(input), durationMs }),
    );
    if (!outcome.isError) {
      for (const path of verdict.leasedPaths) await recordFile(path, tool.server, tool.tool, false);
      if (tool.writes !== false && 'topics' in tool.writes) {
        for (const argument of tool.writes.topics) {
          const topic = input[argument];
          if (typeof topic === 'string') record.memoryTopics.add(topic);
        }
      }
    }
    run.emit({
      type: 'tool_finished',
      agentId,
      agent,
      tool: label,
      toolUseId,
      isError: outcome.isError,
      durationMs,
      message: `${agentId}: ${label} ${outcome.isError ? 'failed' : 'ok'}`,
    });
    return {
      text: await cut(outcome.text, toolUseId),
      isError: outcome.isError,
      ...(outcome.code === undefined ? {} : { code: outcome.code }),
      durationMs,
    };
  };
}
