import { ShellError } from '../errors.js';

/**
 * Thrown while analysing a command line when some part cannot be fully resolved or is never
 * allowed. The policy fails closed: any refusal denies the whole line.
 */
export class Refusal extends ShellError {
  constructor(message: string) {
    super('E_REFUSED', message);
  }
}
