import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { ConfigError, messageOf } from '../errors.js';

const blockSchema = z.union([
  z.strictObject({ type: z.literal('text'), text: z.string() }),
  z.strictObject({
    type: z.literal('tool_use'),
    name: z.string().min(1),
    input: z.record(z.string(), z.unknown()),
  }),
]);

const turnSchema = z.strictObject({
  content: z.array(blockSchema).min(1),
  stop_reason: z.enum(['end_turn', 'tool_use', 'max_tokens', 'stop_sequence']).optional(),
});

const routeSchema = z.strictObject({
  name: z.string().optional(),
  /** Matches the agent name the coordinator sends in `x-meshwork-agent`, and/or text in the system prompt. */
  match: z.strictObject({ agent: z.string().optional(), systemIncludes: z.string().optional() }).optional(),
  turns: z.array(turnSchema).min(1),
});

/** A bundled offline script: routes of turns; a conversation's turn = its number of assistant messages. */
export const offlineScriptSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  routes: z.array(routeSchema).min(1),
});

/** A parsed offline script. */
export type OfflineScript = z.infer<typeof offlineScriptSchema>;
/** One scripted reply. */
export type OfflineTurn = z.infer<typeof turnSchema>;

/** Reads and validates an offline script file. */
export async function loadOfflineScript(path: string): Promise<OfflineScript> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(path, '(file)', `expected a readable JSON offline script (${messageOf(error)})`);
  }
  const parsed = offlineScriptSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      path,
      issue?.path.join('.') || '(root)',
      issue?.message ?? 'invalid offline script',
    );
  }
  return parsed.data;
}
