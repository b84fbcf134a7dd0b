import { CoordinatorError } from '../errors.js';

/**
 * Expands `${VAR}` and `${VAR:-default}` as Claude Code does in `.mcp.json`. A variable that is
 * unset and has no default is an error naming it and `where`.
 */
export function expandVariables(
  text: string,
  variables: Record<string, string | undefined>,
  where: string,
): string {
  return text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g,
    (_match, name: string, fallback?: string) => {
      const value = variables[name];
      if (value !== undefined && value !== '') return value;
      if (fallback !== undefined) return fallback;
      throw new CoordinatorError(
        'E_CONFIG_VARIABLE',
        `${where} uses \${${name}}, which is not set; set it or write \${${name}:-default}.`,
      );
    },
  );
}
