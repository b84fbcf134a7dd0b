import type { UnavailableServer } from '../report/types.js';

/**
 * What an agent is told at its start about the servers it should have had but does not: their
 * tools are missing, so it must not pretend to have used them, and it says so in its answer.
 */
export function unavailableServersNote(servers: readonly UnavailableServer[]): string {
  return [
    '# Servers that failed to start',
    'These servers of your profile could not be attached, so their tools are missing from your tool list:',
    ...servers.map(({ server, reason }) => `- ${server}: ${reason}`),
    'Do the task with the tools you have. If it needs the missing ones, say so in your answer, naming the server; do not claim work you could not do.',
  ].join('\n');
}
