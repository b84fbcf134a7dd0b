// Benchmark: N subagents in parallel (default 16) over 2 profiles, T turns each (default 5) with one
// tool call per turn. Two runs: the scripted model answering instantly (which keeps the
// coordinator's one event loop saturated), then "paced", the model answering after
// COORDINATOR_BENCH_PACED_MS (default 300, 0 skips it) ±50 % at random, as a real one does. A floor
// follows: the bare @anthropic-ai/sdk client making the same requests.
//
// Targets (printed, never asserted): coordinator CPU per model turn <= 3 ms (instant model),
// own-time overhead p50 <= 5 ms (paced model), total PSS <= 300 MB, wall time <= 3 s cold, server
// processes <= 4. The instant-model own-time p50 and the summed RSS are printed as measurements of
// the machine, not targets.
//
// Scale with COORDINATOR_BENCH_AGENTS and COORDINATOR_BENCH_TURNS; COORDINATOR_BENCH_WARM_RUNS
// (default 3) warm runs follow the cold one (their medians are shown);
// COORDINATOR_BENCH_PROFILE=<file> writes a CPU profile of the first warm run;
// COORDINATOR_BENCH_MODEL_DELAY_MS=<ms> paces the first run too; COORDINATOR_BENCH_NAIVE=0 skips
// the naive run (a coordinator, so a set of servers, per subagent).
//
// Two overhead figures are printed, because they answer different questions:
// - "round-trip": turn wall time - the model round trip - the tool round trip, both timed by the
//   coordinator around its SDK / MCP client calls. It leaves out the SDK's and the MCP client's own
//   work and every wait for the coordinator's event loop inside those round trips.
// - "own-time": turn wall time - the model's own time - the server's own time. The own time of the
//   model or a server runs from the moment the coordinator hands the request to the OS (a socket or
//   pipe write, timestamped in this process) to the moment that process hands the last byte of its
//   reply to the OS (timestamped there). Queueing behind other agents' calls in the server, and the
//   server's processing, are not charged to the coordinator; everything the coordinator does, or
//   waits for on its own event loop, is. Timestamps are performance.timeOrigin + performance.now()
//   in each process (same machine clock).
// The floor: the same agents making the same model requests through the bare SDK client (no
// coordinator, no tools, no records), timed the same way. The coordinator is built on that client,
// so its own-time overhead is the least any of them can show on this machine; "coordinator above
// the floor" is what meshwork itself adds.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { Socket } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import { createCoordinator, loadConfig } from '@meshwork/coordinator';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const agents = Number(process.env.COORDINATOR_BENCH_AGENTS ?? 16);
const turns = Number(process.env.COORDINATOR_BENCH_TURNS ?? 5);
const warmRuns = Math.max(1, Number(process.env.COORDINATOR_BENCH_WARM_RUNS ?? 3));
const modelDelayMs = Number(process.env.COORDINATOR_BENCH_MODEL_DELAY_MS ?? 0);
const pacedDelayMs = Number(process.env.COORDINATOR_BENCH_PACED_MS ?? 300);
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

/** Proportional set size of a process in MB (shared pages divided among their users), 0 when unknown. */
function proportionalMegabytes(pid) {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/**
 * Samples the total RSS of this process and its descendants (the model servers excluded) every
 * 100 ms until stopped; resolves the peak, the breakdown at the peak and the total PSS then. The
 * sampler runs in a process of its own (and leaves itself out), so that reading /proc costs the
 * coordinator's event loop nothing.
 */
async function sampleRss(excluded) {
  // `excluded`: the pids of every model server alive, which stand for the remote API.
  const code = `
    import { readdirSync, readFileSync } from 'node:fs';
    ${residentMegabytes}
    ${descendantsOf}
    ${proportionalMegabytes}
    const [root, ...excluded] = process.argv.slice(1).map(Number);
    // A child caught between its clone and its exec still runs in its parent's memory (shared
    // outright after a vfork, copy-on-write after a fork): its RSS is its parent's pages again.
    // It has its parent's command line until it execs, which is how it is recognised.
    const cmdline = (pid) => { try { return readFileSync('/proc/' + pid + '/cmdline', 'utf8'); } catch { return ''; } };
    const parentOf = (pid) => {
      try {
        const stat = readFileSync('/proc/' + pid + '/stat', 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      } catch {
        return 0;
      }
    };
    const beforeExec = (pid) => { const own = cmdline(pid); return own !== '' && own === cmdline(parentOf(pid)); };
    let peak = 0;
    let peakPss = 0;
    let breakdown = '';
    const sample = () => {
      const own = residentMegabytes(root);
      const pids = descendantsOf(root).filter(
        (pid) => !excluded.includes(pid) && pid !== process.pid && !beforeExec(pid),
      );
      const children = pids.map((pid) => residentMegabytes(pid));
      const total = own + children.reduce((sum, value) => sum + value, 0);
      if (total > peak) {
        peak = total;
        peakPss = [root, ...pids].reduce((sum, pid) => sum + proportionalMegabytes(pid), 0);
        breakdown = 'coordinator ' + own.toFixed(0) + ' MB + ' + children.length + ' children ' +
          children.map((value) => value.toFixed(0)).join('/') + ' MB';
      }
    };
    sample();
    const timer = setInterval(sample, 100);
    process.stdout.write('ready\\n');
    process.stdin.on('end', () => {
      clearInterval(timer);
      sample();
      process.stdout.write(JSON.stringify({ peak, peakPss, breakdown }) + '\\n');
    });
    process.stdin.resume();
  `;
  const child = spawn(
    process.execPath,
    ['--input-type=module', '-e', code, String(process.pid), ...excluded.map(String)],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  let buffer = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => {
    buffer += chunk;
  });
  while (!buffer.includes('ready\n')) await once(child.stdout, 'data');
  return async () => {
    child.stdin.end();
    await once(child, 'exit');
    return JSON.parse(buffer.slice(buffer.indexOf('\n') + 1));
  };
}

const now = () => performance.timeOrigin + performance.now();

/** The instance ids the plan produces (`reader#1`, `writer#1`, ...), file-system safe. */
const safeId = (agentId) => agentId.replace(/[^A-Za-z0-9]+/g, '-');
const agentIds = () =>
  Array.from(
    { length: agents },
    (_, index) => `${index % 2 === 0 ? 'reader' : 'writer'}#${Math.floor(index / 2) + 1}`,
  );

/**
 * The tool call of turn `index` of agent `agentId`: fs read / fs list / shell echo in rotation, on
 * paths unique to the agent and turn so each call can be matched with the server's own timing.
 */
function callOf(dir, agentId, index) {
  const own = join(dir, 'data', safeId(agentId));
  const calls = [
    {
      name: 'mcp__fs__read_text_file',
      tool: 'read_text_file',
      input: { path: join(own, `file-${index}.txt`) },
    },
    { name: 'mcp__fs__list_directory', tool: 'list_directory', input: { path: join(own, `dir-${index}`) } },
    {
      name: 'mcp__shell__run_command',
      tool: 'run_command',
      input: { command: `echo turn ${index} ${safeId(agentId)}` },
    },
  ];
  const call = calls[index % calls.length];
  return { ...call, key: `${call.tool}|${call.input.path ?? call.input.command}` };
}

/**
 * Loaded into each server with NODE_OPTIONS=--import: records, per tools/call, when the server's
 * event loop read the request and when it wrote the reply (its own time is up to the reply).
 */
const SERVER_TIMING_HOOK = `
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
const now = () => performance.timeOrigin + performance.now();
const file = join(process.env.BENCH_TIMINGS, 'server-' + process.pid + '.jsonl');
const pending = new Map();
let buffer = '';
const emit = process.stdin.emit;
process.stdin.emit = function (event, chunk, ...rest) {
  if (event === 'data') {
    const at = now();
    buffer += typeof chunk === 'string' ? chunk : chunk.toString('utf8');
    for (let newline = buffer.indexOf('\\n'); newline >= 0; newline = buffer.indexOf('\\n')) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (!line.includes('"tools/call"')) continue;
      try {
        const message = JSON.parse(line);
        const args = message.params?.arguments ?? {};
        if (message.method === 'tools/call')
          pending.set(message.id, { key: message.params.name + '|' + (args.path ?? args.command ?? ''), readAt: at });
      } catch {}
    }
  }
  return emit.call(this, event, chunk, ...rest);
};
const write = process.stdout.write;
process.stdout.write = function (chunk, ...rest) {
  const at = now();
  const written = write.call(this, chunk, ...rest);
  if (pending.size > 0) {
    try {
      const message = JSON.parse(String(chunk));
      const request = pending.get(message.id);
      if (request && message.method === undefined) {
        pending.delete(message.id);
        appendFileSync(file, JSON.stringify({ ...request, repliedAt: at }) + '\\n');
      }
    } catch {}
  }
  return written;
};
`;

async function setUp() {
  const dir = await mkdtemp(join(tmpdir(), 'meshwork-bench-coordinator-'));
  await mkdir(join(dir, '.meshwork', 'agents'), { recursive: true });
  await mkdir(join(dir, 'data'), { recursive: true });
  // Each agent reads its own copies of the same small files and lists its own 8-file directories.
  for (const agentId of agentIds()) {
    for (let index = 0; index < turns; index += 1) {
      const own = join(dir, 'data', safeId(agentId));
      await mkdir(join(own, `dir-${index}`), { recursive: true });
      await writeFile(join(own, `file-${index}.txt`), `line ${index}\n`.repeat(50));
      for (let entry = 0; entry < 8; entry += 1)
        await writeFile(join(own, `dir-${index}`, `file-${entry}.txt`), `line ${entry}\n`);
    }
  }
  await mkdir(join(dir, 'timings'));
  await writeFile(join(dir, 'timing-hook.mjs'), SERVER_TIMING_HOOK);
  const timingEnv = {
    NODE_OPTIONS: `--import=${pathToFileURL(join(dir, 'timing-hook.mjs')).href}`,
    BENCH_TIMINGS: join(dir, 'timings'),
  };
  // The servers run in their OS sandbox (COORDINATOR_BENCH_SANDBOX=none compares without); the
  // timing hook writes its records, so the sandbox grants that one directory.
  const sandbox =
    process.env.COORDINATOR_BENCH_SANDBOX === 'none' ? 'none' : { write: [join(dir, 'timings')] };
  await writeFile(
    join(dir, 'meshwork.json'),
    JSON.stringify({
      mcpServers: {
        fs: {
          kind: 'filesystem',
          command: 'node',
          args: [join(repo, 'servers/filesystem/dist/cli.js'), '.'],
          env: timingEnv,
          sandbox,
        },
        shell: {
          kind: 'shell',
          command: 'node',
          args: [join(repo, 'servers/shell/dist/cli.js'), '--root', '.'],
          env: timingEnv,
          sandbox,
        },
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
 * coordinator's. Turn i of every agent is one tool call (see callOf), then a final answer. It
 * records when it handed the last byte of each reply to the OS (the end of its own time).
 */
async function startModel(dir, delayMs = modelDelayMs) {
  const code = `
    import { appendFileSync } from 'node:fs';
    import http from 'node:http';
    import { join } from 'node:path';
    import { countAssistantMessages, createScriptedModelServer } from '@meshwork/testkit';
    const [dir, turns] = [process.env.BENCH_DIR, Number(process.env.BENCH_TURNS)];
    const callOf = ${callOf.toString()};
    const safeId = ${safeId.toString()};
    const now = () => performance.timeOrigin + performance.now();
    const emit = http.Server.prototype.emit;
    http.Server.prototype.emit = function (event, request, response) {
      if (event === 'request' && request.url.startsWith('/v1/messages')) {
        const agent = request.headers['x-meshwork-agent-id'];
        response.once('finish', () =>
          appendFileSync(join(dir, 'timings', 'model.jsonl'), JSON.stringify({ agent, repliedAt: now() }) + '\\n'),
        );
      }
      return emit.call(this, event, request, response);
    };
    const server = await createScriptedModelServer({
      script(context) {
        const index = countAssistantMessages(context.body);
        // Real replies vary in time, which keeps agents from answering in lockstep: ±50 % at random.
        const delayMs = Number(process.env.BENCH_MODEL_DELAY_MS ?? 0) * (0.5 + Math.random());
        if (index >= turns) return { text: 'Done.', delayMs };
        const call = callOf(dir, context.headers['x-meshwork-agent-id'] ?? 'unknown', index);
        return { content: [{ type: 'tool_use', name: call.name, input: call.input }], delayMs };
      },
    });
    process.stdout.write(server.url + '\\n');
    process.stdin.on('end', () => server.close().then(() => process.exit(0)));
    process.stdin.resume();
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    cwd: join(repo, 'test'),
    env: {
      ...process.env,
      BENCH_DIR: dir,
      BENCH_TURNS: String(turns),
      BENCH_MODEL_DELAY_MS: String(delayMs),
    },
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

/**
 * Timestamps, in this (the coordinator's) process, every hand-over of a request to the OS: MCP
 * tools/call frames written to a server's stdin pipe, and Messages API requests written to the
 * model's socket. Costs a type check per socket write, charged to the coordinator.
 */
function recordRequestWrites() {
  const tools = new Map();
  const model = new Map();
  const push = (map, key, at) => {
    const list = map.get(key) ?? [];
    list.push(at);
    map.set(key, list);
  };
  const original = Socket.prototype.write;
  Socket.prototype.write = function write(chunk, ...rest) {
    const at = now();
    if (typeof chunk === 'string') {
      if (chunk.startsWith('{') && chunk.includes('"tools/call"')) {
        try {
          const message = JSON.parse(chunk);
          const args = message.params?.arguments ?? {};
          push(tools, `${message.params.name}|${args.path ?? args.command ?? ''}`, at);
        } catch {}
      } else if (chunk.startsWith('POST /v1/messages')) {
        const agent = /x-meshwork-agent-id: ([^\r\n]+)/i.exec(chunk)?.[1];
        if (agent !== undefined) push(model, agent, at);
      }
    }
    return original.call(this, chunk, ...rest);
  };
  return {
    tools,
    model,
    stop() {
      Socket.prototype.write = original;
    },
  };
}

/** Reads a JSON-lines file list, grouped by `keyOf`, each group in file order. */
function readTimings(files, keyOf) {
  const groups = new Map();
  for (const file of files) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n')) {
      if (line === '') continue;
      const record = JSON.parse(line);
      const list = groups.get(keyOf(record)) ?? [];
      list.push(record);
      groups.set(keyOf(record), list);
    }
  }
  return groups;
}

/**
 * The own-time overhead of each tool turn of run number `runIndex` (0 is the cold run) of the
 * pooled coordinator: turn wall time - model own time - server own time (see the header).
 * Returns undefined when the records cannot be matched one to one.
 */
function ownTimeOverheads(dir, writes, runEvents, runIndex) {
  const servers = readTimings(
    readdirSync(join(dir, 'timings'))
      .filter((name) => name.startsWith('server-'))
      .map((name) => join(dir, 'timings', name)),
    (record) => record.key,
  );
  for (const list of servers.values()) list.sort((left, right) => left.readAt - right.readAt);
  const model = readTimings([join(dir, 'timings', 'model.jsonl')], (record) => record.agent);
  const rows = [];
  for (const event of runEvents) {
    if (!(event.toolMs > 0)) continue;
    const call = callOf(dir, event.agentId, event.turn - 1);
    const toolWritten = writes.tools.get(call.key)?.[runIndex];
    const toolReplied = servers.get(call.key)?.[runIndex]?.repliedAt;
    const requestIndex = runIndex * (turns + 1) + event.turn - 1;
    const modelWritten = writes.model.get(event.agentId)?.[requestIndex];
    const modelReplied = model.get(event.agentId)?.[requestIndex]?.repliedAt;
    if ([toolWritten, toolReplied, modelWritten, modelReplied].includes(undefined)) return undefined;
    const modelOwn = modelReplied - modelWritten;
    const toolOwn = toolReplied - toolWritten;
    rows.push({
      overhead: event.turnMs - modelOwn - toolOwn,
      modelOwn,
      toolOwn,
      // Own time can never exceed the round trip the coordinator timed around it.
      consistent:
        modelOwn >= 0 && toolOwn >= 0 && modelOwn <= event.modelMs + 0.05 && toolOwn <= event.toolMs + 0.05,
    });
  }
  return rows;
}

/**
 * With COORDINATOR_BENCH_PROFILE=<file.cpuprofile>, records a CPU profile of the coordinator
 * process during the warm run (open it in Chrome DevTools or speedscope).
 */
async function startProfiler() {
  const file = process.env.COORDINATOR_BENCH_PROFILE;
  if (!file) return undefined;
  const { Session } = await import('node:inspector/promises');
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  return {
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      await writeFile(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

const median = (values) => percentile(values, 0.5);

async function pooledRun(dir, model, { profile = true, otherModels = [] } = {}) {
  const writes = recordRequestWrites();
  const config = await loadConfig({ cwd: dir });
  const coordinator = createCoordinator({ config, modelAccess: { baseURL: model.url, apiKey: 'bench' } });
  const stop = await sampleRss([model.pid, ...otherModels.map((other) => other.pid)]);
  // Run 0 is cold (it starts the servers); the others reuse the warm pool.
  const runs = [];
  for (let index = 0; index <= warmRuns; index += 1) {
    const profiler = profile && index === 1 ? await startProfiler() : undefined;
    const events = [];
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const loopBefore = performance.eventLoopUtilization();
    const report = await coordinator.run({
      task: index === 0 ? 'bench' : `bench warm ${index}`,
      plan: plan(),
      concurrency: agents,
      onEvent(event) {
        if (event.type === 'turn_finished') events.push(event);
      },
    });
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const loopBusy = performance.eventLoopUtilization(loopBefore).utilization;
    await profiler?.stop();
    const cpuPerTurnMs = (cpu.user + cpu.system) / 1000 / Math.max(1, report.totals.turns);
    runs.push({ report, events, wallMs, cpuPerTurnMs, loopBusy });
  }
  const { peak: peakRss, peakPss, breakdown } = await stop();
  const processes = coordinator.pool.startedProcesses();
  await coordinator.close();
  writes.stop();
  const complete = runs.every((run) => run.report.totals.turns === agents * (turns + 1));
  for (const [index, run] of runs.entries())
    run.own = complete ? ownTimeOverheads(dir, writes, run.events, index) : undefined;
  const warm = runs.slice(1);
  return {
    cold: runs[0],
    warm,
    warmMs: median(warm.map((run) => run.wallMs)),
    cpuPerTurnMs: median(warm.map((run) => run.cpuPerTurnMs)),
    loopBusy: median(warm.map((run) => run.loopBusy)),
    warmEvents: warm.flatMap((run) => run.events),
    warmOwn: complete ? warm.flatMap((run) => run.own ?? []) : undefined,
    peakRss,
    peakPss,
    breakdown,
    processes,
  };
}

async function naiveRun(dir, model) {
  // The naive way: every subagent gets its own coordinator, so its own set of server processes.
  const config = await loadConfig({ cwd: dir });
  const stop = await sampleRss([model.pid]);
  const started = performance.now();
  const coordinators = plan().map(() =>
    createCoordinator({ config, modelAccess: { baseURL: model.url, apiKey: 'bench' } }),
  );
  const reports = await Promise.all(
    coordinators.map((coordinator, index) => coordinator.run({ task: 'naive', plan: [plan()[index]] })),
  );
  const wallMs = performance.now() - started;
  const { peak: peakRss } = await stop();
  const processes = coordinators.reduce((sum, coordinator) => sum + coordinator.pool.startedProcesses(), 0);
  await Promise.all(coordinators.map((coordinator) => coordinator.close()));
  return { reports, wallMs, peakRss, processes };
}

/**
 * The floor (see the header): `agents` loops of bare SDK streaming calls against the same model
 * server, each growing its conversation as a subagent does (the reply's tool_use answered with a
 * fixed tool_result), `warmRuns` + 1 rounds with the first dropped as cold. Returns the own-time
 * overhead of every warm request (request wall time - the model's own time) and the CPU this
 * process spent per warm request; undefined when the records do not match.
 */
async function floorRun(dir, model) {
  const client = new Anthropic({ apiKey: 'bench', baseURL: model.url, maxRetries: 0 });
  const tools = ['read_text_file', 'list_directory', 'run_command'].map((name) => ({
    name: `mcp__${name === 'run_command' ? 'shell' : 'fs'}__${name}`,
    description: name,
    input_schema: { type: 'object', properties: { path: { type: 'string' }, command: { type: 'string' } } },
  }));
  const writes = recordRequestWrites();
  const requests = [];
  const agentLoop = async (agentId, round) => {
    const messages = [{ role: 'user', content: `Task ${agentId}.` }];
    for (let turn = 0; ; turn += 1) {
      const started = now();
      const stream = await client.messages.create(
        {
          model: 'claude-sonnet-4-6',
          max_tokens: 4096,
          system: 'You are the reader.',
          tools,
          messages,
          stream: true,
        },
        { headers: { 'x-meshwork-agent-id': agentId } },
      );
      const content = [];
      let json = '';
      for await (const event of stream) {
        if (event.type === 'content_block_start') content.push({ ...event.content_block });
        else if (event.type === 'content_block_delta' && event.delta.type === 'input_json_delta')
          json += event.delta.partial_json;
        else if (event.type === 'content_block_delta' && event.delta.type === 'text_delta')
          content.at(-1).text += event.delta.text;
        else if (event.type === 'content_block_stop' && content.at(-1)?.type === 'tool_use') {
          content.at(-1).input = JSON.parse(json || '{}');
          json = '';
        }
      }
      requests.push({ agentId, round, started, ended: now() });
      messages.push({ role: 'assistant', content });
      const use = content.find((block) => block.type === 'tool_use');
      if (!use) return;
      messages.push({
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: use.id, content: `line ${turn}\n`.repeat(50) }],
      });
    }
  };
  let cpuBefore;
  for (let round = 0; round <= warmRuns; round += 1) {
    if (round === 1) cpuBefore = process.cpuUsage();
    await Promise.all(Array.from({ length: agents }, (_, index) => agentLoop(`floor-${index}`, round)));
  }
  const cpu = process.cpuUsage(cpuBefore);
  writes.stop();
  // The model records a reply once its last byte left, which can be just after we read it.
  const expected = requests.length;
  let replies = new Map();
  for (let attempt = 0; attempt < 100; attempt += 1) {
    replies = readTimings([join(dir, 'timings', 'model.jsonl')], (record) => record.agent);
    const recorded = [...replies.entries()]
      .filter(([agent]) => agent.startsWith('floor-'))
      .reduce((sum, [, list]) => sum + list.length, 0);
    if (recorded >= expected) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const seen = new Map();
  const overheads = [];
  for (const request of requests.sort((left, right) => left.started - right.started)) {
    const index = seen.get(request.agentId) ?? 0;
    seen.set(request.agentId, index + 1);
    const written = writes.model.get(request.agentId)?.[index];
    const replied = replies.get(request.agentId)?.[index]?.repliedAt;
    if (written === undefined || replied === undefined) return undefined;
    if (request.round > 0) overheads.push(request.ended - request.started - (replied - written));
  }
  return { overheads, cpuPerRequestMs: (cpu.user + cpu.system) / 1000 / Math.max(1, overheads.length) };
}

const figures = (values) =>
  values === undefined
    ? 'n/a (records did not match)'
    : `${percentile(values, 0.5).toFixed(2)} ms   p95 ${percentile(values, 0.95).toFixed(2)} ms`;
const roundTripOverhead = (events) =>
  events.filter((event) => event.toolMs > 0).map((event) => event.turnMs - event.modelMs - event.toolMs);
const ownP50 = (rows) =>
  rows === undefined
    ? undefined
    : percentile(
        rows.map((row) => row.overhead),
        0.5,
      );

/** Prints the figures of one pooled run (instant or paced). */
function printPooled(title, pooled) {
  const { cold } = pooled;
  const succeeded = cold.report.agents.filter((agent) => agent.status === 'succeeded').length;
  const warmToolTurns = pooled.warmEvents.filter((event) => event.toolMs > 0);
  out('');
  out(title);
  out(
    `  agents succeeded           ${succeeded}/${agents} (turns: ${cold.report.totals.turns}, tool calls: ${cold.report.totals.toolCalls})`,
  );
  out(`  wall time (cold)           ${(cold.wallMs / 1000).toFixed(2)} s   (includes starting the servers)`);
  out(
    `  wall time (warm pool)      ${(pooled.warmMs / 1000).toFixed(2)} s   (median of ${warmRuns} more runs on the same coordinator)`,
  );
  out(`  server processes           ${pooled.processes}   (2 servers x 2 profiles at most)`);
  out(`  overhead/turn, own-time    cold p50 ${figures(cold.own?.map((row) => row.overhead))}`);
  out(`                             warm p50 ${figures(pooled.warmOwn?.map((row) => row.overhead))}`);
  const inconsistent = [...(cold.own ?? []), ...(pooled.warmOwn ?? [])].filter(
    (row) => !row.consistent,
  ).length;
  if (inconsistent > 0)
    out(`      (${inconsistent} turns had an own time outside the round trip: clock skew?)`);
  out(`  overhead/turn, round-trip  warm p50 ${figures(roundTripOverhead(pooled.warmEvents))}`);
  out(
    `  model / tool own time      warm p50 ${figures(pooled.warmOwn?.map((row) => row.modelOwn))} / ${figures(pooled.warmOwn?.map((row) => row.toolOwn))}`,
  );
  out(
    `  model / tool round trip    warm p50 ${figures(warmToolTurns.map((event) => event.modelMs))} / ${figures(warmToolTurns.map((event) => event.toolMs))}`,
  );
  out(
    `  coordinator CPU/turn       ${pooled.cpuPerTurnMs.toFixed(2)} ms   (warm: CPU of the coordinator process / model turns)`,
  );
  out(
    `  coordinator loop busy      ${(pooled.loopBusy * 100).toFixed(0)} %   (warm: event-loop utilization)`,
  );
  out(`  summed RSS at peak         ${pooled.peakRss.toFixed(0)} MB   (${pooled.breakdown})`);
  out(
    `  PSS at that peak           ${pooled.peakPss.toFixed(0)} MB   (shared pages split between the processes that map them)`,
  );
}

const verdict = (value, limit) => (value === undefined ? 'n/a' : value <= limit ? 'met' : 'NOT met');

const dir = await setUp();
const model = await startModel(dir);
try {
  out(
    `coordinator bench: ${agents} subagents in parallel, 2 profiles, ${turns} turns each with one tool call (fs read / fs list / shell echo), scripted model answering ${modelDelayMs > 0 ? `after ${modelDelayMs} ms ±50 %` : 'instantly'}`,
  );
  out(`scale: COORDINATOR_BENCH_AGENTS=${agents} COORDINATOR_BENCH_TURNS=${turns}; node ${process.version}`);
  const instant = await pooledRun(dir, model);
  printPooled(
    `pooled, model answering ${modelDelayMs > 0 ? `after ${modelDelayMs} ms` : 'instantly'}`,
    instant,
  );

  const floor = await floorRun(dir, model);
  const floorP50 = floor && percentile(floor.overheads, 0.5);
  const instantP50 = ownP50(instant.warmOwn);
  out('');
  out(
    `floor (the bare @anthropic-ai/sdk client: same model server, ${agents} agents x ${turns + 1} requests, no coordinator, no tools)`,
  );
  out(
    `  own-time overhead/request  warm p50 ${figures(floor?.overheads)}   CPU/request ${floor ? floor.cpuPerRequestMs.toFixed(2) : 'n/a'} ms`,
  );
  if (floorP50 !== undefined && instantP50 !== undefined) {
    out(
      `  coordinator above floor    ${(instantP50 - floorP50).toFixed(2)} ms p50 (coordinator ${instantP50.toFixed(2)} / floor ${floorP50.toFixed(2)} = ${(instantP50 / floorP50).toFixed(2)}x, ${availableParallelism()} cores)`,
    );
  }

  let paced;
  if (modelDelayMs === 0 && pacedDelayMs > 0) {
    const pacedDir = await setUp();
    const pacedModel = await startModel(pacedDir, pacedDelayMs);
    try {
      paced = await pooledRun(pacedDir, pacedModel, { profile: false, otherModels: [model] });
      printPooled(`paced, model answering after ${pacedDelayMs} ms ±50 %`, paced);
    } finally {
      await pacedModel.close();
      await rm(pacedDir, { recursive: true, force: true });
    }
  }

  if (process.env.COORDINATOR_BENCH_NAIVE !== '0') {
    const naive = await naiveRun(dir, model);
    const naiveOk = naive.reports.filter((report) => report.status === 'succeeded').length;
    out('');
    out('naive (servers spawned per subagent)');
    out(`  agents succeeded        ${naiveOk}/${agents}`);
    out(`  wall time               ${(naive.wallMs / 1000).toFixed(2)} s`);
    out(`  server processes        ${naive.processes}`);
    out(`  summed RSS at peak      ${naive.peakRss.toFixed(0)} MB`);
  }

  const pacedP50 = paced ? ownP50(paced.warmOwn) : undefined;
  const pss = Math.max(instant.peakPss, paced?.peakPss ?? 0);
  const rss = Math.max(instant.peakRss, paced?.peakRss ?? 0);
  out('');
  out('targets');
  out(
    `  coordinator CPU per model turn (instant)   ${instant.cpuPerTurnMs.toFixed(2)} ms   <= 3 ms   ${verdict(instant.cpuPerTurnMs, 3)}`,
  );
  out(
    `  own-time overhead p50 (paced)              ${pacedP50 === undefined ? 'n/a' : `${pacedP50.toFixed(2)} ms`}   <= 5 ms   ${verdict(pacedP50, 5)}`,
  );
  out(`  total PSS                                  ${pss.toFixed(0)} MB   <= 300 MB   ${verdict(pss, 300)}`);
  out(
    `  wall time cold (instant)                   ${(instant.cold.wallMs / 1000).toFixed(2)} s   <= 3 s   ${verdict(instant.cold.wallMs / 1000, 3)}`,
  );
  out(
    `  server processes                           ${instant.processes}   <= 4   ${verdict(instant.processes, 4)}`,
  );
  out('measurements of the machine (not targets)');
  out(
    `  own-time overhead p50 (instant)            ${instantP50 === undefined ? 'n/a' : `${instantP50.toFixed(2)} ms`}   (SDK floor ${floorP50 === undefined ? 'n/a' : `${floorP50.toFixed(2)} ms`})`,
  );
  out(`  summed RSS                                 ${rss.toFixed(0)} MB`);
} finally {
  await model.close();
  await rm(dir, { recursive: true, force: true });
}
