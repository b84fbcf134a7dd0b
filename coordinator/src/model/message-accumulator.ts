import type { Message, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { CoordinatorError } from '../errors.js';

/** Builds the final {@link Message} from the raw events of one streamed reply. */
export interface MessageAccumulator {
  /** Applies one event; `onText` sees each text delta as it arrives. */
  push(event: RawMessageStreamEvent): void;
  /** The complete message; throws when the stream ended before `message_stop`. */
  finish(): Message;
}

/** A stream that ended early or carried a tool input that is not JSON; retried like a broken stream. */
export class IncompleteStreamError extends CoordinatorError {
  constructor(message: string) {
    super('E_STREAM_INCOMPLETE', message);
  }
}

interface MutableBlock {
  type: string;
  text?: string;
  thinking?: string;
  signature?: string;
  citations?: unknown[] | null;
  input?: unknown;
}

/**
 * Creates an accumulator. Why not the SDK's `messages.stream()`: its MessageStream re-parses a tool
 * call's whole partial JSON input on every `input_json_delta` (to offer partial inputs we never
 * read), which is quadratic in the size of the input, and its event emitter costs more than the
 * rest of a turn's bookkeeping. Here the input is parsed once, when its block stops.
 */
export function createMessageAccumulator(onText?: (text: string) => void): MessageAccumulator {
  let message: Message | undefined;
  let stopped = false;
  const partialInputs = new Map<number, string>();
  const blockAt = (index: number): MutableBlock => {
    const block = message?.content[index] as MutableBlock | undefined;
    if (!block)
      throw new IncompleteStreamError(
        `The stream sent a delta for content block ${index}, which never started.`,
      );
    return block;
  };
  return {
    push(event) {
      switch (event.type) {
        case 'message_start':
          message = { ...event.message, content: [...event.message.content] };
          break;
        case 'content_block_start':
          if (!message)
            throw new IncompleteStreamError('The stream sent a content block before message_start.');
          message.content[event.index] = { ...event.content_block } as Message['content'][number];
          break;
        case 'content_block_delta': {
          const block = blockAt(event.index);
          const delta = event.delta;
          if (delta.type === 'text_delta') {
            block.text = (block.text ?? '') + delta.text;
            onText?.(delta.text);
          } else if (delta.type === 'input_json_delta') {
            partialInputs.set(event.index, (partialInputs.get(event.index) ?? '') + delta.partial_json);
          } else if (delta.type === 'thinking_delta') {
            block.thinking = (block.thinking ?? '') + delta.thinking;
          } else if (delta.type === 'signature_delta') {
            block.signature = delta.signature;
          } else if (delta.type === 'citations_delta') {
            block.citations = [...(block.citations ?? []), delta.citation];
          }
          break;
        }
        case 'content_block_stop': {
          const json = partialInputs.get(event.index);
          if (json === undefined) break;
          partialInputs.delete(event.index);
          const block = blockAt(event.index);
          try {
            block.input = json === '' ? {} : JSON.parse(json);
          } catch {
            throw new IncompleteStreamError(
              `The tool input of content block ${event.index} is not valid JSON.`,
            );
          }
          break;
        }
        case 'message_delta': {
          if (!message)
            throw new IncompleteStreamError('The stream sent message_delta before message_start.');
          message.stop_reason = event.delta.stop_reason;
          message.stop_sequence = event.delta.stop_sequence;
          const usage = event.usage as Partial<Message['usage']>;
          for (const key of Object.keys(usage) as Array<keyof Message['usage']>) {
            const value = usage[key];
            if (value !== null && value !== undefined)
              (message.usage as unknown as Record<string, unknown>)[key] = value;
          }
          break;
        }
        case 'message_stop':
          stopped = true;
          break;
      }
    },
    finish() {
      if (!message || !stopped)
        throw new IncompleteStreamError('The stream ended before the message was complete.');
      return message;
    },
  };
}
