import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pickEnvironment } from '@meshwork/testkit';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

/** What a one-shot run of an installed bin produced. */
export interface BinOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The link `pnpm install` made for `bin` in `projectDir`: what `npx <package>` runs. */
export function binLink(projectDir: string, bin: string): string {
  return join(projectDir, 'node_modules', '.bin', bin);
}

/** Runs an installed bin with stdin closed; kills it after `timeoutMs`. */
export function runInstalledBin(
  projectDir: string,
  bin: string,
  args: string[],
  cwd: string,
  timeoutMs = 20_000,
): Promise<BinOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(binLink(projectDir, bin), args, {
      cwd,
      env: pickEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** An installed bin serving MCP over stdio, with a connected SDK client. */
export interface ConnectedBin {
  client: Client;
  stderr(): string;
  close(): Promise<void>;
}

/** Starts an installed bin through its `.bin` link, as an `mcpServers` entry would, and connects. */
export async function connectInstalledBin(
  projectDir: string,
  bin: string,
  args: string[],
  cwd: string,
): Promise<ConnectedBin> {
  const transport = new StdioClientTransport({
    command: binLink(projectDir, bin),
    args,
    cwd,
    env: pickEnvironment(),
    stderr: 'pipe',
  });
  const chunks: Buffer[] = [];
  const client = new Client({ name: 'meshwork-publish-check', version: '0.0.0' });
  const stderr = () => Buffer.concat(chunks).toString('utf8');
  try {
    const connecting = client.connect(transport);
    transport.stderr?.on('data', (chunk: Buffer) => chunks.push(chunk));
    await connecting;
  } catch (error) {
    await client.close().catch(() => {});
    throw new Error(`${bin} ${args.join(' ')} did not answer initialize. stderr:\n${stderr()}`, {
      cause: error,
    });
  }
  return { client, stderr, close: () => client.close() };
}
