/** Variables passed from the server's environment to commands (when set and not secret-looking). */
export const ENVIRONMENT_ALLOWLIST: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'LANG',
  'LANGUAGE',
  'LC_ALL',
  'LC_CTYPE',
  'LC_MESSAGES',
  'LC_COLLATE',
  'LC_NUMERIC',
  'LC_TIME',
  'TERM',
  'COLORTERM',
  'NO_COLOR',
  'TZ',
  'TMPDIR',
  'CI',
];

/** Names that look like they hold a secret; removed unless named with `--pass-env`. */
export const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|KEY|CREDENTIAL|AUTH|COOKIE|SESSION|PRIVATE)/i;

// Variables that change which program runs or make a program run code: a caller may not set them
// (through the env argument or a NAME=value prefix), because that would undo the policy.
const DANGEROUS_EXACT = new Set([
  'PATH',
  'HOME',
  'IFS',
  'ENV',
  'BASH_ENV',
  'CDPATH',
  'GLOBIGNORE',
  'SHELL',
  'SHELLOPTS',
  'BASHOPTS',
  'PROMPT_COMMAND',
  'PS4',
  'EDITOR',
  'VISUAL',
  'PAGER',
  'MANPAGER',
  'BROWSER',
  'GCONV_PATH',
  'HOSTALIASES',
  'CLASSPATH',
  'MAKEFLAGS',
  'MFLAGS',
  'MAKESHELL',
  'RUSTC_WRAPPER',
  'RUSTC',
  'CC',
  'CXX',
  'LD',
  'GOFLAGS',
  'TMPDIR',
]);
const DANGEROUS_PREFIX = [
  'LD_',
  'DYLD_',
  'BASH_FUNC_',
  'GIT_',
  'NODE_',
  'NPM_',
  'PNPM_',
  'YARN_',
  'PYTHON',
  'PERL',
  'RUBY',
  'GEM_',
  'BUNDLE_',
  'LUA_',
  'JAVA_',
  '_JAVA_',
  'JDK_',
  'MAVEN_',
  'GRADLE_',
  'CARGO_',
  'XDG_',
  'LESS',
  'SSH_',
  'DOCKER_',
  'PS1',
  'PS2',
  'PS3',
];

/** True when a caller must not set `name` for a command. */
export function isDangerousVariable(name: string): boolean {
  const upper = name.toUpperCase();
  if (DANGEROUS_EXACT.has(upper)) return true;
  if (DANGEROUS_PREFIX.some((prefix) => upper.startsWith(prefix))) return true;
  return upper.startsWith('NPM_CONFIG_') || name.startsWith('npm_');
}

/** True when `name` is a valid environment variable name. */
export function isVariableName(name: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name);
}

/**
 * The environment commands start from: the allowlist plus `--pass-env` names, minus anything that
 * looks like a secret (unless passed explicitly).
 */
export function scrubEnvironment(
  source: NodeJS.ProcessEnv,
  passEnv: readonly string[],
): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const name of ENVIRONMENT_ALLOWLIST) {
    const value = source[name];
    if (value !== undefined && !SECRET_NAME.test(name)) environment[name] = value;
  }
  for (const name of passEnv) {
    const value = source[name];
    if (value !== undefined) environment[name] = value;
  }
  // Never prompt for credentials on a terminal nobody is watching.
  environment.GIT_TERMINAL_PROMPT = '0';
  // Configuration given this way beats every config file, so a repository an agent planted (a
  // nested .git whose config sets core.fsmonitor or hooks) cannot make git run them. Keys with no
  // neutral value (diff.external, attribute drivers) are covered by refusing git in a repository
  // the agent may write (tools/git-repository.ts).
  // Callers cannot undo it: every GIT_ variable is dangerous to set.
  environment.GIT_CONFIG_NOSYSTEM = '1';
  const overrides = [
    ['core.fsmonitor', 'false'],
    ['core.hooksPath', '/dev/null'],
    ['core.pager', 'cat'],
    ['core.sshCommand', 'false'],
  ] as const;
  environment.GIT_CONFIG_COUNT = String(overrides.length);
  overrides.forEach(([key, value], index) => {
    environment[`GIT_CONFIG_KEY_${index}`] = key;
    environment[`GIT_CONFIG_VALUE_${index}`] = value;
  });
  return environment;
}
