/** What the index and readers take from one transcript line. */
export interface EntryFields {
  /** Milliseconds since the epoch, or `null` when the line has no readable timestamp. */
  timestamp: number | null;
  role: string | null;
  /** The searchable text of the entry. */
  text: string;
  /** The transcript scope the entry was appended under (see `--limit-transcript-profile`), or `null`. */
  profile: string | null;
}

/**
 * Reads the fields of a parsed transcript line. Our own lines are `{ts, role, content}`; other
 * shapes (for example `{timestamp, type, message: {role, content}}`) are read best-effort, and
 * non-string content is searched as JSON.
 */
export function entryFields(value: unknown): EntryFields {
  if (typeof value !== 'object' || value === null)
    return { timestamp: null, role: null, text: String(value), profile: null };
  const record = value as Record<string, unknown>;
  const message =
    typeof record.message === 'object' && record.message !== null
      ? (record.message as Record<string, unknown>)
      : undefined;
  const rawTime = record.ts ?? record.timestamp ?? record.time;
  const parsed =
    typeof rawTime === 'number' ? rawTime : typeof rawTime === 'string' ? Date.parse(rawTime) : Number.NaN;
  const role = record.role ?? message?.role ?? record.type;
  const content = record.content ?? message?.content;
  return {
    timestamp: Number.isFinite(parsed) ? parsed : null,
    role: typeof role === 'string' ? role : null,
    text: typeof content === 'string' ? content : JSON.stringify(content ?? record),
    profile: typeof record.profile === 'string' ? record.profile : null,
  };
}
