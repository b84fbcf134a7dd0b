import { describe, expect, it } from 'vitest';
import { isPermissionsError, PermissionsError } from '../src/index.js';

class SubError extends PermissionsError {}

describe('PermissionsError', () => {
  it('carries code, cause and the subclass name', () => {
    const cause = new Error('root');
    const error = new SubError('E_X', 'message', { cause });
    expect(error.name).toBe('SubError');
    expect(error.code).toBe('E_X');
    expect(error.cause).toBe(cause);
    expect(error).toBeInstanceOf(Error);
    expect(new PermissionsError('E_Y', 'm').name).toBe('PermissionsError');
  });

  it('recognises copies from another module instance', () => {
    const foreign = Object.assign(new Error('x'), { name: 'PermissionsError', code: 'E_RULE' });
    expect(isPermissionsError(foreign)).toBe(true);
    expect(isPermissionsError(new Error('x'))).toBe(false);
    expect(isPermissionsError('PermissionsError')).toBe(false);
  });
});
