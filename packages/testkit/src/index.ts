export { connectHttpClient, type StartedHttpServer, type StartHttpServerOptions, startHttpServer } from './http-server.js';
export {
  pickEnvironment,
  type SpawnedStdioServer,
  type SpawnStdioServerOptions,
  spawnStdioServer,
} from './spawn-server.js';
export { createTempDir, type TempDir } from './temp-dir.js';
