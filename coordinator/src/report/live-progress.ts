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
          `${row.id.padEnd(16)} ${row.state.padEnd(16)} turn ${String(row.turn).padStart(2)}  ${formatTokens(row.tokens).padStart(6)} tok  ${row.tool}`,
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
      current = { id, state: 'starting', turn: 0, tokens: 0, tool: '' };
      rows.set(id, current);
    }
    return current;
  };
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
        case 'agent_finished':
          Object.assign(row(event.agentId), { state: event.status, tool: '' });
          if (!tty) plain(`- ${event.message}`);
          break;
        case 'tool_denied':
        case 'lease_conflict':
        case 'model_retry':
        case 'server_exited':
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
