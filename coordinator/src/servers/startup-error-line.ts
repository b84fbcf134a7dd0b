/** A line that names a problem, in the words programs and Node use for one. */
const PROBLEM = /Error|error:|Cannot|ENOENT|EACCES/;

/** Lines that never name the problem: Node's stack frames, its source excerpt, its version footer. */
function isNoise(line: string): boolean {
  return (
    /^at\s/.test(line) ||
    /^Node\.js v\d/.test(line) ||
    /^node:internal\//.test(line) ||
    /^[\^~\s]*$/.test(line) ||
    /^[{}[\]]+,?$/.test(line) ||
    /^\w+: '[^']*',?$/.test(line) ||
    /^requireStack: /.test(line) ||
    /^code: '/.test(line)
  );
}

/**
 * The one line of a server's stderr that says why it did not start: `Error: Cannot find module …`
 * rather than the first line (`node:internal/modules/cjs/loader:1210`) or the last ones (`}` and
 * `Node.js v20.20.2`). It is the first line matching {@link PROBLEM}, else the last line that is
 * not noise, else undefined for empty output. Used wherever a start-up failure is reported.
 */
export function startupErrorLine(stderr: string): string | undefined {
  const lines = stderr
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !isNoise(line));
  const line = lines.find((candidate) => PROBLEM.test(candidate)) ?? lines.at(-1);
  return line === undefined ? undefined : line.length > 300 ? `${line.slice(0, 297)}…` : line;
}
