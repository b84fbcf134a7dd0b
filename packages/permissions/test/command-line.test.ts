import { describe, expect, it } from 'vitest';
import { splitCommandLine } from '../src/index.js';

const splits: [string, string[]][] = [
  ['npm test', ['npm test']],
  ['  npm   test  ', ['npm test']],
  ['npm\ttest', ['npm test']],
  ['a && b', ['a', 'b']],
  ['a&&b', ['a', 'b']],
  ['a || b', ['a', 'b']],
  ['a ; b', ['a', 'b']],
  ['a;b;c', ['a', 'b', 'c']],
  ['a | b | c', ['a', 'b', 'c']],
  ['a |& b', ['a', 'b']],
  ['a & b', ['a', 'b']],
  ['a &', ['a']],
  ['a;', ['a']],
  ['a\nb', ['a', 'b']],
  ['a\r\nb', ['a', 'b']],
  ['a\n\nb\n', ['a', 'b']],
  ['a &&\nb', ['a', 'b']],
  ['a \\\nb', ['a b']],
  ['npm test && git status | head -5; echo done', ['npm test', 'git status', 'head -5', 'echo done']],
  ["echo 'a && b'", ["echo 'a && b'"]],
  ['echo "a ; b"', ['echo "a ; b"']],
  ['echo "a | b" | wc', ['echo "a | b"', 'wc']],
  ["echo 'it''s'", ["echo 'it''s'"]],
  ['echo "say \\"hi\\"; x"', ['echo "say \\"hi\\"; x"']],
  ['echo a\\;b', ['echo a\\;b']],
  ['echo a\\&\\&b', ['echo a\\&\\&b']],
  ["echo '$(not expanded)'", ["echo '$(not expanded)'"]],
  ["echo '`x`'", ["echo '`x`'"]],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell parameter expansion, not a template
  ['echo $HOME ${USER}', ['echo $HOME ${USER}']],
  ['npm test 2>&1', ['npm test 2>&1']],
  ['npm test 2>&1 | tee', ['npm test 2>&1', 'tee']],
  ['npm test >/dev/null', ['npm test >/dev/null']],
  ['npm test > /dev/null 2>&1', ['npm test >/dev/null 2>&1']],
  ['npm test &>/dev/null', ['npm test &>/dev/null']],
  ['npm test >&2', ['npm test >&2']],
  ['cmd 2>/dev/null', ['cmd 2>/dev/null']],
  ['cmd 3>&-', ['cmd 3>&-']],
  ['sort < input.txt', ['sort < input.txt']],
  ['FOO=1 npm test', ['FOO=1 npm test']],
  ['time npm test', ['time npm test']],
  ['! grep x f', ['! grep x f']],
  ['echo #; rm x', ['echo #', 'rm x']],
  ['git log --format="%H %s"', ['git log --format="%H %s"']],
  ['echo a{b,c}', ['echo a{b,c}']],
];

const refused: [string, RegExp][] = [
  ['', /empty/],
  ['   ', /empty/],
  ['echo $(rm -rf /)', /command substitution/],
  ['echo `rm -rf /`', /backticks/],
  ['echo "$(rm -rf /)"', /inside double quotes/],
  ['echo "`id`"', /inside double quotes/],
  ["echo $'\\x41'", /ANSI-C/],
  ['diff <(ls a) <(ls b)', /process substitution/],
  ['tee >(cat)', /process substitution/],
  ['(cd x && rm y)', /subshell/],
  ['a && (b)', /subshell/],
  ['{ rm x; }', /shell keyword '\{'/],
  ['if true; then rm x; fi', /shell keyword 'if'/],
  ['for f in *; do rm $f; done', /shell keyword 'for'/],
  ['while true; do x; done', /shell keyword 'while'/],
  ['case x in a) y;; esac', /subshell|keyword|;;/],
  ['echo x > out.txt', /output redirection/],
  ['echo x >> ~/.bashrc', /output redirection/],
  ['echo x >| f', /output redirection/],
  ['echo x 2> err.log', /output redirection/],
  ['echo x &> all.log', /output redirection/],
  ['echo x &>> all.log', /output redirection/],
  ['echo x >"$F"', /output redirection/],
  ['echo x >/dev/null$X', /output redirection/],
  ['cmd >&file', /output redirection/],
  ['cat <<EOF\nx\nEOF', /heredoc/],
  ['cat <<< hi', /heredoc/],
  ["echo 'unterminated", /unbalanced single quote/],
  ['echo "unterminated', /unbalanced double quote/],
  ['echo x\\', /trailing backslash/],
  ['a &&', /ends with an operator/],
  ['a |', /ends with an operator/],
  ['a ||\n', /ends with an operator/],
  ['&& a', /empty command before '&&'/],
  ['; a', /empty command before ';'/],
  ['a && && b', /empty command before '&&'/],
  ['a ; ; b', /empty command before ';'/],
  ['a | | b', /empty command before '\|'/],
  ['a\0b', /not plain text/],
];

describe('splitCommandLine', () => {
  it.each(splits)('splits %j', (line, commands) => {
    expect(splitCommandLine(line)).toEqual({ ok: true, commands });
  });
  it.each(refused)('refuses %j', (line, reason) => {
    const result = splitCommandLine(line);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });
});
