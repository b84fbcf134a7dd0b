import { defineTool } from '@meshwork/kit';
import { z } from 'zod';
import type { MeshServerContext } from '../context.js';

/** `list_agents`: the agents a task can be delegated to. */
export function createListAgentsTool(context: MeshServerContext) {
  return defineTool({
    name: 'list_agents',
    title: 'List agents',
    description:
      "The agents of this meshwork project, with what each is for. Pass a name as delegate_task's agent to send a task straight to it; without one, the lead agent plans and delegates.",
    inputSchema: z.object({}),
    outputSchema: z.object({ agents: z.array(z.object({ name: z.string(), description: z.string() })) }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async handler() {
      return { agents: await context.listAgents() };
    },
    toText: (output) =>
      output.agents.length === 0
        ? 'No agents are configured; delegate_task still works with the default lead.'
        : output.agents.map((agent) => `${agent.name}: ${agent.description}`).join('\n'),
  });
}
