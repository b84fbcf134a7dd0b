// Benchmark: what the OS sandbox costs per shell command, side by side in one run.
//   unsandboxed  the shell server started directly;
//   per-server   the shell server started once inside bubblewrap, as the coordinator does (the
//                view rendered by @meshwork/permissions' renderBubblewrapArgs);
//   per-command  the shell server's own --sandbox: a fresh bubblewrap for every command.
// Each side runs `run_command true` in alternating blocks so machine load falls on all alike.
// Scale with SANDBOX_BENCH_ITERATIONS (default 200 per side) and SANDBOX_BENCH_BLOCK (default 10).
// Target from issue 13: per-server adds at most 5 ms p50 over unsandboxed. Prints, never fails.
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const shellBin = join(repo, 'servers', 'shell', 'dist', 'cli.js');
const { renderBubblewrapArgs } = await import(
  pathToFileURL(join(repo, 'packages', 'permissions', 'dist', 'index.js')).href
);
const iterations = Number(process.env.SANDBOX_BENCH_ITERATIONS ?? 200);
const block = Math.max(1, Number(process.env.SANDBOX_BENCH_BLOCK ?? 10));
const out = (line = '') => process.stdout.write(`${line}\n`);

let bwrap;
try {
  bwrap = execFileSync('sh', ['-c', 'command -v bwrap'], { encoding: 'utf8' }).trim();
} catch {
  out('bubblewrap (bwrap) is not installed: nothing to measure.');
  process.exit(0);
}

const environment = {
  PATH: process.env.PATH ?? '/usr/bin:/bin',
  HOME: process.env.HOME ?? '/',
  MESHWORK_LOG_LEVEL: 'warn',
};

async function connect(command, args, cwd) {
  const transport = new StdioClientTransport({ command, args, env: environment, cwd, stderr: 'ignore' });
  const client = new Client({ name: 'bench-sandbox', version: '0.0.0' });
  await client.connect(transport);
  return client;
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const root = await mkdtemp(join(tmpdir(), 'meshwork-sandbox-bench-'));
const serverArgs = [shellBin, '--root', root, '--allow', 'true'];
const sides = {
  unsandboxed: await connect(process.execPath, serverArgs, root),
  'per-server': await connect(
    bwrap,
    renderBubblewrapArgs(
      {
        keep: [root],
        writable: [],
        hidden: [],
        exposed: [],
        masks: [],
        network: false,
        env: environment,
        cwd: root,
      },
      [process.execPath, ...serverArgs],
    ),
    root,
  ),
  'per-command': await connect(process.execPath, [...serverArgs, '--sandbox'], root),
};
const samples = Object.fromEntries(Object.keys(sides).map((name) => [name, []]));
const call = (client) => client.callTool({ name: 'run_command', arguments: { command: 'true' } });

for (const client of Object.values(sides)) for (let index = 0; index < 20; index++) await call(client);
for (let done = 0; done < iterations; done += block) {
  for (const [name, client] of Object.entries(sides)) {
    for (let index = 0; index < block; index++) {
      const started = performance.now();
      const result = await call(client);
      samples[name].push(performance.now() - started);
      if (result.isError)
        throw new Error(`${name}: run_command true failed: ${JSON.stringify(result.content)}`);
    }
  }
}

const p50 = {};
out(`run_command true, ${iterations} calls per side (ms):`);
for (const [name, values] of Object.entries(samples)) {
  const sorted = [...values].sort((a, b) => a - b);
  p50[name] = percentile(sorted, 50);
  out(
    `  ${name.padEnd(12)} p50 ${p50[name].toFixed(2)}  p90 ${percentile(sorted, 90).toFixed(2)}  p99 ${percentile(sorted, 99).toFixed(2)}`,
  );
}
const added = p50['per-server'] - p50.unsandboxed;
out(
  `per-server sandbox adds ${added.toFixed(2)} ms p50 per command (target <= 5 ms): ${added <= 5 ? 'met' : 'NOT met'}`,
);
out(`per-command sandbox adds ${(p50['per-command'] - p50.unsandboxed).toFixed(2)} ms p50 per command`);

for (const client of Object.values(sides)) await client.close();
await rm(root, { recursive: true, force: true });
