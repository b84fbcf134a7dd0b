import { type Coordinator, createCoordinator, loadConfig, type MeshworkConfig } from '@meshwork/coordinator';
import type { Logger } from 'pino';

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

/** Loads meshwork.json (or `configPath`) under `cwd` and creates its coordinator; no server starts yet. */
export async function openProjectCoordinator(
  options: ProjectCoordinatorOptions,
): Promise<ProjectCoordinator> {
  const config = await loadConfig({
    cwd: options.cwd,
    ...(options.configPath === undefined ? {} : { configPath: options.configPath }),
  });
  const coordinator = createCoordinator({ config, ...(options.logger ? { logger: options.logger } : {}) });
  return { config, coordinator };
}
