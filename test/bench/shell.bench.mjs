// Benchmark: run_command `true` latency over stdio for meshwork-shell, side by side with
// mcp-server-commands (installed into a temp prefix at bench time), measured in the same run.
// Scale with SHELL_BENCH_ITERATIONS (default 200) and SHELL_BENCH_WARMUP (default 20).
// Targets from issue 4: our p50 <= 15 ms; our p50 / peer p50 <= 1.0. Never fails on a slow machine.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

const run = promisify(execFile);
const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ourBin = join(repo, 'servers', 'shell', 'dist', 'cli.js');
const iterations = Number(process.env.SHELL_BENCH_ITERATIONS ?? 200);
const warmup = Number(process.env.SHELL_BENCH_WARMUP ?? 20);
const BLOCK = 10;
const out = (line = '') => process.stdout.write(`${line}\n`);

function environment() {
  const keep = {};
  for (const name of ['PATH', 'HOME', 'LANG', 'TMPDIR'])
    if (process.env[name] !== undefined) keep[name] = process.env[name];
  return { ...keep, MESHWORK_LOG_LEVEL: 'warn' };
}

async function connect(name, command, args, cwd) {
  const transport = new StdioClientTransport({ command, args, env: environment(), cwd, stderr: 'ignore' });
  const client = new Client({ name: `bench-${name}`, version: '0.0.0' });
  await client.connect(transport);
  return { client, pid: transport.pid };
}

// Spawning from Node forks the server, and fork time grows with the server's resident memory, so
// the RSS of each side explains much of the difference in the figures.
function residentMegabytes(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? `${(Number(match[1]) / 1024).toFixed(0)} MB` : 'n/a';
  } catch {
    return 'n/a';
  }
}

function percentile(sorted, fraction) {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))];
}

function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((sum, value) => sum + value, 0) / samples.length;
  return {
    p50: percentile(sorted, 0.5),
    p90: percentile(sorted, 0.9),
    p99: percentile(sorted, 0.99),
    mean,
    n: samples.length,
  };
}

const format = (value) => `${value.toFixed(2)} ms`;

async function installPeer(prefix) {
  try {
    await run(
      'npm',
      ['install', '--prefix', prefix, '--no-audit', '--no-fund', '--loglevel=error', 'mcp-server-commands'],
      {
        timeout: 180_000,
      },
    );
    const bin = join(prefix, 'node_modules', 'mcp-server-commands', 'build', 'index.js');
    return existsSync(bin) ? bin : undefined;
  } catch (error) {
    out(
      `peer: could not install mcp-server-commands (${error.message.split('\n')[0]}); printing our figure only`,
    );
    return undefined;
  }
}

async function main() {
  const work = await mkdtemp(join(tmpdir(), 'meshwork-shell-bench-'));
  const root = join(work, 'root');
  await run('mkdir', ['-p', root]);
  out(
    `shell bench: run_command \`true\` over stdio, ${iterations} timed calls each after ${warmup} warm-up calls`,
  );
  const contenders = [];
  try {
    const ours = await connect(
      'meshwork',
      process.execPath,
      [ourBin, '--root', root, '--allow', 'true'],
      root,
    );
    contenders.push({
      name: 'meshwork-shell',
      ...ours,
      call: { name: 'run_command', arguments: { command: 'true' } },
      samples: [],
    });

    const peerBin = await installPeer(join(work, 'peer'));
    if (peerBin) {
      try {
        const peer = await connect('peer', process.execPath, [peerBin], root);
        const tools = (await peer.client.listTools()).tools.map((tool) => tool.name);
        // Newer releases call the tool run_process; the one on the registry (0.5.x) calls it run_command.
        const call = tools.includes('run_process')
          ? { name: 'run_process', arguments: { mode: 'shell', command_line: 'true' } }
          : { name: 'run_command', arguments: { command: 'true' } };
        out(`peer: mcp-server-commands, tool ${call.name} (tools: ${tools.join(', ')})`);
        contenders.push({ name: 'mcp-server-commands', ...peer, call, samples: [] });
      } catch (error) {
        out(`peer: could not start mcp-server-commands (${error.message}); printing our figure only`);
      }
    }

    for (const contender of contenders) {
      for (let index = 0; index < warmup; index += 1) {
        const result = await contender.client.callTool(contender.call);
        if (result.isError) throw new Error(`${contender.name} failed: ${JSON.stringify(result.content)}`);
      }
    }
    // Interleave blocks so that drift on a busy machine hits both sides alike.
    for (let done = 0; done < iterations; done += BLOCK) {
      for (const contender of contenders) {
        for (let index = 0; index < Math.min(BLOCK, iterations - done); index += 1) {
          const started = performance.now();
          await contender.client.callTool(contender.call);
          contender.samples.push(performance.now() - started);
        }
      }
    }
    const stats = contenders.map((contender) => ({ name: contender.name, ...summarize(contender.samples) }));
    for (const contender of contenders)
      out(`${contender.name.padEnd(20)} server RSS ${residentMegabytes(contender.pid)}`);
    for (const stat of stats) {
      out(
        `${stat.name.padEnd(20)} p50 ${format(stat.p50)}  p90 ${format(stat.p90)}  p99 ${format(stat.p99)}  mean ${format(stat.mean)}  (n=${stat.n})`,
      );
    }
    const [ourStats, peerStats] = stats;
    out(
      `meshwork-shell p50 ${format(ourStats.p50)} (target <= 15 ms: ${ourStats.p50 <= 15 ? 'met' : 'NOT met'})`,
    );
    if (peerStats) {
      const ratio = ourStats.p50 / peerStats.p50;
      out(
        `ratio meshwork-shell / mcp-server-commands p50 = ${ratio.toFixed(2)} (target <= 1.0: ${ratio <= 1 ? 'met' : 'NOT met'})`,
      );
    }
  } finally {
    await Promise.all(contenders.map(async (contender) => contender.client.close().catch(() => {})));
    await rm(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  out(`shell bench could not complete: ${error.stack ?? error}`);
});
