import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
const which = process.env.WHICH ?? 'fs';
async function conn(flags) {
  const args = which === 'fs' ? ['/work/main/servers/filesystem/dist/cli.js', '/tmp/fsroot2'] : ['/work/main/servers/shell/dist/cli.js', '--root', '/tmp/fsroot2', '--allow', 'echo *'];
  const transport = new StdioClientTransport({ command: process.execPath, args: [...flags, ...args], env: { PATH: process.env.PATH, MESHWORK_LOG_LEVEL: 'warn' }, stderr: 'ignore' });
  const client = new Client({ name: 'm', version: '0' }); await client.connect(transport); await client.listTools(); return client;
}
const sides = { plain: await conn(['--max-semi-space-size=1']), lite: await conn(['--max-semi-space-size=1', '--lite-mode']) };
const call = (c, i) => which === 'fs' ? c.callTool({ name: 'read_text_file', arguments: { path: `/tmp/fsroot2/f${(i % 20) + 1}.txt` } }) : c.callTool({ name: 'run_command', arguments: { command: `echo ${i}` } });
const xs = { plain: [], lite: [] };
for (let r = 0; r < 120; r++) for (const k of r % 2 ? ['plain', 'lite'] : ['lite', 'plain']) for (let i = 0; i < 5; i++) { const t = performance.now(); await call(sides[k], i); if (r >= 20) xs[k].push(performance.now() - t); }
const p50 = (a) => a.sort((x, y) => x - y)[a.length >> 1];
console.log(which, 'plain p50', p50(xs.plain).toFixed(3), 'lite p50', p50(xs.lite).toFixed(3));
for (const c of Object.values(sides)) await c.close();
