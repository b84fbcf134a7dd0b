import type { RunEvent } from '../runtime/events.js';
import { formatTokens } from './render-text.js';

/** Where progress goes. */
export interface ProgressSink {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

interface Row {
  id: string;
  state: string;
  turn: number;
  tokens: number;
  tool: string;
  /** Ids of this agent's delegates that are running: while any is, the agent waits on them. */
  delegates: Set<string>;
}

const FINISHED_STATES = new Set(['succeeded', 'failed', 'budget_exhausted', 'cancelled']);

/** What a row shows: an agent whose delegates are running waits on them (it is not thinking). */
function shownState(row: Row): string {
  if (row.delegates.size > 0 && !FINISHED_STATES.has(row.state))
    return `waiting on ${row.delegates.size} delegate(s)`;
  return row.state;
}

/** Live progress: on a TTY one redrawn line per subagent (state, turn, tokens, current tool); otherwise one line per notable event. */
export interface LiveProgress {
  onEvent(event: RunEvent): void;
  /** Draws the final state and stops redrawing. */
  stop(): void;
}

/** Creates the renderer. */
export function createLiveProgress(sink: ProgressSink): LiveProgress {
  const rows = new Map<string, Row>();
  const tty = sink.isTTY === true;
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const notices: string[] = [];

  const draw = () => {
    timer = undefined;
    let out = drawn > 0 ? `\x1b[${drawn}A` : '';
    const lines = [
      ...notices.splice(0),
      ...[...rows.values()].map(
        (row) =>
          `${row.id.padEnd(16)} ${shownState(row).padEnd(16)} turn ${String(row.turn).padStart(2)}  ${formatTokens(row.tokens).padStart(6)} tok  ${row.tool}`,
      ),
    ];
    for (const line of lines) out += `\x1b[2K${line}\n`;
    drawn = rows.size;
    sink.write(out);
  };
  const schedule = () => {
    if (!stopped && timer === undefined) timer = setTimeout(draw, 80);
  };
  const row = (id: string): Row => {
    let current = rows.get(id);
    if (!current) {
      current = { id, state: 'starting', turn: 0, tokens: 0, tool: '', delegates: new Set() };
      rows.set(id, current);
    }
    return current;
  };
  /** Which agent delegated each running agent. */
  const parents = new Map<string, string>();
  const plain = (line: string) => {
    if (tty) {
      notices.push(line);
      schedule();
    } else sink.write(`${line}\n`);
  };

  return {
    onEvent(event) {
      switch (event.type) {
        case 'agent_started':
          row(event.agentId).state = 'running';
          if (event.parentId !== undefined) {
            parents.set(event.agentId, event.parentId);
            row(event.parentId).delegates.add(event.agentId);
          }
          if (!tty) plain(`- ${event.message}`);
          break;
        case 'turn_started':
          Object.assign(row(event.agentId), { turn: event.turn, state: 'thinking', tool: '' });
          break;
        case 'turn_finished':
          Object.assign(row(event.agentId), { tokens: event.tokens, state: 'running' });
          break;
        case 'tool_started':
          Object.assign(row(event.agentId), { tool: event.tool, state: 'tool' });
          if (!tty) plain(`- ${event.message}`);
          break;
        case 'tool_finished':
          row(event.agentId).state = 'running';
          break;
        case 'agent_finished': {
          Object.assign(row(event.agentId), { state: event.status, tool: '' });
          const parent = parents.get(event.agentId);
          if (parent !== undefined) rows.get(parent)?.delegates.delete(event.agentId);
          if (!tty) plain(`- ${event.message}`);
          break;
        }
        case 'tool_denied':
        case 'lease_conflict':
        case 'model_retry':
        case 'server_exited':
        case 'server_unavailable':
        case 'notice':
          plain(`! ${event.message}`);
          break;
        default:
          break;
      }
      if (tty) schedule();
    },
    stop() {
      if (timer) clearTimeout(timer);
      if (tty && !stopped) draw();
      stopped = true;
    },
  };
}
