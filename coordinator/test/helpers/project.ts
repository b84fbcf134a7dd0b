import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createScriptedModelServer,
  createTempDir,
  type ScriptedModelScript,
  type ScriptedModelServer,
  type ScriptedModelServerOptions,
  type TempDir,
} from '@meshwork/testkit';
import { loadConfig } from '../../src/config/load-config.js';
import type { MeshworkConfig } from '../../src/config/types.js';
import { type Coordinator, type CoordinatorOptions, createCoordinator } from '../../src/coordinator.js';

/** The kit's echo fixture server (echo_text {text, delayMs?, crash?, fail?}; subject `text`). */
export const ECHO_BIN = fileURLToPath(
  new URL('../../../packages/kit/test/fixtures/echo-server.mjs', import.meta.url),
);

/** A temp project with meshwork.json and agent files. */
export interface TestProject {
  dir: TempDir;
  config: MeshworkConfig;
  model: ScriptedModelServer;
  coordinator: Coordinator;
  close(): Promise<void>;
}

/** Options of {@link createTestProject}. */
export interface TestProjectOptions {
  meshwork: Record<string, unknown>;
  /** file name → content, written under .meshwork/agents/. */
  agents: Record<string, string>;
  script: ScriptedModelScript;
  modelOptions?: Omit<ScriptedModelServerOptions, 'script'>;
  files?: Record<string, string>;
  coordinator?: Partial<CoordinatorOptions>;
}

/** Writes an agent file's text. */
export function agentFile(name: string, profile: string | undefined, prompt: string, extra = ''): string {
  return `---\nname: ${name}\ndescription: The ${name} agent.\n${profile ? `profile: ${profile}\n` : ''}${extra}---\n${prompt}\n`;
}

/** Creates the project, the scripted model server and a coordinator pointed at it. */
export async function createTestProject(options: TestProjectOptions): Promise<TestProject> {
  const dir = await createTempDir('meshwork-coord-');
  await writeFile(join(dir.path, 'meshwork.json'), JSON.stringify(options.meshwork, null, 2));
  await mkdir(join(dir.path, '.meshwork', 'agents'), { recursive: true });
  for (const [name, text] of Object.entries(options.agents))
    await writeFile(join(dir.path, '.meshwork', 'agents', name), text);
  for (const [name, text] of Object.entries(options.files ?? {})) {
    await mkdir(dirname(join(dir.path, name)), { recursive: true });
    await writeFile(join(dir.path, name), text);
  }
  const model = await createScriptedModelServer({ script: options.script, ...options.modelOptions });
  const config = await loadConfig({ cwd: dir.path });
  const coordinator = createCoordinator({
    config,
    modelAccess: { baseURL: model.url, apiKey: 'test-key' },
    ...options.coordinator,
  });
  return {
    dir,
    config,
    model,
    coordinator,
    async close() {
      await coordinator.close();
      await model.close();
      await dir.remove();
    },
  };
}

/** An echo server entry for meshwork.json. */
export function echoServer(): Record<string, unknown> {
  return { command: 'node', args: [ECHO_BIN] };
}
