// Benchmark (issue 5): N subagents in parallel (default 16) over 2 profiles, T turns each (default
// 5) with one tool call per turn, the scripted model answering instantly. Reports wall time, server
// processes started (target <= servers x distinct profiles), coordinator overhead per turn p50
// excluding the model and the tool's own round trip (target <= 5 ms), total RSS of the coordinator
// plus its children (target <= 400 MB), and the same run with a naive spawn of servers per subagent
// beside it, as ratios. Scale with COORDINATOR_BENCH_AGENTS and COORDINATOR_BENCH_TURNS.
// Never fails because the machine is slow: it prints figures and targets.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCoordinator, loadConfig } from '@meshwork/coordinator';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const agents = Number(process.env.COORDINATOR_BENCH_AGENTS ?? 16);
const turns = Number(process.env.COORDINATOR_BENCH_TURNS ?? 5);
const out = (line = '') => process.stdout.write(`${line}\n`);

function percentile(values, fraction) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))];
}

/** Resident set size of a process in MB (Linux /proc), 0 when unknown. */
function residentMegabytes(pid) {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** Descendants through /proc/<pid>/task/<tid>/children (cheap: no scan of all of /proc). */
function descendantsOf(pid) {
  const result = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift();
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${next}/task`);
    } catch {
      continue;
    }
    for (const task of tasks) {
      let text = '';
      try {
        text = readFileSync(`/proc/${next}/task/${task}/children`, 'utf8');
      } catch {}
      for (const child of text.split(' ').filter(Boolean).map(Number)) {
        result.push(child);
        queue.push(child);
      }
    }
  }
  return result;
}

/**
 * Samples the total RSS of this process and its descendants (the model server excluded) every
 * 100 ms until stopped; returns the peak and the breakdown at the peak.
 */
function sampleRss(excluded) {
  let peak = 0;
  let breakdown = '';
  const sample = () => {
    const own = residentMegabytes(process.pid);
    const children = descendantsOf(process.pid)
      .filter((pid) => pid !== excluded)
      .map((pid) => residentMegabytes(pid));
    const total = own + children.reduce((sum, value) => sum + value, 0);
    if (total > peak) {
      peak = total;
      breakdown = `coordinator ${own.toFixed(0)} MB + ${children.length} children ${children.map((value) => value.toFixed(0)).join('/')} MB`;
    }
  };
  sample();
  const timer = setInterval(sample, 100);
  return () => {
    clearInterval(timer);
    sample();
    return { peak, breakdown };
  };
}

async function setUp() {
  const dir = await mkdtemp(join(tmpdir(), 'meshwork-bench-coordinator-'));
  await mkdir(join(dir, '.meshwork', 'agents'), { recursive: true });
  await mkdir(join(dir, 'data'), { recursive: true });
  for (let index = 0; index < 8; index += 1)
    await writeFile(join(dir, 'data', `file-${index}.txt`), `line ${index}\n`.repeat(50));
  await writeFile(
    join(dir, 'meshwork.json'),
    JSON.stringify({
      mcpServers: {
        fs: { command: 'node', args: [join(repo, 'servers/filesystem/dist/cli.js'), '.'] },
        shell: { command: 'node', args: [join(repo, 'servers/shell/dist/cli.js'), '--root', '.'] },
      },
      profiles: {
        reader: { allow: ['fs:read_*', 'fs:list_*', 'shell:run_command(echo *)'] },
        writer: {
          allow: [
            'fs:read_*',
            'fs:list_*',
            'fs:write_file(out/**)',
            'shell:run_command(echo *)',
            'shell:run_command(ls *)',
          ],
        },
      },
      budgets: { maxSeconds: 300 },
      runsDir: '.meshwork/runs',
    }),
  );
  for (const [name, profile] of [
    ['reader', 'reader'],
    ['writer', 'writer'],
  ]) {
    await writeFile(
      join(dir, '.meshwork', 'agents', `${name}.md`),
      `---\nname: ${name}\ndescription: ${name}\nprofile: ${profile}\n---\nYou are the ${name}.\n`,
    );
  }
  return dir;
}

/**
 * The scripted model runs in its own process, as a real model would: its CPU is not the
 * coordinator's. Turn i of every agent is one tool call (fs read, fs list, shell echo in rotation),
 * then a final answer.
 */
async function startModel(dir) {
  const code = `
    import { join } from 'node:path';
    import { countAssistantMessages, createScriptedModelServer } from '@meshwork/testkit';
    const [dir, turns] = [process.env.BENCH_DIR, Number(process.env.BENCH_TURNS)];
    const server = await createScriptedModelServer({
      script(context) {
        const index = countAssistantMessages(context.body);
        if (index >= turns) return { text: 'Done.' };
        const calls = [
          { name: 'mcp__fs__read_text_file', input: { path: join(dir, 'data', 'file-' + (index % 8) + '.txt') } },
          { name: 'mcp__fs__list_directory', input: { path: join(dir, 'data') } },
          { name: 'mcp__shell__run_command', input: { command: 'echo turn ' + index } },
        ];
        return { content: [{ type: 'tool_use', ...calls[index % calls.length] }] };
      },
    });
    process.stdout.write(server.url + '\\n');
    process.stdin.on('end', () => server.close().then(() => process.exit(0)));
    process.stdin.resume();
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    cwd: join(repo, 'test'),
    env: { ...process.env, BENCH_DIR: dir, BENCH_TURNS: String(turns) },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let buffer = '';
  child.stdout.setEncoding('utf8');
  const url = await new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`model server exited (${code})`)));
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      if (buffer.includes('\n')) resolve(buffer.trim());
    });
  });
  return {
    url,
    pid: child.pid,
    async close() {
      child.stdin.end();
      await once(child, 'exit');
    },
  };
}

function plan() {
  return Array.from({ length: agents }, (_, index) => ({
    agent: index % 2 === 0 ? 'reader' : 'writer',
    task: `Task ${index}.`,
  }));
}

async function pooledRun(dir, model) {
  const config = await loadConfig({ cwd: dir });
  const coordinator = createCoordinator({ config, modelAccess: { baseURL: model.url, apiKey: 'bench' } });
  const turnsSeen = [];
  const stop = sampleRss(model.pid);
  const started = performance.now();
  const report = await coordinator.run({
    task: 'bench',
    plan: plan(),
    concurrency: agents,
    onEvent(event) {
      if (event.type === 'turn_finished') turnsSeen.push(event);
    },
  });
  const wallMs = performance.now() - started;
  const warmStarted = performance.now();
  const cpuBefore = process.cpuUsage();
  const warmTurns = [];
  const warm = await coordinator.run({
    task: 'bench warm',
    plan: plan(),
    concurrency: agents,
    onEvent(event) {
      if (event.type === 'turn_finished') warmTurns.push(event);
    },
  });
  const warmMs = performance.now() - warmStarted;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuPerTurnMs = (cpu.user + cpu.system) / 1000 / Math.max(1, warm.totals.turns);
  const { peak: peakRss, breakdown } = stop();
  const processes = coordinator.pool.startedProcesses();
  await coordinator.close();
  return { report, warm, wallMs, warmMs, peakRss, breakdown, processes, turnsSeen, warmTurns, cpuPerTurnMs };
}

async function naiveRun(dir, model) {
  // The naive way: every subagent gets its own coordinator, so its own set of server processes.
  const config = await loadConfig({ cwd: dir });
  const stop = sampleRss(model.pid);
  const started = performance.now();
  const coordinators = plan().map(() =>
    createCoordinator({ config, modelAccess: { baseURL: model.url, apiKey: 'bench' } }),
  );
  const reports = await Promise.all(
    coordinators.map((coordinator, index) => coordinator.run({ task: 'naive', plan: [plan()[index]] })),
  );
  const wallMs = performance.now() - started;
  const { peak: peakRss } = stop();
  const processes = coordinators.reduce((sum, coordinator) => sum + coordinator.pool.startedProcesses(), 0);
  await Promise.all(coordinators.map((coordinator) => coordinator.close()));
  return { reports, wallMs, peakRss, processes };
}

const dir = await setUp();
const model = await startModel(dir);
try {
  out(
    `coordinator bench: ${agents} subagents in parallel, 2 profiles, ${turns} turns each with one tool call (fs read / fs list / shell echo), scripted model answering instantly`,
  );
  out(`scale: COORDINATOR_BENCH_AGENTS=${agents} COORDINATOR_BENCH_TURNS=${turns}; node ${process.version}`);
  const pooled = await pooledRun(dir, model);
  const toolTurns = pooled.turnsSeen.filter((event) => event.toolMs > 0);
  const overhead = toolTurns.map((event) => event.turnMs - event.modelMs - event.toolMs);
  const roundTrip = toolTurns.map((event) => event.toolMs);
  const excludingModel = toolTurns.map((event) => event.turnMs - event.modelMs);
  const statuses = pooled.report.agents.map((agent) => agent.status);
  const succeeded = statuses.filter((status) => status === 'succeeded').length;
  out('');
  out('pooled (meshwork: one connection per distinct server x sandbox)');
  out(
    `  agents succeeded        ${succeeded}/${agents} (turns: ${pooled.report.totals.turns}, tool calls: ${pooled.report.totals.toolCalls})`,
  );
  out(
    `  wall time (cold)        ${(pooled.wallMs / 1000).toFixed(2)} s   target <= 3 s   (includes starting the servers)`,
  );
  out(
    `  wall time (warm pool)   ${(pooled.warmMs / 1000).toFixed(2)} s   (second run on the same coordinator)`,
  );
  out(`  server processes        ${pooled.processes}   target <= ${2 * 2} (2 servers x 2 profiles)`);
  out(
    `  overhead/turn p50       ${percentile(overhead, 0.5).toFixed(2)} ms   p95 ${percentile(overhead, 0.95).toFixed(2)} ms   target p50 <= 5 ms (turn time - model time - tool round trip)`,
  );
  const warmOverhead = pooled.warmTurns
    .filter((event) => event.toolMs > 0)
    .map((event) => event.turnMs - event.modelMs - event.toolMs);
  out(
    `  overhead/turn p50 warm  ${percentile(warmOverhead, 0.5).toFixed(2)} ms   p95 ${percentile(warmOverhead, 0.95).toFixed(2)} ms   (second run: servers already up)`,
  );
  out(
    `  coordinator CPU/turn    ${pooled.cpuPerTurnMs.toFixed(2)} ms   (warm run: CPU of the coordinator process / model turns; SDK, MCP client, gate, records)`,
  );
  out(
    `  turn time - model p50   ${percentile(excludingModel, 0.5).toFixed(2)} ms   (tool round trip p50 ${percentile(roundTrip, 0.5).toFixed(2)} ms, the servers' own time included)`,
  );
  out(`  peak RSS (all procs)    ${pooled.peakRss.toFixed(0)} MB   target <= 400 MB   (${pooled.breakdown})`);
  const naive = await naiveRun(dir, model);
  const naiveOk = naive.reports.filter((report) => report.status === 'succeeded').length;
  out('');
  out('naive (servers spawned per subagent)');
  out(`  agents succeeded        ${naiveOk}/${agents}`);
  out(`  wall time               ${(naive.wallMs / 1000).toFixed(2)} s`);
  out(`  server processes        ${naive.processes}`);
  out(`  peak RSS (all procs)    ${naive.peakRss.toFixed(0)} MB`);
  out('');
  out('ratios (naive / pooled, higher = pooled is better)');
  out(`  wall time               ${(naive.wallMs / pooled.wallMs).toFixed(2)}x`);
  out(`  server processes        ${(naive.processes / pooled.processes).toFixed(2)}x`);
  out(`  peak RSS                ${(naive.peakRss / pooled.peakRss).toFixed(2)}x`);
} finally {
  await model.close();
  await rm(dir, { recursive: true, force: true });
}
