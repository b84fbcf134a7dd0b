import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const allowed = [/^dist\/.+\.js$/, /^dist\/.+\.d\.ts$/, /^README\.md$/, /^LICENSE$/, /^package\.json$/];

describe('npm pack', () => {
  it('ships only dist js/d.ts, README, LICENSE and package.json', async () => {
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: packageDir,
      env: {
        ...process.env,
        npm_config_offline: 'true',
        npm_config_audit: 'false',
        npm_config_fund: 'false',
      },
    });
    const [report] = JSON.parse(stdout) as [{ files: { path: string }[] }];
    const paths = report.files.map((file) => file.path).sort();
    const unexpected = paths.filter((path) => !allowed.some((pattern) => pattern.test(path)));
    expect(unexpected).toEqual([]);
    for (const required of ['README.md', 'LICENSE', 'package.json', 'dist/index.js', 'dist/index.d.ts']) {
      expect(paths).toContain(required);
    }
    expect(paths.some((path) => path.endsWith('.map') || path.includes('tsbuildinfo'))).toBe(false);
  });
});
