import { basename } from 'node:path';
import { Refusal } from './refusal.js';
import type { ResolvedWord } from './words.js';

/** One wrapper removed for matching, e.g. `timeout 5`. */
export interface StrippedWrapper {
  name: string;
  /** The wrapper words, e.g. `timeout -s KILL 5`. */
  text: string;
}

interface WrapperSpec {
  /** Long options that take a value (as `--x=v` or `--x v`). */
  longWithValue: readonly string[];
  longFlags: readonly string[];
  /** Short options that take a value (attached or as the next word). */
  shortWithValue: string;
  shortFlags: string;
  /** Positional operands before the command (timeout's DURATION). */
  operands: number;
  /** `nice -10 cmd`: a numeric short option is an adjustment. */
  numericOption?: boolean;
  /** nice with no command prints its niceness; timeout and nohup need a command. */
  commandOptional?: boolean;
}

const WRAPPERS: Record<string, WrapperSpec> = {
  timeout: {
    longWithValue: ['--signal', '--kill-after'],
    longFlags: ['--preserve-status', '--foreground', '--verbose'],
    shortWithValue: 'sk',
    shortFlags: 'v',
    operands: 1,
  },
  nice: {
    longWithValue: ['--adjustment'],
    longFlags: [],
    shortWithValue: 'n',
    shortFlags: '',
    operands: 0,
    numericOption: true,
    commandOptional: true,
  },
  nohup: { longWithValue: [], longFlags: [], shortWithValue: '', shortFlags: '', operands: 0 },
};

/** True when `word` names one of the wrappers stripped for matching (timeout, nice, nohup). */
export function isWrapper(name: string): boolean {
  return Object.hasOwn(WRAPPERS, basename(name));
}

/**
 * Removes leading `timeout`/`nice`/`nohup` wrappers (nested ones too) so rules see the command they
 * run. The wrappers still run. A wrapper whose options cannot be read is refused.
 */
export function stripWrappers(words: readonly ResolvedWord[]): {
  inner: ResolvedWord[];
  wrappers: StrippedWrapper[];
} {
  let current = [...words];
  const wrappers: StrippedWrapper[] = [];
  for (;;) {
    const name = current[0] ? basename(current[0].value) : '';
    const spec = WRAPPERS[name];
    if (!spec) break;
    const start = skipWrapperOptions(current, spec, name);
    if (start >= current.length) {
      if (spec.commandOptional) break;
      throw new Refusal(`${name} is missing the command it should run`);
    }
    wrappers.push({
      name,
      text: current
        .slice(0, start)
        .map((word) => word.text)
        .join(' '),
    });
    current = current.slice(start);
  }
  return { inner: current, wrappers };
}

function skipWrapperOptions(words: readonly ResolvedWord[], spec: WrapperSpec, name: string): number {
  let index = 1;
  for (; index < words.length; index += 1) {
    const word = words[index]!;
    if (word.glob) throw new Refusal(`glob characters in the options of ${name} cannot be checked`);
    const value = word.value;
    if (value === '--') {
      index += 1;
      break;
    }
    if (!value.startsWith('-') || value === '-') break;
    if (value.startsWith('--')) {
      const [option] = value.split('=', 1) as [string];
      if (spec.longFlags.includes(option)) continue;
      if (spec.longWithValue.includes(option)) {
        if (!value.includes('=')) index += 1;
        continue;
      }
      throw new Refusal(
        `${name} option ${value} is not understood, so the command it wraps cannot be checked`,
      );
    }
    if (spec.numericOption && /^-\d+$/.test(value)) continue;
    index = skipShortCluster(words, index, spec, name);
  }
  for (let operand = 0; operand < spec.operands; operand += 1) {
    if (index >= words.length) throw new Refusal(`${name} is missing its operands`);
    if (words[index]!.glob) throw new Refusal(`glob characters in the operands of ${name} cannot be checked`);
    index += 1;
  }
  return index;
}

function skipShortCluster(
  words: readonly ResolvedWord[],
  index: number,
  spec: WrapperSpec,
  name: string,
): number {
  const value = words[index]!.value;
  for (let position = 1; position < value.length; position += 1) {
    const letter = value[position]!;
    if (spec.shortFlags.includes(letter)) continue;
    if (spec.shortWithValue.includes(letter)) return position === value.length - 1 ? index + 1 : index;
    throw new Refusal(
      `${name} option -${letter} is not understood, so the command it wraps cannot be checked`,
    );
  }
  return index;
}
