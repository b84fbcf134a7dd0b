import type { ToolContext } from '@meshwork/kit';

const FLUSH_MS = 100;
const MAX_MESSAGE_BYTES = 16 * 1024;
const MAX_STREAMED_BYTES = 1024 * 1024;

/** Streams command output to the client as progress notifications, batched and capped. */
export interface ProgressStream {
  push(stream: 'stdout' | 'stderr', chunk: Buffer): void;
  /** Sends what is pending; call before returning the result so notifications come first. */
  flush(): Promise<void>;
}

/**
 * Returns a progress stream when the client sent a progress token, else undefined. Output is sent
 * at most every 100 ms; `progress` is the byte count so far (always increasing). After 1 MiB the
 * stream stops and says so: the result still has the head, the tail and the file.
 */
export function createProgressStream(context: ToolContext): ProgressStream | undefined {
  if (context.request.mcpReq._meta?.progressToken === undefined) return undefined;
  let pending = '';
  let total = 0;
  let streamed = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let sending: Promise<void> = Promise.resolve();

  const send = (message: string) => {
    const progress = total;
    sending = sending.then(() => context.sendProgress(progress, undefined, message)).catch(() => undefined);
  };
  const flushNow = () => {
    timer = undefined;
    if (pending === '') return;
    const message =
      pending.length > MAX_MESSAGE_BYTES
        ? `${pending.slice(0, MAX_MESSAGE_BYTES)}\n[… progress message cut …]\n`
        : pending;
    pending = '';
    send(message);
  };
  return {
    push(_stream, chunk) {
      total += chunk.length;
      if (stopped) return;
      streamed += chunk.length;
      if (streamed > MAX_STREAMED_BYTES) {
        stopped = true;
        pending += '\n[… output continues; streaming stopped after 1 MiB, see the result …]\n';
      } else {
        pending += chunk.toString('utf8');
      }
      timer ??= setTimeout(flushNow, FLUSH_MS);
    },
    async flush() {
      if (timer) clearTimeout(timer);
      flushNow();
      await sending;
    },
  };
}
