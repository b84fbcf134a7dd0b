#!/usr/bin/env node
// Entry for the daemon-side commands (`node dist/daemon/main.js <command> ...`). `meshwork daemon
// start` re-runs this file in the background, and tests spawn it, so the daemon does not depend on
// how the main `meshwork` CLI is wired. It sets process.exitCode and never calls process.exit, so
// that logs and the queue close cleanly.
import { runDaemonCli } from './cli-dispatch.js';

process.exitCode = await runDaemonCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  env: process.env,
});
