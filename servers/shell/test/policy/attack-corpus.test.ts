import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type SpawnedStdioServer, spawnStdioServer, type TempDir } from '@meshwork/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainCommand } from '../../src/policy/policy.js';
import { BIN, policyFor, structured, textOf } from '../helpers.js';

/** The issue's corpus: every line must be refused under `echo *` + `git status`. */
const ISSUE_CORPUS = [
  'echo hi; rm -rf x',
  'echo hi && rm x',
  'echo hi || rm x',
  'echo hi | sh',
  'echo hi & rm x',
  'echo hi\nrm x',
  'echo $(rm x)',
  'echo `rm x`',
  'cat <(rm x)',
  '{ rm x; }',
  '(rm x)',
  "bash -c 'rm x'",
  'env rm x',
  'xargs rm',
  'find . -exec rm {} \\;',
  'git status --output=/etc/x',
  "$'\\x72\\x6d' x",
  "r''m x",
  '"rm" x',
  'X=rm; $X x',
  'echo hi > /etc/passwd',
  'IFS=, ; rm,x',
  'timeout 5 rm x',
  'nice rm x',
  '\\rm x',
];

/**
 * Reported bypasses of other shell MCP servers and argument-level escapes of allowed commands:
 * separators, substitutions, quoting tricks, interpreters, wrappers, redirections, shell state.
 */
// biome-ignore-start lint/suspicious/noTemplateCurlyInString: shell text, not JavaScript templates
const BYPASS_CORPUS = [
  'echo hi;rm x',
  'echo hi\r\nrm x',
  'echo hi\n\nrm x',
  'echo hi|rm x',
  'echo hi |& rm x',
  'echo hi &&rm x',
  'git status && rm x',
  'git status; rm x',
  'git status | sh',
  'echo "$(rm x)"',
  'echo "`rm x`"',
  'echo ${X:-$(rm x)}',
  'echo $((1 + $(rm x)))',
  'echo a[$(rm x)]',
  'echo >(rm x)',
  'echo hi <<< $(rm x)',
  'cat <<EOF\n$(rm x)\nEOF',
  'echo <<EOF\n$(rm x)\nEOF',
  '$(echo rm) x',
  '`echo rm` x',
  '${X} x',
  '"$X" x',
  '$X',
  "'r'm x",
  '"r"\'m\' x',
  "$'rm' x",
  '$"rm" x',
  ' rm x',
  'r\\m x',
  '\\\nrm x',
  'ec""ho hi; rm x',
  'e\\cho hi && rm x',
  '{rm,x}',
  'echo {a,b}; rm x',
  'eval "rm x"',
  'eval echo hi',
  'exec rm x',
  'exec echo hi',
  'source x',
  '. x',
  'command rm x',
  'command echo hi',
  'builtin echo hi',
  'enable -n echo',
  'hash -p /bin/rm echo; echo x',
  'alias echo=rm; echo x',
  'cd / && echo hi > etc/passwd',
  'set -e; echo hi',
  'trap "rm x" EXIT; echo hi',
  'export X=1; echo hi',
  'declare X=$(rm x)',
  'local X=1',
  'let X=1',
  'X=$(rm x) echo hi',
  'X=1 echo hi',
  'PATH=/tmp echo hi',
  'LD_PRELOAD=/tmp/x.so echo hi',
  'BASH_ENV=x echo hi',
  'IFS=x; rm x',
  'f() { rm x; }; f',
  'function f { rm x; }; f',
  'if true; then rm x; fi',
  'for i in 1; do rm x; done',
  'while rm x; do :; done',
  'until rm x; do :; done',
  'case a in a) rm x;; esac',
  '[[ $(rm x) ]]',
  '(( $(rm x) ))',
  'time rm x',
  'coproc rm x',
  '! rm x',
  'sh -c "rm x"',
  '/bin/sh -c "rm x"',
  'bash -xc "rm x"',
  'bash<<<"rm x"',
  "echo 'rm x' | bash",
  'echo rm x | sh -s',
  'python3 -c \'import os; os.remove("x")\'',
  'node -e \'require("fs").rmSync("x")\'',
  'perl -e \'unlink "x"\'',
  'ruby -e \'File.delete("x")\'',
  'env -S "rm x"',
  'env X=1 rm x',
  'xargs -a x rm',
  'echo x | xargs rm',
  'sudo rm x',
  'su -c "rm x"',
  'nohup rm x',
  'timeout -s KILL 5 rm x',
  'timeout --foreground 5 rm x',
  'nice -n 10 rm x',
  'nice -10 rm x',
  'timeout 5 nice nohup rm x',
  'timeout 5 bash -c "rm x"',
  'stdbuf -o0 rm x',
  'setsid rm x',
  'find . -delete',
  'find . -name x -delete',
  'find . -fprint /etc/x',
  'find . -execdir rm {} +',
  'find . -ok rm {} \\;',
  'sed -i d x',
  'sed -n "1e rm x" x',
  'awk \'BEGIN{system("rm x")}\'',
  'git -c core.pager="rm x" status',
  'git -c alias.status="!rm x" status',
  'git -c core.fsmonitor="rm x" status',
  'git --config-env=core.pager=X status',
  'git --exec-path=/tmp status',
  'git status --output /etc/x',
  'git status -- ; rm x',
  'echo hi >> /etc/passwd',
  'echo hi >| /etc/x',
  'echo hi &> /etc/x',
  'echo hi 2> /etc/x',
  'echo hi >& /etc/x',
  'echo hi > ../x',
  'echo hi > /dev/tcp/127.0.0.1/9',
  'echo hi > .git/config',
  'echo hi | tee /etc/x',
  'echo hi | tee x',
  'rm x',
  '/bin/rm x',
  'unlink x',
  'mv x y',
  'echo hi\u0000; rm x',
  'echo hi; r?m x',
  '/bin/r? x',
  '* x',
];
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: shell text, not JavaScript templates

describe('attack corpus (policy: echo *, git status)', () => {
  const lines = [...ISSUE_CORPUS, ...BYPASS_CORPUS];
  let root: TempDir;
  beforeAll(async () => {
    root = await createTempDir();
  });
  afterAll(async () => {
    await root.remove();
  });

  it.each(lines)('refuses %j at the policy level', (line) => {
    const policy = policyFor(root.path, { allow: ['echo *', 'git status'] });
    const explanation = explainCommand(policy, line);
    expect(explanation.decision, explanation.reason).toBe('deny');
  });

  it('still allows the plain commands it is meant to allow', () => {
    const policy = policyFor(root.path, { allow: ['echo *', 'git status'], write: [['**']] });
    for (const line of [
      'echo hi',
      'git status',
      "echo 'a; rm x'",
      'echo hi > out.txt',
      "echo $'\\x72\\x6d'",
    ]) {
      expect(explainCommand(policy, line).decision, line).toBe('allow');
    }
  });

  describe('through a real MCP client calling run_command', () => {
    let server: SpawnedStdioServer;
    let cwd: TempDir;
    beforeAll(async () => {
      cwd = await createTempDir();
      server = await spawnStdioServer({
        bin: BIN,
        args: ['--root', cwd.path, '--allow', 'echo *', '--allow', 'git status'],
        cwd: cwd.path,
      });
    });
    afterAll(async () => {
      await server.close();
      await cwd.remove();
    });

    it('refuses every line and runs nothing', async () => {
      const marker = join(cwd.path, 'x');
      for (const line of lines) {
        writeFileSync(marker, 'marker');
        const result = await server.client.callTool({ name: 'run_command', arguments: { command: line } });
        expect(result.isError, `${JSON.stringify(line)} → ${textOf(result)}`).toBe(true);
        expect(textOf(result)).toMatch(/^E_(DENIED|REFUSED): /);
        expect(existsSync(marker), `${JSON.stringify(line)} removed the marker`).toBe(true);
        expect(existsSync(join(cwd.path, 'y')), `${JSON.stringify(line)} moved the marker`).toBe(false);
      }
    });

    it('runs an allowed line (so the refusals above are not a broken server)', async () => {
      const result = await server.client.callTool({ name: 'run_command', arguments: { command: 'echo hi' } });
      expect(result.isError).toBeFalsy();
      expect(structured(result).stdout).toBe('hi\n');
    });
  });
});
