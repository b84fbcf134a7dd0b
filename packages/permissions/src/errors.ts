import { MeshworkError } from '@meshwork/kit/errors';

/**
 * The codes `@meshwork/permissions` raises: `E_RULE` for a malformed rule, `E_PROFILE` for a
 * malformed profile, `E_LAUNCH_LIMITS` for launch limits that cannot be combined or rendered.
 */
export const PERMISSIONS_ERROR_CODES = ['E_RULE', 'E_PROFILE', 'E_LAUNCH_LIMITS'] as const;
/** One of {@link PERMISSIONS_ERROR_CODES}. */
export type PermissionsErrorCode = (typeof PERMISSIONS_ERROR_CODES)[number];

/**
 * The error of `@meshwork/permissions`; `message` is for people and names the offending field and
 * what was expected.
 */
export class PermissionsError extends MeshworkError<PermissionsErrorCode> {}
