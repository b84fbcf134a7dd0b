import { describe, expect, it } from 'vitest';

/**
 * The public API of @meshwork/shell-server, name by name (types are not listed: they leave no name
 * at run time). A new export must be added here on purpose: a name that leaks into the barrel by
 * accident is a name we must keep.
 */
const PUBLIC_NAMES = [
  'SHELL_ERROR_CODES',
  'ShellError',
  'createBubblewrapConfig',
  'createPolicy',
  'createProcessTable',
  'createShellServer',
  'createSpillDirectory',
  'explainCommand',
  'scrubEnvironment',
];

describe('public barrel', () => {
  it('@meshwork/shell-server exports exactly the public names', async () => {
    const barrel = await import('@meshwork/shell-server');
    expect(Object.keys(barrel).sort()).toEqual([...PUBLIC_NAMES].sort());
  });

  it('ShellError is a kit ToolError carrying one of the listed codes', async () => {
    const { isToolError } = await import('@meshwork/kit');
    const { SHELL_ERROR_CODES, ShellError } = await import('@meshwork/shell-server');
    const error = new ShellError('E_DENIED', 'Denied; call explain_command.');
    expect(isToolError(error)).toBe(true);
    expect(error).toMatchObject({ name: 'ShellError', code: 'E_DENIED' });
    expect(SHELL_ERROR_CODES).toContain(error.code);
  });
});
