/**
 * Starter meshwork.json written by `meshwork init`; each server entry holds the server's own
 * arguments, and init puts `node <the server's bin>` and its `kind` in front.
 */
export const STARTER_CONFIG = {
  mcpServers: {
    fs: { args: ['.'] },
    // The commands the shell server may ever run; a profile can only narrow them.
    shell: {
      args: ['--root', '.', '--allow', 'npm test*', '--allow', 'node --test*', '--allow', 'git diff*'],
    },
    memory: { args: ['--dir', '.meshwork/memory'] },
  },
  profiles: {
    research: {
      description: 'Read the code and the memory; write memory topics.',
      allow: [
        'fs:read_*',
        'fs:list_*',
        'fs:grep',
        'fs:search_*',
        'fs:get_file_info',
        'fs:directory_tree',
        'memory:*',
      ],
      deny: ['fs:*(.env)', 'fs:*(**/.env)'],
    },
    build: {
      description: 'Edit sources and tests; run the test suite.',
      allow: [
        'fs:*(src/**)',
        'fs:*(test/**)',
        'fs:read_*',
        'fs:list_*',
        'fs:grep',
        'shell:run_command(npm test*)',
        'shell:run_command(node --test*)',
      ],
      deny: ['fs:*(.env)', 'shell:run_command(rm *)'],
    },
    review: {
      description: 'Read everything, run the tests, change nothing.',
      allow: [
        'fs:read_*',
        'fs:list_*',
        'fs:grep',
        'shell:run_command(npm test*)',
        'shell:run_command(node --test*)',
        'shell:run_command(git diff*)',
      ],
      deny: ['fs:*(.env)'],
    },
  },
  model: { name: 'claude-sonnet-4-6' },
  budgets: { maxTurns: 60, maxCostUsd: 2, maxSeconds: 900 },
  lead: { maxDepth: 2, concurrency: 4 },
};

/** Starter agents written by `meshwork init` (file name → content). */
export const STARTER_AGENTS: Record<string, string> = {
  'researcher.md': `---
name: researcher
description: Reads the code base and the project memory, answers questions, records findings as memory topics.
profile: research
max_turns: 15
---
You are a careful code researcher. Read only what you need (list directories, grep, then read the
relevant files). Record durable findings as memory topics with the memory tools. Never edit files.
Finish with one finding per line, each naming the file it is about.
`,
  'builder.md': `---
name: builder
description: Makes focused code changes under src/ and test/ and runs the tests.
profile: build
max_turns: 20
---
You are a pragmatic engineer. Make the smallest change that solves the task, keep the style of the
surrounding code, and run the tests before you finish. Finish with one line per file you changed and
the test result.
`,
  'reviewer.md': `---
name: reviewer
description: Reviews changes for bugs and risks and runs the tests; changes nothing.
profile: review
max_turns: 12
output_schema:
  type: object
  required: [verdict, issues]
  properties:
    verdict: { type: string, enum: [approve, request_changes] }
    issues: { type: array, items: { type: string } }
---
You are a strict reviewer. Read the changed files, run the tests, and look for bugs, missing tests
and risky edge cases. You cannot change files. End with your verdict as a json block.
`,
};

/** The docs `meshwork init` writes to .meshwork/README.md. */
export const STARTER_README = `# meshwork in this project

- \`meshwork.json\`: the servers (same shape as \`.mcp.json\`), permission profiles, model, budgets.
- \`.meshwork/agents/*.md\` (and \`.claude/agents/*.md\`): agents. YAML frontmatter (name,
  description, profile, tools, model, max_turns, output_schema); the body is the system prompt.
- \`meshwork run "<task>"\`: a lead agent delegates to the agents, in parallel, and prints the merged
  report. \`meshwork run --plan plan.json\` runs a fixed fan-out with no lead model.
- \`meshwork runs list\`, \`meshwork runs show <id>\`: past runs (kept in \`.meshwork/runs/\`).
- \`meshwork agents list\`, \`meshwork servers\`: what is configured, and whether the servers start.

## Profiles
Rules are \`server:tool\` globs with an optional argument pattern matched against the tool's subject
(the path for filesystem tools, each command of a command line for the shell): \`fs:read_*\`,
\`fs:write_file(src/**)\`, \`shell:run_command(npm test*)\`, \`memory:*\`. Deny beats ask beats allow;
anything else is denied and hidden from the model. \`ask\` prompts you with \`--interactive\`, and is a
deny otherwise. Each meshwork server (an entry with a \`kind\`) is started with launch limits derived
from the profile (read-only, roots, command allow-list), so a profile never widens what a server was
started with.
`;

/**
 * `.meshwork/.gitignore` written by `meshwork init`: the local state that runs, the daemon and
 * the memory server leave under `.meshwork/` stays out of git; the agents, the README and the
 * memory's plain files (meant to be read, edited and kept in git) stay tracked.
 */
export const STARTER_GITIGNORE = `# Written by \`meshwork init\`. Tracked: agents/, README.md and the memory's plain files
# (memory/MEMORY.md, memory/topics/, memory/dreams.jsonl).
# Local state of runs, the daemon and the memory server:
runs/
daemon/
memory/transcripts/
memory/.index/
memory/.dreams/
memory/.*.lock
memory/.intent.json
# Model access for the daemon (may hold a key): never commit it.
env
`;
