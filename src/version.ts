/**
 * What this build is: the package's version and the git commit it was built
 * from, for `tracknum --version` and the build-info metric.
 *
 * The bundle (scripts/bundle.ts) defines TRACKNUM_VERSION and TRACKNUM_COMMIT
 * (strings) at build time, so the
 * deployed code carries both without a package.json or a .git beside it. Run
 * from the sources or tspc's build, the version is read from the checkout's
 * package.json and the commit is 'unknown': no git is run at start-up.
 */
import { readFileSync } from 'node:fs';

declare const TRACKNUM_VERSION: string | undefined;
declare const TRACKNUM_COMMIT: string | undefined;

function fromCheckout(): { version: string; commit: string } {
  // src/version.ts and dist/version.js both sit one level below package.json.
  const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return { version: manifest.version, commit: 'unknown' };
}

const build =
  typeof TRACKNUM_VERSION === 'undefined' || typeof TRACKNUM_COMMIT === 'undefined'
    ? fromCheckout()
    : { version: TRACKNUM_VERSION, commit: TRACKNUM_COMMIT };

/** The package's version, e.g. 0.1.0. */
export const VERSION: string = build.version;
/** The git commit the bundle was built from (with -dirty for uncommitted changes), or 'unknown'. */
export const COMMIT: string = build.commit;
