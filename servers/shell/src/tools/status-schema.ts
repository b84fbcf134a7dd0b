import { z } from 'zod';

/** The status of a background process, as every process tool reports it. */
export const processStatusSchema = z.object({
  id: z.string(),
  command: z.string(),
  pid: z.number().int().optional(),
  cwd: z.string(),
  state: z.enum(['running', 'exited']),
  exit_code: z.number().int().nullable(),
  signal: z.string().nullable(),
  timed_out: z.boolean(),
  stopped: z.boolean(),
  started_at: z.string(),
  duration_ms: z.number(),
  output_bytes: z.number().int(),
  output_file: z.string(),
});

/** Plain-object copy without undefined fields (structured content must be JSON). */
export function toStatusOutput<T extends { pid: number | undefined }>(
  status: T,
): Omit<T, 'pid'> & { pid?: number } {
  const { pid, ...rest } = status;
  return pid === undefined ? rest : { ...rest, pid };
}
