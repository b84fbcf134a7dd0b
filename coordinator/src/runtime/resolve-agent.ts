import type { Profile } from '@meshwork/permissions';
import type { AgentDefinition, MeshworkConfig } from '../config/types.js';
import { type AccessPolicy, createAccessPolicy } from '../gate/access-policy.js';

/** Claude Code model aliases in agent files. */
const MODEL_ALIASES: Record<string, string> = {
  sonnet: 'claude-sonnet-4-6',
  opus: 'claude-opus-4-5',
  haiku: 'claude-haiku-4-5',
};

/** The model an agent runs on: its own (aliases mapped; `inherit` = the default), else the config's. */
export function modelFor(agent: AgentDefinition, config: MeshworkConfig, inherited?: string): string {
  const named = agent.model;
  if (named === undefined || named === 'inherit') return inherited ?? config.model.name;
  return MODEL_ALIASES[named] ?? named;
}

/** An agent's effective profile and policy. */
export interface ResolvedAccess {
  profileName?: string;
  profile: Profile;
  policy: AccessPolicy;
}

/**
 * The profile an agent runs under: its `profile`, else the config's `default` profile, else its
 * `tools` as allow rules, else nothing (no MCP tools). `tools` next to a profile only narrows it.
 */
export function resolveAccess(agent: AgentDefinition, config: MeshworkConfig): ResolvedAccess {
  const name =
    agent.profile ??
    (config.profiles.default !== undefined && agent.tools === undefined ? 'default' : undefined);
  if (name !== undefined) {
    const profile = config.profiles[name] as Profile;
    return { profileName: name, profile, policy: createAccessPolicy(profile, agent.tools) };
  }
  const profile: Profile = agent.tools === undefined ? {} : { allow: [...agent.tools] };
  return { profile, policy: createAccessPolicy(profile) };
}
