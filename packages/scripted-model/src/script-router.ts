import { ScriptedModelError } from './errors.js';
import { countAssistantMessages } from './request-helpers.js';
import type {
  ScriptedFault,
  ScriptedModelScript,
  ScriptedRequestContext,
  ScriptedRoute,
  ScriptedTurn,
} from './types.js';

/** What the router decided for one request. */
export type RoutedAnswer =
  | { kind: 'turn'; turn: ScriptedTurn; route?: string; turnIndex?: number }
  | { kind: 'fault'; fault: ScriptedFault; turn?: ScriptedTurn; route?: string; turnIndex?: number }
  | { kind: 'none'; message: string; route?: string };

/** Picks the turn (or fault) for each request; holds the per-route progress of one server. */
export interface ScriptRouter {
  /**
   * Decides synchronously where it can, so sequential routes are consumed in arrival order even
   * when a responder function elsewhere is async.
   */
  route(context: ScriptedRequestContext): RoutedAnswer | Promise<RoutedAnswer>;
}

interface RouteState {
  next: number;
  faultsServed: number;
}

/** Builds a router for a script; `fallback` answers requests no route can serve. */
export function createScriptRouter(script: ScriptedModelScript, fallback?: ScriptedTurn): ScriptRouter {
  if (typeof script === 'function') {
    return {
      async route(context) {
        return withAttemptFaults(await script(context), context.attempt, {});
      },
    };
  }
  const routes = normaliseRoutes(script);
  const states: RouteState[] = routes.map(() => ({ next: 0, faultsServed: 0 }));
  return {
    route(context) {
      const position = routes.findIndex((route) => route.match?.(context) ?? true);
      const route = routes[position];
      const state = states[position];
      if (!route || !state) return orFallback(fallback, 'no script route matches this request');
      const name = route.name ?? `#${position}`;
      if (route.progress === 'conversation') {
        const turnIndex = lastIfRepeated(route, countAssistantMessages(context.body));
        const turn = route.turns[turnIndex];
        if (!turn) {
          return orFallback(
            fallback,
            `route ${name} has no turn ${turnIndex} (it has ${route.turns.length})`,
            name,
          );
        }
        return withAttemptFaults(turn, context.attempt, { route: name, turnIndex });
      }
      const turnIndex = lastIfRepeated(route, state.next);
      const turn = route.turns[turnIndex];
      if (!turn)
        return orFallback(fallback, `route ${name} used all of its ${route.turns.length} turns`, name);
      const fault = turn.faults?.[state.faultsServed];
      if (fault) {
        state.faultsServed += 1;
        return { kind: 'fault', fault, turn, route: name, turnIndex };
      }
      state.next = turnIndex + 1;
      state.faultsServed = 0;
      return { kind: 'turn', turn, route: name, turnIndex };
    },
  };
}

/** The turn index to serve: past the end, the last turn when the route repeats it. */
function lastIfRepeated(route: ScriptedRoute, index: number): number {
  return route.repeatLastTurn === true && route.turns.length > 0
    ? Math.min(index, route.turns.length - 1)
    : index;
}

function normaliseRoutes(
  script: Exclude<ScriptedModelScript, (...args: never[]) => unknown>,
): ScriptedRoute[] {
  if (!Array.isArray(script)) return [script];
  if (script.length > 0 && script.every(isRoute)) return script;
  if (script.some(isRoute))
    throw new ScriptedModelError(
      'E_SCRIPT',
      'A script is either a list of turns or a list of routes, not both.',
    );
  return [{ turns: script as ScriptedTurn[] }];
}

function isRoute(value: ScriptedTurn | ScriptedRoute): value is ScriptedRoute {
  return Array.isArray((value as ScriptedRoute).turns);
}

function withAttemptFaults(
  turn: ScriptedTurn,
  attempt: number,
  where: { route?: string; turnIndex?: number },
): RoutedAnswer {
  const fault = turn.faults?.[attempt];
  if (fault) return { kind: 'fault', fault, turn, ...where };
  return { kind: 'turn', turn, ...where };
}

function orFallback(fallback: ScriptedTurn | undefined, message: string, route?: string): RoutedAnswer {
  if (fallback) return { kind: 'turn', turn: fallback, ...(route ? { route } : {}) };
  return { kind: 'none', message: `scripted model: ${message}`, ...(route ? { route } : {}) };
}
