#!/usr/bin/env node
// Builds the spawn addon (native/spawn.c) and the group watchdog (native/watchdog.c) with node-gyp
// into native/build/Release, as part of `pnpm build`. Skips the work when both are newer than
// their sources. Linux only: elsewhere the
// shell server starts every command from its helper process.
//
// A failed build does not fail `pnpm build`: the server then falls back to the helper, which is
// slower but behaves the same, and says so on stderr here. On Linux the tests in
// test/process/native-spawn.test.ts ask for `--spawner native`, so CI still fails without it.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const nativeDir = join(packageDir, 'native');
const outputs = ['meshwork_spawn.node', 'meshwork_watchdog'].map((file) =>
  join(nativeDir, 'build', 'Release', file),
);
const sources = ['spawn.c', 'watchdog.c', 'binding.gyp'].map((file) => join(nativeDir, file));
const say = (line) => process.stderr.write(`build-native: ${line}\n`);

if (process.platform !== 'linux') {
  say(`skipped on ${process.platform}; commands will start from the spawn helper`);
  process.exit(0);
}
const newest = Math.max(...sources.map((file) => statSync(file).mtimeMs));
if (outputs.every((file) => existsSync(file) && statSync(file).mtimeMs >= newest)) process.exit(0);

// Node's own headers ship beside its binary (<prefix>/include/node); without them node-gyp would
// try to download them, which a machine without internet access cannot.
const prefix = dirname(dirname(process.execPath));
const nodedir =
  process.env.npm_config_nodedir ??
  (existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined);
const nodeGyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
const result = spawnSync(
  process.execPath,
  [nodeGyp, 'rebuild', '--silent', ...(nodedir ? [`--nodedir=${nodedir}`] : [])],
  // binding.gyp lives in native/, not at the package root, so that no package manager builds it
  // on install: this script decides, and a failure here is not fatal.
  { cwd: nativeDir, stdio: ['ignore', 'ignore', 'inherit'] },
);
if (result.status !== 0) {
  say(
    `the native spawner was not built (node-gyp exit ${result.status ?? result.signal}); meshwork-shell will ` +
      'start commands from its helper process instead, which is slower. A C compiler, make and python3 build it.',
  );
}
