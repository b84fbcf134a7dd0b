import { MeshworkError } from '@meshwork/kit/errors';

/** The codes `@meshwork/scripted-model` raises. */
export const SCRIPTED_MODEL_ERROR_CODES = ['E_SCRIPT', 'E_WAIT'] as const;
/** One of {@link SCRIPTED_MODEL_ERROR_CODES}. */
export type ScriptedModelErrorCode = (typeof SCRIPTED_MODEL_ERROR_CODES)[number];

/**
 * A misuse of the scripted model by the code that drives it: a script that mixes turns and routes
 * (`E_SCRIPT`), or model requests awaited that did not come before a timeout or the close (`E_WAIT`). Faults the script
 * serves are HTTP answers, never this.
 */
export class ScriptedModelError extends MeshworkError<ScriptedModelErrorCode> {}
