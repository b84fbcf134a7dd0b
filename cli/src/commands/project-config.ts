import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig, type MeshworkConfig } from '@meshwork/coordinator';
import { CliError } from '../errors.js';
import type { CliIo } from './io.js';

/** Where a command finds its project: the flags every project command shares. */
export interface ProjectConfigOptions {
  /** `--config <file>`: it must exist. */
  configPath?: string | undefined;
  /** `--project <dir>`. */
  projectDir?: string | undefined;
}

/**
 * Loads the project's meshwork.json. Without `--config`, meshwork looks for `./meshwork.json` in
 * the current directory only (never in a parent); when there is none, the command cannot know
 * the project's servers or profiles, so this throws `E_CONFIG` (exit 2) saying where it looked,
 * instead of going on with an empty project.
 */
export async function loadProjectConfig(io: CliIo, options: ProjectConfigOptions): Promise<MeshworkConfig> {
  if (options.configPath === undefined && !existsSync(join(io.cwd, 'meshwork.json'))) {
    throw new CliError(
      'E_CONFIG',
      `No meshwork.json found: meshwork looked for ${join(io.cwd, 'meshwork.json')} (the current directory only, not its parents). Run \`meshwork init\` here, run meshwork from the project's directory, or pass --config <file>.`,
    );
  }
  return loadConfig({
    cwd: io.cwd,
    ...(options.configPath === undefined ? {} : { configPath: options.configPath }),
    ...(options.projectDir === undefined ? {} : { projectDir: resolve(io.cwd, options.projectDir) }),
  });
}

/**
 * Checks that every agent a request names exists, before anything is started or a model is
 * looked for: an unknown agent is a usage error (`E_UNKNOWN_AGENT`, exit 2), whatever the model
 * access.
 */
export function checkAgentNames(
  config: MeshworkConfig,
  names: readonly string[],
  where: (index: number) => string,
): void {
  names.forEach((name, index) => {
    if (config.agents[name] === undefined) {
      const known = Object.keys(config.agents);
      throw new CliError(
        'E_UNKNOWN_AGENT',
        `${where(index)}: no agent named "${name}" (known: ${known.join(', ') || 'none; add .meshwork/agents/<name>.md'}); see \`meshwork agents list\`.`,
      );
    }
  });
}
