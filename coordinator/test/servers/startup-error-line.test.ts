import { describe, expect, it } from 'vitest';
import { startupErrorLine } from '../../src/servers/startup-error-line.js';

const MISSING_MODULE = `node:internal/modules/cjs/loader:1210
  throw err;
  ^

Error: Cannot find module '/nope/cli.js'
    at Module._resolveFilename (node:internal/modules/cjs/loader:1207:15)
    at node:internal/main/run_main_module:28:49 {
  code: 'MODULE_NOT_FOUND',
  requireStack: []
}

Node.js v20.20.2
`;

describe('startupErrorLine', () => {
  it("picks Node's error line, not the loader line (first) nor the footer (last)", () => {
    expect(startupErrorLine(MISSING_MODULE)).toBe("Error: Cannot find module '/nope/cli.js'");
  });

  it('picks the first line naming a problem among log lines, skipping stack frames', () => {
    const stderr = 'starting up\nreading config\nerror: --root /x: ENOENT\n    at main (cli.js:3:1)\nbye\n';
    expect(startupErrorLine(stderr)).toBe('error: --root /x: ENOENT');
    expect(startupErrorLine('permission problem: EACCES on /srv\n')).toBe(
      'permission problem: EACCES on /srv',
    );
  });

  it('falls back to the last meaningful line, and to nothing for empty output', () => {
    expect(startupErrorLine('listening\nshutting down\n\nNode.js v22.1.0\n')).toBe('shutting down');
    expect(startupErrorLine('  \n')).toBeUndefined();
    expect(startupErrorLine('')).toBeUndefined();
  });
});
