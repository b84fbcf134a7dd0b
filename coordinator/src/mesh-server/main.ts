#!/usr/bin/env node
// `meshwork serve` as a standalone server bin (`node dist/mesh-server/main.js [--stdio|--http]`),
// the same shape as every meshwork server, so `claude mcp add meshwork -- node <this file>` works
// and tests can spawn it with the testkit helpers. It sets process.exitCode; it never exits.
import { createBuiltInDreaming } from '../daemon/dream/dreaming.js';
import { serveCommand } from './serve-command.js';

process.exitCode = await serveCommand(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env },
  createBuiltInDreaming,
);
