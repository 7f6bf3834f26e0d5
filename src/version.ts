/**
 * What build this is, for `tracknum_build_info` on /metrics (and `--version`).
 *
 * VERSION is package.json's, written here because no one build reads
 * package.json the same way (the bundle has its own, without a version);
 * test/unit/version.test.ts fails when the two differ. COMMIT is whatever the
 * build or the deployment says in TRACKNUM_COMMIT (the Dockerfile or the unit
 * can set it from `git rev-parse HEAD`), else 'unknown': the service never
 * runs git.
 */
export const VERSION = '0.1.0';

export const COMMIT = process.env['TRACKNUM_COMMIT'] || 'unknown';
