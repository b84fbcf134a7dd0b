import { createTwoFilesPatch } from 'diff';
import { FilesystemError } from '../errors.js';

/** One replacement of edit_file. */
export interface TextEdit {
  oldText: string;
  newText: string;
}

function toLf(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

/**
 * Applies edits in order with the reference server's rules: the first exact occurrence of
 * `oldText` is replaced; failing that, a run of lines that matches after trimming whitespace is
 * replaced, keeping the original indentation. Unlike the reference, a file that used CRLF line
 * endings keeps them.
 */
export function applyEdits(original: string, edits: readonly TextEdit[]): string {
  const crlf = original.includes('\r\n') && !/(^|[^\r])\n/.test(original);
  let content = toLf(original);
  for (const edit of edits) {
    const oldText = toLf(edit.oldText);
    const newText = toLf(edit.newText);
    if (content.includes(oldText)) {
      content = content.replace(oldText, () => newText);
      continue;
    }
    const oldLines = oldText.split('\n');
    const contentLines = content.split('\n');
    let matched = false;
    for (let start = 0; start <= contentLines.length - oldLines.length; start += 1) {
      const window = contentLines.slice(start, start + oldLines.length);
      if (!oldLines.every((line, index) => line.trim() === window[index]?.trim())) continue;
      const originalIndent = contentLines[start]?.match(/^\s*/)?.[0] ?? '';
      const newLines = newText.split('\n').map((line, index) => {
        if (index === 0) return originalIndent + line.trimStart();
        const oldIndent = oldLines[index]?.match(/^\s*/)?.[0] ?? '';
        const newIndent = line.match(/^\s*/)?.[0] ?? '';
        if (oldIndent && newIndent) {
          return (
            originalIndent + ' '.repeat(Math.max(0, newIndent.length - oldIndent.length)) + line.trimStart()
          );
        }
        return line;
      });
      contentLines.splice(start, oldLines.length, ...newLines);
      content = contentLines.join('\n');
      matched = true;
      break;
    }
    if (!matched) {
      throw new FilesystemError(
        'E_NO_MATCH',
        `Could not find exact match for edit:\n${edit.oldText}\nRead the file again and copy the text to replace exactly. Nothing was written.`,
      );
    }
  }
  return crlf ? content.replace(/\n/g, '\r\n') : content;
}

/** The unified diff the reference returns: fenced with enough backticks to survive the content. */
export function formatDiff(original: string, modified: string, filePath: string): string {
  const diff = createTwoFilesPatch(
    filePath,
    filePath,
    toLf(original),
    toLf(modified),
    'original',
    'modified',
  );
  let fence = 3;
  while (diff.includes('`'.repeat(fence))) fence += 1;
  const ticks = '`'.repeat(fence);
  return `${ticks}diff\n${diff}${ticks}\n\n`;
}
