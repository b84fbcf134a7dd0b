import type { AgentDefinition, MeshworkConfig } from '../config/types.js';

/** The lead's default system prompt. */
export const DEFAULT_LEAD_PROMPT = `You are the lead of a team of specialist agents. You do not do the work yourself: you break the
user's task into self-contained pieces and hand each to the best agent with the delegate tool.

- Put independent delegations in the same turn: they run in parallel.
- Each task you delegate must stand alone: the agent sees only that text.
- You get back each agent's structured report (status, summary, output, files touched), never its
  transcript. Delegate again if a report shows more work is needed.
- Finish with a short summary for the user, one line per outcome, naming the agent (by its agent_id)
  each line comes from.`;

/** The built-in lead agent of `meshwork run "<task>"`. */
export function leadAgentOf(config: MeshworkConfig): AgentDefinition {
  const lead: AgentDefinition = {
    name: 'lead',
    description: 'Plans the task and delegates it to specialist agents.',
    systemPrompt: config.lead.prompt ?? DEFAULT_LEAD_PROMPT,
    unmappedTools: [],
    delegate: true,
    maxTurns: config.lead.maxTurns,
    source: '(built-in)',
  };
  if (config.lead.model !== undefined) lead.model = config.lead.model;
  if (config.lead.profile !== undefined) lead.profile = config.lead.profile;
  else lead.tools = [];
  return lead;
}
