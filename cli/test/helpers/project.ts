import { fileURLToPath } from 'node:url';

/** The kit's echo fixture server (echo_text {text, delayMs?, crash?, fail?}; subject `text`). */
export const ECHO_BIN = fileURLToPath(
  new URL('../../../packages/kit/test/fixtures/echo-server.mjs', import.meta.url),
);

/** The built memory server bin (the CLI reaches it only over MCP). */
export const MEMORY_BIN = fileURLToPath(new URL('../../../servers/memory/dist/cli.js', import.meta.url));

/** Writes an agent file's text. */
export function agentFile(name: string, profile: string | undefined, prompt: string, extra = ''): string {
  return `---\nname: ${name}\ndescription: The ${name} agent.\n${profile ? `profile: ${profile}\n` : ''}${extra}---\n${prompt}\n`;
}
