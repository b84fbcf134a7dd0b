/**
 * The offset of the first syntax error in `text`, which is not valid JSON, or `text.length` when
 * it ends early. JSON.parse on Node 20 names no position for most errors ("Unexpected token"), so
 * a plan file's error is located by this small scanner instead.
 */
export function jsonErrorOffset(text: string): number {
  let index = 0;
  const fail = (): never => {
    throw index;
  };
  const space = () => {
    while (/\s/.test(text[index] ?? '')) index += 1;
  };
  const literal = (word: string) => {
    for (const character of word) {
      if (text[index] !== character) fail();
      index += 1;
    }
  };
  const string = () => {
    index += 1;
    for (;;) {
      const character = text[index];
      if (character === undefined || character === '\n') fail();
      index += 1;
      if (character === '"') return;
      if (character === '\\') index += 1;
    }
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(index));
    if (!match) fail();
    index += match![0].length;
  };
  const list = (close: string, item: () => void) => {
    index += 1;
    space();
    if (text[index] === close) {
      index += 1;
      return;
    }
    for (;;) {
      item();
      space();
      if (text[index] === close) {
        index += 1;
        return;
      }
      if (text[index] !== ',') fail();
      index += 1;
    }
  };
  const value = (): void => {
    space();
    const character = text[index];
    if (character === '{')
      list('}', () => {
        space();
        if (text[index] !== '"') fail();
        string();
        space();
        if (text[index] !== ':') fail();
        index += 1;
        value();
      });
    else if (character === '[') list(']', value);
    else if (character === '"') string();
    else if (character === 't') literal('true');
    else if (character === 'f') literal('false');
    else if (character === 'n') literal('null');
    else number();
  };
  try {
    value();
    space();
    if (index < text.length) fail();
  } catch (offset) {
    if (typeof offset === 'number') return Math.min(offset, text.length);
    throw offset;
  }
  return text.length;
}
