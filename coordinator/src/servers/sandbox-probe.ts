import { spawnSync } from 'node:child_process';
import { findExecutable } from '@meshwork/kit';

/** Whether bubblewrap can start a sandbox on this machine, probed once per coordinator. */
export type SandboxSupport = { available: true; bwrapPath: string } | { available: false; reason: string };

/** How to get a sandbox, or how to opt out: the tail of every fail-closed message. */
export const SANDBOX_REMEDY =
  'Install bubblewrap (Debian/Ubuntu: `apt-get install bubblewrap`; Fedora: `dnf install bubblewrap`; Arch: `pacman -S bubblewrap`) and make sure unprivileged user namespaces are enabled (`sysctl kernel.unprivileged_userns_clone=1`), or opt this server out explicitly with `"sandbox": "none"` on its mcpServers entry (it then runs with the coordinator\'s full access).';

/**
 * Probes bubblewrap: found on `pathValue`, and able to start an empty sandbox with the namespaces
 * every server sandbox uses (a failure here means user namespaces are disabled or bwrap is broken).
 */
export function probeSandbox(pathValue: string | undefined, platform = process.platform): SandboxSupport {
  if (platform !== 'linux')
    return {
      available: false,
      reason: `the OS sandbox uses bubblewrap, which runs on Linux only (this is ${platform})`,
    };
  const bwrapPath = findExecutable('bwrap', pathValue);
  if (bwrapPath === undefined) return { available: false, reason: 'bubblewrap (bwrap) is not on PATH' };
  const probe = spawnSync(
    bwrapPath,
    [
      '--unshare-pid',
      '--unshare-net',
      '--die-with-parent',
      '--ro-bind',
      '/',
      '/',
      '--proc',
      '/proc',
      '--',
      'true',
    ],
    { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  if (probe.status !== 0) {
    const detail = (probe.stderr ?? '').trim() || probe.error?.message || `exit status ${probe.status}`;
    return { available: false, reason: `bubblewrap cannot start a sandbox here (${detail})` };
  }
  return { available: true, bwrapPath };
}
