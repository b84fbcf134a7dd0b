import { relative } from 'node:path';
import { modelFor, resolveAccess } from '@meshwork/coordinator';
import { type CliIo, EXIT, parseCommand, printError, printUsageError } from './io.js';
import { loadProjectConfig } from './project-config.js';

/** Help of `meshwork agents`. */
export const AGENTS_USAGE = `Usage: meshwork agents list [--json] [--config <file>]

Lists the agents of .meshwork/agents/*.md, .claude/agents/*.md and meshwork.json "agents" directories.`;

/** `meshwork agents list`. */
export async function agentsCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(
    argv,
    { json: { type: 'boolean' }, config: { type: 'string' } },
    io,
    AGENTS_USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const [action = 'list'] = parsed.positionals;
  if (action !== 'list') {
    return printUsageError(`unknown action ${JSON.stringify(action)}`, io, AGENTS_USAGE);
  }
  try {
    const config = await loadProjectConfig(io, { configPath: parsed.values.config as string | undefined });
    const agents = Object.values(config.agents).map((agent) => {
      const access = resolveAccess(agent, config);
      const servers = Object.keys(config.servers).filter((server) => access.policy.isServerVisible(server));
      return {
        name: agent.name,
        description: agent.description,
        model: modelFor(agent, config),
        profile: access.profileName ?? null,
        servers,
        tools: agent.tools ?? null,
        unmappedTools: agent.unmappedTools,
        maxTurns: agent.maxTurns ?? null,
        delegate: agent.delegate,
        source: relative(io.cwd, agent.source) || agent.source,
      };
    });
    if (parsed.values.json) io.stdout.write(`${JSON.stringify(agents, null, 2)}\n`);
    else if (agents.length === 0)
      io.stdout.write('No agents. Add .meshwork/agents/<name>.md (or run `meshwork init`).\n');
    else {
      for (const agent of agents) {
        io.stdout.write(
          `${agent.name}  (${agent.profile ? `profile ${agent.profile}` : 'no profile'}; servers: ${agent.servers.join(', ') || 'none'}; ${agent.model})\n  ${agent.description || '(no description)'}\n  ${agent.source}${agent.unmappedTools.length > 0 ? `\n  ignored tools: ${agent.unmappedTools.join(', ')}` : ''}\n`,
        );
      }
    }
    return EXIT.ok;
  } catch (error) {
    return printError(error, io);
  }
}
