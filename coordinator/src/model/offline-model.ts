import {
  createScriptedModelServer,
  getSystemText,
  type ScriptedModelServer,
  type ScriptedRoute,
  type ScriptedTurn,
} from '@meshwork/scripted-model';
import type { OfflineScript } from './offline-script.js';

/** The request header that names the agent (set by the subagent loop). */
const AGENT_HEADER = 'x-meshwork-agent';

/** Options of {@link startOfflineModel}. */
export interface OfflineModelOptions {
  /** `{{name}}` in a script's text and tool inputs is replaced by the value (e.g. `project_dir`). */
  variables?: Record<string, string>;
}

function substitute<T>(value: T, variables: Record<string, string>): T {
  const json = JSON.stringify(value).replace(/\{\{([a-z_]+)\}\}/g, (match, name: string) => {
    const replacement = variables[name];
    return replacement === undefined ? match : JSON.stringify(replacement).slice(1, -1);
  });
  return JSON.parse(json) as T;
}

/**
 * The scripted model's routes for an offline script. Every route is stateless (a conversation's
 * turn is its number of assistant messages), so agents running in parallel each progress on their
 * own, and past its last turn a conversation gets the last turn again.
 */
export function offlineRoutesOf(script: OfflineScript, options: OfflineModelOptions = {}): ScriptedRoute[] {
  const { routes } = substitute(script, options.variables ?? {});
  return routes.map((route, position) => {
    const { match } = route;
    return {
      name: route.name ?? `#${position}`,
      turns: route.turns.map(
        (turn): ScriptedTurn => ({
          content: turn.content,
          ...(turn.stop_reason === undefined ? {} : { stop_reason: turn.stop_reason }),
        }),
      ),
      progress: 'conversation',
      repeatLastTurn: true,
      ...(match
        ? {
            match: ({ body, headers }) =>
              (match.agent === undefined || headers[AGENT_HEADER] === match.agent) &&
              (match.systemIncludes === undefined || getSystemText(body).includes(match.systemIncludes)),
          }
        : {}),
    };
  });
}

/**
 * Serves an offline script as the Anthropic Messages API on 127.0.0.1 (free port), so an offline
 * run still goes through the real SDK, streaming included. No model is called.
 */
export function startOfflineModel(
  script: OfflineScript,
  options: OfflineModelOptions = {},
): Promise<ScriptedModelServer> {
  return createScriptedModelServer({ script: offlineRoutesOf(script, options), textChunkSize: 64 });
}
