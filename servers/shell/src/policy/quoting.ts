const BARE_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what we look for
const NEEDS_ANSI_C = /[\u0000-\u001f\u007f]/;

/**
 * Quotes `value` so that bash reads it back as exactly one word with exactly this value, and so
 * that the text stays on one line (control characters use `$'…'`). Plain words stay bare.
 */
export function quoteWord(value: string): string {
  if (value !== '' && BARE_SAFE.test(value)) return value;
  if (NEEDS_ANSI_C.test(value)) return ansiCQuote(value);
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** Always quotes (used for command names, which must never be read as keywords or assignments). */
export function quoteAlways(value: string): string {
  if (NEEDS_ANSI_C.test(value)) return ansiCQuote(value);
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** True when `value` would be written bare by {@link quoteWord}. */
export function isBareSafe(value: string): boolean {
  return value !== '' && BARE_SAFE.test(value);
}

function ansiCQuote(value: string): string {
  let out = "$'";
  for (const character of value) {
    const code = character.codePointAt(0)!;
    if (character === '\\') out += '\\\\';
    else if (character === "'") out += "\\'";
    else if (character === '\n') out += '\\n';
    else if (character === '\t') out += '\\t';
    else if (character === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += character;
  }
  return `${out}'`;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  e: '\x1b',
  E: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '?': '?',
};

/**
 * Decodes the body of a bash ANSI-C string (`$'…'`). Returns undefined when the result would hold
 * a NUL byte (bash silently truncates there), so the caller can refuse.
 */
export function decodeAnsiC(body: string): string | undefined {
  let out = '';
  for (let index = 0; index < body.length; index += 1) {
    const character = body[index]!;
    if (character !== '\\' || index === body.length - 1) {
      out += character;
      continue;
    }
    const next = body[index + 1]!;
    index += 1;
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      continue;
    }
    const numeric = readNumericEscape(body, index);
    if (numeric) {
      if (numeric.code === 0) return undefined;
      out += String.fromCodePoint(numeric.code);
      index = numeric.end - 1;
      continue;
    }
    if (next === 'c' && index + 1 < body.length) {
      const code = body.charCodeAt(index + 1) & 0x1f;
      if (code === 0) return undefined;
      out += String.fromCharCode(code);
      index += 1;
      continue;
    }
    out += `\\${next}`;
  }
  return out;
}

function readNumericEscape(body: string, at: number): { code: number; end: number } | undefined {
  const kind = body[at]!;
  const forms: Record<string, { pattern: RegExp; radix: number; skip: number }> = {
    x: { pattern: /^[0-9a-fA-F]{1,2}/, radix: 16, skip: 1 },
    u: { pattern: /^[0-9a-fA-F]{1,4}/, radix: 16, skip: 1 },
    U: { pattern: /^[0-9a-fA-F]{1,8}/, radix: 16, skip: 1 },
  };
  const form =
    forms[kind] ?? (/[0-7]/.test(kind) ? { pattern: /^[0-7]{1,3}/, radix: 8, skip: 0 } : undefined);
  if (!form) return undefined;
  const digits = form.pattern.exec(body.slice(at + form.skip))?.[0];
  if (!digits) return undefined;
  const code = Number.parseInt(digits, form.radix);
  if (code > 0x10ffff) return undefined;
  return { code: kind === 'x' || form.radix === 8 ? code & 0xff : code, end: at + form.skip + digits.length };
}
