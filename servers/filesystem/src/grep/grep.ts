import type { PathConfinement } from '../confinement/path-confinement.js';
import type { Root } from '../confinement/roots.js';
import { verifyOpenedPath } from '../confinement/safe-open.js';
import { walk } from '../walk/walk.js';
import { createGlobFilter } from './filters.js';
import type { CompiledPattern } from './pattern.js';
import { type FileScan, scanFile } from './scan-file.js';

/** What grep reports per result. */
export type GrepMode = 'content' | 'files_with_matches' | 'count';

/** One result: a matching line, a matching file, or a file's count. */
export interface GrepHit {
  path: string;
  line?: number;
  column?: number;
  text?: string;
  count?: number;
}

/** A resume position: a file (segments relative to the start) and results to skip in it. */
export interface GrepPosition {
  file: string[];
  skip: number;
}

/** Inputs of {@link runGrep}. */
export interface GrepRequest {
  confinement: PathConfinement;
  root: Root;
  /** Real path of the directory or file searched. */
  start: string;
  /** The start as the client named it; results are shown under it. */
  display: string;
  startIsFile: boolean;
  pattern: CompiledPattern;
  mode: GrepMode;
  include: readonly string[];
  exclude: readonly string[];
  gitignore: boolean;
  maxResults: number;
  resume: GrepPosition | undefined;
  /** Stop scanning after this long and return a cursor. */
  timeBudgetMs: number;
  /** Files read at once. */
  concurrency: number;
  chunkBytes: number;
  signal: AbortSignal | undefined;
}

/** What {@link runGrep} found. */
export interface GrepOutcome {
  hits: GrepHit[];
  /** Where to resume, when more results may exist. */
  next: GrepPosition | undefined;
  filesScanned: number;
  binaryFilesSkipped: number;
  timedOut: boolean;
}

interface Pending {
  segments: string[];
  display: string;
  real: string;
  skip: number;
  buffer: Buffer;
  scan: Promise<FileScan>;
}

/**
 * Searches files in walk order, reading up to `concurrency` files at once but emitting results
 * strictly in order, so a cursor (file + results to skip) resumes exactly. Collects one result
 * beyond the cap to know whether more exist. Before any line of a file is revealed, the open
 * descriptor is checked to be that file inside the roots (a swapped symlink is dropped).
 */
export async function runGrep(request: GrepRequest): Promise<GrepOutcome> {
  const deadline = Date.now() + request.timeBudgetMs;
  const needed = request.maxResults + 1;
  const hits: Array<{ hit: GrepHit; position: GrepPosition }> = [];
  const outcome: GrepOutcome = {
    hits: [],
    next: undefined,
    filesScanned: 0,
    binaryFilesSkipped: 0,
    timedOut: false,
  };
  const include = createGlobFilter(request.include);
  const exclude = createGlobFilter(request.exclude);
  const freeBuffers: Buffer[] = [];
  const takeBuffer = (): Buffer => freeBuffers.pop() ?? Buffer.allocUnsafe(request.chunkBytes);
  const inFlight: Pending[] = [];
  let timeUpAt: GrepPosition | undefined;

  const limitFor = (skip: number): number =>
    request.mode === 'content'
      ? skip + needed
      : request.mode === 'files_with_matches'
        ? 1
        : Number.POSITIVE_INFINITY;

  const schedule = (segments: string[], display: string, real: string, skip: number): void => {
    const buffer = takeBuffer();
    const scan = scanFile(real, request.pattern, {
      limit: limitFor(skip),
      collectText: request.mode === 'content',
      buffer,
    });
    inFlight.push({ segments, display, real, skip, buffer, scan });
  };

  const settle = async (item: Pending): Promise<void> => {
    const scan = await item.scan;
    freeBuffers.push(item.buffer);
    outcome.filesScanned += 1;
    if (scan.status === 'binary') outcome.binaryFilesSkipped += 1;
    if (!scan.handle) return;
    try {
      verifyOpenedPath(request.confinement, scan.handle.fd, item.real, item.display);
    } catch {
      return; // the file changed under us (a symlink swapped in): reveal nothing from it
    } finally {
      await scan.handle.close().catch(() => {});
    }
    if (hits.length >= needed) return;
    if (request.mode === 'content') {
      scan.matches.forEach((match, index) => {
        if (index < item.skip || hits.length >= needed) return;
        hits.push({
          hit: { path: item.display, line: match.line, column: match.column, text: match.text },
          position: { file: item.segments, skip: index },
        });
      });
    } else {
      hits.push({
        hit: request.mode === 'count' ? { path: item.display, count: scan.count } : { path: item.display },
        position: { file: item.segments, skip: 0 },
      });
    }
  };

  if (request.startIsFile) {
    schedule([], request.display, request.start, request.resume?.skip ?? 0);
  } else {
    const resume = request.resume;
    const entries = walk({
      confinement: request.confinement,
      root: request.root,
      start: request.start,
      gitignore: request.gitignore,
      ...(resume ? { resumeFrom: { segments: resume.file, inclusive: true } } : {}),
      ...(exclude ? { pruneDirectory: exclude } : {}),
      ...(request.signal ? { signal: request.signal } : {}),
    });
    for await (const entry of entries) {
      if (entry.kind !== 'file') continue;
      if (include && !include(entry.relative, entry.name)) continue;
      if (exclude?.(entry.relative, entry.name)) continue;
      const segments = entry.relative.split('/');
      if (Date.now() > deadline || request.signal?.aborted) {
        timeUpAt = { file: segments, skip: 0 };
        outcome.timedOut = true;
        break;
      }
      const isResumeFile = resume !== undefined && entry.relative === resume.file.join('/');
      schedule(segments, `${request.display}/${entry.relative}`, entry.real, isResumeFile ? resume.skip : 0);
      if (inFlight.length >= request.concurrency) await settle(inFlight.shift()!);
      if (hits.length >= needed) break;
    }
  }
  // Drain in order; once enough results are in, the rest is only closed.
  while (inFlight.length > 0) await settle(inFlight.shift()!);

  if (hits.length > request.maxResults) {
    outcome.next = hits[request.maxResults]!.position;
    hits.length = request.maxResults;
  } else if (timeUpAt) {
    outcome.next = timeUpAt;
  }
  outcome.hits = hits.map((entry) => entry.hit);
  return outcome;
}
