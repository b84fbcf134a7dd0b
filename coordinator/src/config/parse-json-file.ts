import { ConfigError, messageOf } from '../errors.js';

/** 1-based line and column of a character offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * Parses a JSON file's text; a syntax error is a {@link ConfigError} that gives the line and
 * column (not V8's "at position 45") and the text there.
 */
export function parseJsonFile(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = messageOf(error);
    const position = /at position (\d+)/.exec(message);
    const reason = message
      .replace(/\s*\(line \d+ column \d+\)/, '')
      .replace(/\s*in JSON at position \d+/, '')
      .replace(/^Unexpected end of JSON input$/, 'the file ends too early (a missing } or ])');
    let where = '';
    if (position !== null) {
      const offset = Number(position[1]);
      const { line, column } = lineAndColumn(text, offset);
      const lineText = text.split('\n')[line - 1]?.trim() ?? '';
      where = ` at line ${line}, column ${column} (${JSON.stringify(lineText.slice(0, 80))})`;
    }
    throw new ConfigError(
      file,
      '(file)',
      `not valid JSON${where}: ${reason}; fix the syntax there (a missing comma or quote, a trailing comma, or a comment, which JSON does not allow)`,
      { cause: error },
    );
  }
}
