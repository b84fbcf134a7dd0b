import { parse as parseYaml } from 'yaml';

/** A Markdown file split into its YAML frontmatter and its body. */
export interface FrontmatterDocument {
  data: Record<string, unknown>;
  body: string;
  /** Whether the text opened with a `---` block at all. */
  hasFrontmatter: boolean;
}

/**
 * Splits `---\nyaml\n---\nbody`. A file without frontmatter has empty data. Throws the YAML parser's
 * error when the frontmatter is not valid YAML or not a mapping.
 */
export function parseFrontmatter(text: string): FrontmatterDocument {
  const match = /^\uFEFF?---[ \t]*\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/.exec(text);
  if (match === null) return { data: {}, body: text.trim(), hasFrontmatter: false };
  const parsed: unknown = parseYaml(match[1] ?? '');
  if (parsed !== null && parsed !== undefined && (typeof parsed !== 'object' || Array.isArray(parsed))) {
    throw new Error('the frontmatter must be a YAML mapping (key: value lines)');
  }
  return {
    data: (parsed ?? {}) as Record<string, unknown>,
    body: text.slice(match[0].length).trim(),
    hasFrontmatter: true,
  };
}
