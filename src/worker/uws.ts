/**
 * The only module that imports uWebSockets.js, so that moving to another
 * build of it is a one-line change. The build used here silently falls back
 * to a slow pure-JS server when its native binding fails to load; refuse to
 * run on that fallback.
 */
import uws from 'uWebSockets.js';
import { TracknumError } from '../errors.js';

export type { HttpRequest, HttpResponse, TemplatedApp, us_listen_socket as ListenSocket } from 'uWebSockets.js';

/** True when the native binding is loaded (the fallback has no SSLApp). */
function isNativeBinding(): boolean {
  return typeof uws.SSLApp === 'function' && typeof uws.us_listen_socket_close === 'function';
}

export function loadUws(): typeof uws {
  if (!isNativeBinding()) {
    throw new TracknumError(
      'UWS_NOT_NATIVE',
      `uWebSockets.js native binding did not load (Node ${process.versions.node}, ABI ${process.versions.modules}, ` +
        `${process.platform}-${process.arch}): it needs glibc and a supported Node version; refusing the slow fallback`,
    );
  }
  return uws;
}
