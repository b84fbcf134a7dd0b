import { isMeshworkError, MeshworkError } from '@meshwork/kit/errors';
import { describe, expect, it } from 'vitest';
import { PERMISSIONS_ERROR_CODES, PermissionsError } from '../src/index.js';

describe('PermissionsError', () => {
  it('derives from the kit base with a typed code, a cause and its own name', () => {
    const cause = new Error('root');
    const error = new PermissionsError('E_RULE', 'message', { cause });
    expect(error).toBeInstanceOf(MeshworkError);
    expect(error.name).toBe('PermissionsError');
    expect(error.code).toBe('E_RULE');
    expect(error.cause).toBe(cause);
    expect(isMeshworkError(error, 'E_RULE')).toBe(true);
    expect(isMeshworkError(error, 'E_PROFILE')).toBe(false);
  });

  it('lists every code the package raises', () => {
    expect([...PERMISSIONS_ERROR_CODES].sort()).toEqual(['E_LAUNCH_LIMITS', 'E_PROFILE', 'E_RULE']);
  });
});
