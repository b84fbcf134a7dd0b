import { type Coordinator, createCoordinator, loadConfig, type MeshworkConfig } from '@meshwork/coordinator';
import type { Logger } from 'pino';
import { projectEnvironment } from './env-file.js';

/** The project's loaded config and the coordinator over it, shared by a worker's tasks and dreams. */
export interface ProjectCoordinator {
  config: MeshworkConfig;
  coordinator: Coordinator;
}

/** Options of {@link openProjectCoordinator}. */
export interface ProjectCoordinatorOptions {
  cwd: string;
  configPath?: string | undefined;
  logger?: Logger | undefined;
}

/**
 * Loads meshwork.json (or `configPath`) under `cwd` and creates its coordinator; no server starts
 * yet. Model access comes from the project's `.meshwork/env` over the process environment.
 */
export async function openProjectCoordinator(
  options: ProjectCoordinatorOptions,
): Promise<ProjectCoordinator> {
  const config = await loadConfig({
    cwd: options.cwd,
    ...(options.configPath === undefined ? {} : { configPath: options.configPath }),
  });
  const coordinator = createCoordinator({
    config,
    env: projectEnvironment(options.cwd),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return { config, coordinator };
}
