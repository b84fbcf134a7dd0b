import { registerTools, type ToolDefinition } from '@meshwork/kit';
import { McpServer } from '@modelcontextprotocol/server';
import type { MeshServerContext } from './context.js';
import { createCancelTaskTool } from './tools/cancel-task.js';
import { createDelegateTaskTool } from './tools/delegate-task.js';
import { createListAgentsTool } from './tools/list-agents.js';
import { createTaskResultTool } from './tools/task-result.js';
import { createTaskStatusTool } from './tools/task-status.js';

/** Server name announced to clients. */
export const MESH_SERVER_NAME = 'meshwork';

/** Every mesh tool, in listing order. */
export function createMeshTools(context: MeshServerContext): ToolDefinition[] {
  return [
    createDelegateTaskTool(context),
    createTaskStatusTool(context),
    createTaskResultTool(context),
    createListAgentsTool(context),
    createCancelTaskTool(context),
  ] as unknown as ToolDefinition[];
}

/**
 * One SDK server exposing the mesh. Cheap: the queue and the worker live in `context`, built once
 * per process, so `runServer` can call this per connection or per HTTP exchange.
 */
export function createMeshServer(context: MeshServerContext, version = '0.1.0'): McpServer {
  const server = new McpServer(
    { name: MESH_SERVER_NAME, version },
    {
      capabilities: { tools: {} },
      instructions:
        'meshwork runs tasks with a team of permission-scoped agents. delegate_task queues one (durably) and waits for its result, with progress; task_status, task_result and cancel_task follow up by task_id; list_agents names the specialists.',
    },
  );
  registerTools(server, createMeshTools(context));
  return server;
}
