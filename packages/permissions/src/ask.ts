import type { AskQuestion, Decision, ResolveAskOptions } from './types.js';

/** Builds the question shown to the user for an `ask` decision. */
export function askQuestionFor(decision: Decision): AskQuestion {
  const subjects = decision.subjects;
  const on =
    subjects === undefined || subjects.length === 0
      ? ''
      : ` on ${subjects.map((subject) => JSON.stringify(subject)).join(', ')}`;
  const by = decision.rule === undefined ? '' : ` (rule: ${decision.rule})`;
  const question: AskQuestion = {
    server: decision.server,
    tool: decision.tool,
    message: `Allow ${decision.server}:${decision.tool}${on}?${by}`,
  };
  if (subjects !== undefined) question.subjects = subjects;
  if (decision.rule !== undefined) question.rule = decision.rule;
  return question;
}

/**
 * Turns an `ask` decision into `allow` or `deny`; other decisions come back unchanged.
 *
 * Without a person to ask (`interactive: false`, or no `prompt`) an ask is a deny. Otherwise the
 * decision follows `prompt`: only a resolved `true` approves; `false`, any other value, or a
 * rejection denies. The prompt must reach the user, never an agent: the approval is the user's.
 */
export async function resolveAsk(decision: Decision, options: ResolveAskOptions): Promise<Decision> {
  if (decision.effect !== 'ask') return decision;
  const name = `${decision.server}:${decision.tool}`;
  if (!options.interactive || options.prompt === undefined) {
    return {
      ...decision,
      effect: 'deny',
      reason: `${name} needs the user's approval${decision.rule ? ` (rule "${decision.rule}")` : ''}, and no one can be asked in a non-interactive run; the call is denied`,
    };
  }
  let answer: unknown;
  try {
    answer = await options.prompt(askQuestionFor(decision));
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return {
      ...decision,
      effect: 'deny',
      reason: `asking the user about ${name} failed (${detail}); the call is denied`,
    };
  }
  if (answer === true) return { ...decision, effect: 'allow', reason: `the user approved ${name}` };
  return { ...decision, effect: 'deny', reason: `the user declined ${name}` };
}
