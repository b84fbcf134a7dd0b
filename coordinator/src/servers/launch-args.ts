import {
  deriveLaunchLimits,
  type LaunchLimits,
  type Profile,
  renderLaunchFlags,
  unreachableReason,
} from '@meshwork/permissions';
import type { ServerConfig } from '../config/types.js';

/** The launch arguments of one (server, profile) pair. */
export interface LaunchArgs {
  /** The configured arguments, then the flags of the profile's launch limits. */
  args: string[];
  /** The limits derived from the profile (kind `none` for memory and third-party servers). */
  limits: LaunchLimits;
  /** Set when the limits leave the server nothing to do: it must not be attached. */
  unreachable?: string;
}

/**
 * The arguments `server` is launched with for `profile`: its configured arguments with the
 * profile's launch limits appended as `--limit-*` flags (rendered by `@meshwork/permissions`). The
 * server itself intersects its configured launch with them, so a profile can never widen it, and
 * the coordinator never has to read the configured arguments. A limit the server's own flags make
 * empty is refused by the server when it starts.
 */
export function launchArgsFor(server: ServerConfig, args: readonly string[], profile: Profile): LaunchArgs {
  const limits = deriveLaunchLimits(
    profile,
    server.name,
    server.kind === undefined ? {} : { kind: server.kind },
  );
  const unreachable = unreachableReason(limits);
  if (unreachable !== undefined)
    return { args: [...args], limits, unreachable: `for this profile, ${unreachable}` };
  return { args: [...args, ...renderLaunchFlags(limits)], limits };
}
