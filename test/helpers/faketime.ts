/**
 * libfaketime (Debian's faketime package), to run a service with its wall
 * clock shifted or stepped. The monotonic clock stays real, as it is on a
 * host whose wall clock is simply wrong.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';

const LIBFAKETIME_PATHS = ['x86_64', 'aarch64'].map((arch) => `/usr/lib/${arch}-linux-gnu/faketime/libfaketime.so.1`);
export const LIBFAKETIME = LIBFAKETIME_PATHS.find((path) => existsSync(path)) ?? LIBFAKETIME_PATHS[0]!;

export function requireFaketime(): void {
  assert.ok(
    existsSync(LIBFAKETIME),
    `libfaketime is missing (${LIBFAKETIME_PATHS.join(' or ')}): install it with "apt-get install -y faketime" (scripts/install-test-tools.sh does)`,
  );
}

/** Environment for a process whose wall clock is off by `offset` (libfaketime syntax, e.g. '+2m', '-1h'). */
export function shiftedClockEnv(offset: string): Record<string, string> {
  requireFaketime();
  return { LD_PRELOAD: LIBFAKETIME, FAKETIME: offset, FAKETIME_DONT_FAKE_MONOTONIC: '1' };
}
