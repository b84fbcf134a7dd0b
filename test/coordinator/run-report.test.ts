import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCoordinator, loadConfig } from '@meshwork/coordinator';
import {
  countAssistantMessages,
  createScriptedModelServer,
  createTempDir,
  type ScriptedModelServer,
  type TempDir,
} from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentMarkdown, realServers, writeTree } from './support.js';

const use = (name: string, input: Record<string, unknown>) => ({ type: 'tool_use' as const, name, input });

describe('the run report records what was actually done, over the real servers', () => {
  let dir: TempDir;
  let model: ScriptedModelServer | undefined;
  let close: (() => Promise<void>) | undefined;

  beforeEach(async () => {
    dir = await createTempDir('meshwork-report-');
    await writeTree(dir.path, {
      'src/app.js': 'export const answer = 41;\n',
      '.env': 'TOKEN=do-not-read\n',
      'meshwork.json': JSON.stringify({
        mcpServers: realServers(),
        profiles: {
          build: {
            allow: ['fs:read_*', 'shell:run_command(node *)', 'shell:run_command(node -e *)'],
            deny: ['fs:*(**/.env)'],
          },
        },
      }),
      '.meshwork/agents/builder.md': agentMarkdown('builder', 'build', 'You build.'),
    });
  });
  afterEach(async () => {
    await close?.();
    close = undefined;
    await model?.close();
    model = undefined;
    await dir.remove();
  });

  it("lists each call with its outcome and a command's exit code, beside the model's own claim", async () => {
    model = await createScriptedModelServer({
      script: (context) =>
        [
          {
            content: [
              use('mcp__fs__read_text_file', { path: join(dir.path, 'src/app.js') }),
              use('mcp__fs__read_text_file', { path: join(dir.path, '.env') }),
              use('mcp__shell__run_command', { command: 'node -e "process.exit(3)"' }),
              use('mcp__shell__run_command', { command: 'node --version' }),
            ],
          },
          // The model's summary claims success; the record shows what happened.
          { text: 'All tests pass.' },
        ][countAssistantMessages(context.body)] ?? { text: 'unexpected' },
    });
    const config = await loadConfig({ cwd: dir.path });
    const coordinator = createCoordinator({ config, modelAccess: { baseURL: model.url, apiKey: 'test' } });
    close = () => coordinator.close();
    const report = await coordinator.run({ task: 'Build it.', agent: 'builder' });
    const [builder] = report.agents;
    const calls = builder?.calls ?? [];
    const callOn = (subject: string) => calls.find((call) => call.subject === subject);
    expect(calls).toHaveLength(4);
    expect(callOn(join(dir.path, '.env'))).toMatchObject({ tool: 'fs:read_text_file', outcome: 'denied' });
    expect(callOn(join(dir.path, 'src/app.js'))).toMatchObject({ tool: 'fs:read_text_file', outcome: 'ok' });
    expect(callOn(join(dir.path, 'src/app.js'))?.exitCode).toBeUndefined();
    expect(callOn('node -e "process.exit(3)"')).toMatchObject({
      tool: 'shell:run_command',
      outcome: 'ok',
      exitCode: 3,
    });
    expect(callOn('node --version')).toMatchObject({ tool: 'shell:run_command', outcome: 'ok', exitCode: 0 });
    // The text form of these calls is covered by coordinator/test/report/render-text.test.ts.
    expect(report.summaryLines).toEqual([{ agentId: 'builder#1', text: 'All tests pass.' }]);
    const saved = JSON.parse(readFileSync(join(report.runDir, 'report.json'), 'utf8'));
    expect(saved.agents[0].calls).toHaveLength(4);
  });
});
