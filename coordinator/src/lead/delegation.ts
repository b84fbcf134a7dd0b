import type { AgentDefinition, Budgets } from '../config/types.js';
import type { CoordinatorErrorCode } from '../errors.js';
import { isAgentOk, problemOf } from '../report/agent-outcome.js';
import type { AgentReport, DelegationRecord } from '../report/types.js';
import type { BudgetPool } from '../runtime/budget.js';
import type { LocalTool, RunContext } from '../runtime/run-context.js';
import { runSubagent } from '../runtime/subagent.js';
import type { Semaphore } from './semaphore.js';

/** Shared state of delegation within a run. */
export interface DelegationContext {
  run: RunContext;
  semaphore: Semaphore;
  maxDepth: number;
  /** Every finished subagent report, in completion order. */
  reports: AgentReport[];
  /** Every delegation, refused ones included, in the order they ended. */
  delegations: DelegationRecord[];
}

function record(
  context: DelegationContext,
  item: { agent: string; task: string },
  by: string | undefined,
  outcome: Omit<DelegationRecord, 'agent' | 'task' | 'by'>,
): void {
  context.delegations.push({
    ...(by === undefined ? {} : { by }),
    agent: item.agent,
    task: item.task,
    ...outcome,
  });
}

/** One delegated item. */
export interface DelegateItem {
  agent: string;
  task: string;
  description?: string;
  budgets?: Budgets;
}

/** Budgets of a child from its agent definition (max_turns) and explicit limits. */
function childLimits(agent: AgentDefinition, budgets?: Budgets): Budgets {
  const limits: Budgets = { ...budgets };
  if (agent.maxTurns !== undefined)
    limits.maxTurns = Math.min(limits.maxTurns ?? agent.maxTurns, agent.maxTurns);
  return limits;
}

/**
 * Runs one delegated subagent under `parentBudget` (waiting for a concurrency slot), with its own
 * `delegate` tool when it may delegate and the depth limit allows. Never throws for agent failures.
 */
export async function runDelegated(
  context: DelegationContext,
  item: DelegateItem,
  parent: { id?: string; depth: number; budget: BudgetPool; model?: string },
): Promise<AgentReport> {
  const { run } = context;
  const agent = run.config.agents[item.agent];
  if (!agent) throw new Error(`unknown agent ${item.agent}`);
  const depth = parent.depth + 1;
  const work = async () => {
    const budget = parent.budget.child(childLimits(agent, item.budgets), item.agent);
    try {
      return await runSubagent(run, {
        agent,
        task: item.task,
        depth,
        budget,
        ...(item.description ? { description: item.description } : {}),
        ...(parent.id ? { parentId: parent.id } : {}),
        ...(parent.model ? { inheritedModel: parent.model } : {}),
        localTools: (agentId) =>
          agent.delegate && depth < context.maxDepth
            ? [createDelegateTool(context, { id: agentId, depth, budget })]
            : [],
      });
    } finally {
      budget.dispose();
    }
  };
  // Only top-level delegations take a concurrency slot: a nested child waiting for a slot held by
  // its own parent would deadlock. Nesting is bounded by the depth limit instead.
  let report: AgentReport;
  try {
    report = parent.depth === 0 ? await context.semaphore.run(work, run.signal) : await work();
  } catch (error) {
    record(context, item, parent.id, { outcome: 'failed', reason: 'cancelled before it started' });
    throw error;
  }
  context.reports.push(report);
  const problem = problemOf(report);
  record(context, item, parent.id, {
    outcome: isAgentOk(report) ? 'ok' : 'failed',
    agentId: report.id,
    ...(problem === undefined ? {} : { reason: problem }),
  });
  return report;
}

/** What the delegating agent reads back: the child's structured report, never its transcript. */
export function childView(report: AgentReport): Record<string, unknown> {
  return {
    agent_id: report.id,
    agent: report.agent,
    status: report.status,
    summary: report.summary,
    ...(report.output === undefined ? {} : { output: report.output }),
    ...(report.outputErrors ? { output_errors: report.outputErrors } : {}),
    files_touched: report.filesTouched.map((file) => file.path),
    memory_topics: report.memoryTopics,
    denied_calls: report.denied.map(
      (denied) => `${denied.server}:${denied.tool}${denied.subject ? ` (${denied.subject})` : ''}`,
    ),
    turns: report.turns,
    ...(report.error ? { stopped_because: report.error } : {}),
  };
}

/** The `delegate {agent, task, description}` tool of a lead (or a delegating subagent). */
export function createDelegateTool(
  context: DelegationContext,
  parent: { id: string; depth: number; budget: BudgetPool; model?: string },
): LocalTool {
  const agents = Object.values(context.run.config.agents);
  return {
    name: 'delegate',
    description: `Hand a self-contained task to a specialist subagent and get back its structured report (status, summary, output, files touched). Several delegate calls in one turn run in parallel. Agents:\n${agents.map((agent) => `- ${agent.name}: ${agent.description || '(no description)'}`).join('\n')}`,
    inputSchema: {
      type: 'object',
      properties: {
        agent: {
          type: 'string',
          enum: agents.map((agent) => agent.name),
          description: 'Which agent does the work.',
        },
        task: {
          type: 'string',
          description: 'The full task: the agent sees nothing else of this conversation.',
        },
        description: { type: 'string', description: 'A 3-8 word label for progress output.' },
      },
      required: ['agent', 'task'],
    },
    async run(input) {
      const name = typeof input.agent === 'string' ? input.agent : '';
      const task = typeof input.task === 'string' ? input.task : '';
      const refuse = (code: CoordinatorErrorCode, text: string) => {
        record(context, { agent: name, task }, parent.id, { outcome: 'refused', reason: text, code });
        return { text, isError: true, code };
      };
      if (context.run.config.agents[name] === undefined) {
        return refuse(
          'E_UNKNOWN_AGENT',
          `There is no agent named "${name}". Choose one of: ${agents.map((agent) => agent.name).join(', ')}.`,
        );
      }
      if (task.trim() === '') return refuse('E_NO_TASK', 'The task is empty: give the agent a task.');
      const report = await runDelegated(
        context,
        {
          agent: name,
          task,
          ...(typeof input.description === 'string' ? { description: input.description } : {}),
        },
        parent,
      );
      // An unmet output schema is an error the delegating agent can act on (delegate again).
      return {
        text: JSON.stringify(childView(report), null, 2),
        isError: report.status === 'failed' || report.outputValid === false,
      };
    },
  };
}
