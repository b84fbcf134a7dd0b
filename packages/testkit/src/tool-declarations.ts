import { readToolMeta, type ToolMeta, toolMeta } from '@meshwork/kit';
import type { Tool } from '@modelcontextprotocol/client';

function argumentsOf(tool: Tool): string[] {
  return Object.keys((tool.inputSchema as { properties?: Record<string, unknown> }).properties ?? {});
}

function namedArguments(meta: ToolMeta): string[] {
  const writes = meta.writes;
  return [
    ...new Set([
      ...(meta.subject === undefined ? [] : [meta.subject]),
      ...(writes && 'paths' in writes ? writes.paths : []),
      ...(writes && 'topics' in writes ? writes.topics : []),
    ]),
  ];
}

/**
 * What is wrong with a server's listed tools against the declarations it must make, one line per
 * problem (empty when none): a tool missing or extra, a `_meta` declaration that differs, an
 * annotation that disagrees (`readOnlyHint` is true exactly when `writes` is false), an argument
 * named by the declaration that the input schema does not have.
 */
export function toolDeclarationProblems(
  tools: readonly Tool[],
  declared: Record<string, ToolMeta>,
): string[] {
  const problems: string[] = [];
  const listed = new Set(tools.map((tool) => tool.name));
  for (const name of Object.keys(declared)) if (!listed.has(name)) problems.push(`${name}: not listed`);
  for (const tool of tools) {
    const expected = declared[tool.name];
    if (expected === undefined) {
      problems.push(`${tool.name}: listed but not declared`);
      continue;
    }
    const meta = readToolMeta(tool._meta);
    if (JSON.stringify(meta) !== JSON.stringify(readToolMeta(toolMeta(expected)))) {
      problems.push(
        `${tool.name}: _meta declares ${JSON.stringify(meta)}, expected ${JSON.stringify(expected)}`,
      );
    }
    if ((tool.annotations?.readOnlyHint === true) !== (meta.writes === false)) {
      problems.push(
        `${tool.name}: readOnlyHint ${tool.annotations?.readOnlyHint} with writes ${JSON.stringify(meta.writes)}`,
      );
    }
    const names = argumentsOf(tool);
    for (const argument of namedArguments(meta)) {
      if (!names.includes(argument))
        problems.push(`${tool.name}: declares argument ${argument}, not in its input schema`);
    }
  }
  return problems;
}
