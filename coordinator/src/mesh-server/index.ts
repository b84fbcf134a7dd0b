export { loadAgentSummaries } from './agents.js';
export { type AgentSummary, describeTask, type MeshServerContext } from './context.js';
export { SERVE_USAGE, serveCommand } from './serve-command.js';
export { createMeshServer, createMeshTools, MESH_SERVER_NAME } from './server.js';
export { waitForTask } from './wait-for-task.js';
