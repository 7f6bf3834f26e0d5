#!/usr/bin/env bash
# Builds tracknum from this checkout and installs it as a systemd service.
#
#   scripts/install.sh [--prefix DIR] [--bindir DIR] [--destdir DIR] [--node PATH] [--no-enable] [--start]
#
#   --prefix DIR   where the service lives (default /opt/tracknum): dist/ (the bundle: `npm run bundle`, about
#                  9 MB, no node_modules), libexec/wait-ready.mjs
#   --bindir DIR   where the tracknum command goes (default /usr/local/bin)
#   --destdir DIR  staging root for packages and tests: every path is written under DIR, systemctl is not run
#   --node PATH    node to run the service with (default: `command -v node`); its absolute path goes in the unit
#   --no-enable    do not run systemctl (daemon-reload, enable)
#   --start        also (re)start the service now and wait until it is ready
#
# Also installs the tracknum command (a wrapper running this node on dist/main.js),
# /etc/systemd/system/tracknum.service and /etc/tracknum/tracknum.env.example, and creates
# /etc/tracknum/tracknum.env from the example only when it does not exist (operator settings are never
# overwritten). Safe to run again: it replaces the installed code, command and unit, and nothing else.
set -euo pipefail
umask 022

die() {
  echo "install: $*" >&2
  exit 1
}
say() { echo "install: $*"; }

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
prefix=/opt/tracknum
bindir=/usr/local/bin
destdir=
node=
enable=1
start=0
while [ $# -gt 0 ]; do
  case "$1" in
    --prefix) [ $# -ge 2 ] || die "--prefix needs a directory"; prefix=$2; shift 2 ;;
    --bindir) [ $# -ge 2 ] || die "--bindir needs a directory"; bindir=$2; shift 2 ;;
    --destdir) [ $# -ge 2 ] || die "--destdir needs a directory"; destdir=$2; shift 2 ;;
    --node) [ $# -ge 2 ] || die "--node needs a path"; node=$2; shift 2 ;;
    --no-enable) enable=0; shift ;;
    --start) start=1; shift ;;
    -h | --help) sed -n '2,17s/^# \{0,1\}//p' "$0"; exit 0 ;;
    *) die "unknown option $1 (see --help)" ;;
  esac
done

case "$prefix" in /*) ;; *) die "--prefix must be an absolute path, got $prefix" ;; esac
prefix=${prefix%/}
[ -n "$prefix" ] || die "--prefix must not be /"
case "$bindir" in /*) ;; *) die "--bindir must be an absolute path, got $bindir" ;; esac
bindir=${bindir%/}
if [ -n "$destdir" ]; then
  mkdir -p "$destdir"
  destdir=$(cd "$destdir" && pwd)
  if [ "$start" -eq 1 ]; then die "--start cannot be used with --destdir"; fi
  enable=0
elif [ "$start" -eq 1 ] && [ "$enable" -eq 0 ]; then
  die "--start needs systemctl: drop --no-enable"
elif [ "$(id -u)" -ne 0 ]; then
  die "run as root to install into / (or use --destdir DIR to stage the files elsewhere)"
fi

if [ -z "$node" ]; then
  node=$(command -v node) || die "node not found on PATH; install Node.js 20 or pass --node /path/to/node"
fi
case "$node" in /*) ;; *) die "node must be an absolute path, got $node" ;; esac
[ -x "$node" ] || die "$node is not executable"
for path in "$prefix" "$node" "$bindir"; do
  # The unit takes both paths verbatim, and sed substitutes them: no spaces, %, &, | and the like.
  case "$path" in *[!A-Za-z0-9._/+-]*) die "only letters, digits and . _ / + - are supported in unit paths: $path" ;; esac
  # ProtectHome=yes hides these from the service (node from nvm, for example).
  case "$(readlink -f "$path" || echo "$path")/" in
    /home/* | /root/* | /run/user/*)
      message="$path is under a home directory, which the unit hides (ProtectHome=yes); use a system-wide node and prefix"
      if [ -n "$destdir" ]; then echo "install: warning: $message" >&2; else die "$message"; fi
      ;;
  esac
done
node_major=$("$node" -p 'process.versions.node.split(".")[0]')
[ "$node_major" = 20 ] || die "$node is Node $("$node" --version); the uWebSockets.js build used has binaries for Node 20 only"
command -v npm >/dev/null || die "npm not found on PATH"

# Build in a scratch copy, as from a clean checkout, so the checkout's own node_modules and dist stay as they are.
# The same build as the Dockerfile's: `npm run bundle` makes one self-contained directory (each thread's code in
# one file, the one uWebSockets.js binary this node loads, etcd's .proto files). It runs with "$node" first on
# PATH, since the binary is chosen by the ABI of the node that runs the bundle script, and that node must load it
# (the script checks, and stops otherwise). TypeScript, the typia CLI and every other build tool stay behind.
build=$(mktemp -d "${TMPDIR:-/tmp}/tracknum-build.XXXXXX")
trap 'rm -rf "$build"' EXIT
say "building in $build"
mkdir -p "$build/scripts"
cp -R "$repo/package.json" "$repo/package-lock.json" "$repo/tsconfig.json" "$repo/src" "$build/"
cp "$repo/scripts/bundle.ts" "$build/scripts/"
# The copy has no .git: the bundle gets the checkout's commit (and -dirty for uncommitted changes) from here.
commit=unknown
if head=$(git -C "$repo" rev-parse HEAD 2>/dev/null); then
  commit=$head
  [ -z "$(git -C "$repo" status --porcelain --untracked-files=no)" ] || commit=$head-dirty
fi
(
  cd "$build"
  # The lock pins every package with its integrity: a copy already in npm's cache is used without asking the
  # registry again (a checkout that ran npm ci installs without the network).
  npm ci --prefer-offline --no-audit --no-fund --loglevel=error
  PATH="$(dirname "$node"):$PATH" TRACKNUM_COMMIT=$commit npm run --silent bundle -- --out "$build/bundle"
)

target=$destdir$prefix
say "installing into $target"
mkdir -p "$target/libexec"
# Copy next to the old one, then swap, so a failed copy leaves the old install whole.
rm -rf "$target/dist.new" "$target/dist.old"
cp -R "$build/bundle" "$target/dist.new"
if [ -e "$target/dist" ]; then mv "$target/dist" "$target/dist.old"; fi
mv "$target/dist.new" "$target/dist"
rm -rf "$target/dist.old"
# What installs before the bundle put next to dist/ (production node_modules, about 120 MB, and package.json).
rm -rf "$target/node_modules" "$target/package.json"
cp "$repo/scripts/systemd/wait-ready.mjs" "$target/libexec/wait-ready.mjs"

# The operator's command, on the PATH: this node (the one whose ABI the bundle's binary was chosen for) on the bundle.
command=$destdir$bindir/tracknum
mkdir -p "$(dirname "$command")"
cat >"$command.new" <<EOF
#!/bin/sh
# tracknum, installed by scripts/install.sh: the service's node on its bundle.
exec $node $prefix/dist/main.js "\$@"
EOF
chmod 755 "$command.new"
mv "$command.new" "$command"
say "command $command"

unit=$destdir/etc/systemd/system/tracknum.service
mkdir -p "$(dirname "$unit")"
sed -e "s|@NODE@|$node|g" -e "s|@PREFIX@|$prefix|g" "$repo/scripts/systemd/tracknum.service.in" >"$unit.new"
chmod 644 "$unit.new"
mv "$unit.new" "$unit"
say "unit $unit (node $node)"

config=$destdir/etc/tracknum
mkdir -p "$config"
cp "$repo/scripts/systemd/tracknum.env.example" "$config/tracknum.env.example"
if [ -e "$config/tracknum.env" ]; then
  say "kept $config/tracknum.env (compare with tracknum.env.example for new settings)"
else
  # 0640: systemd reads it as root; later settings (etcd credentials) need not be world-readable.
  install -m 640 "$config/tracknum.env.example" "$config/tracknum.env"
  say "created $config/tracknum.env from the example"
  # The key first: NODE_ID without a shared key is refused (CONFIG_INVALID).
  say "alone on its machine, the service makes its own key: start it as it is. Beside other instances, first give"
  say "  them one key: tracknum keygen --out /etc/tracknum/tracking-number.key (once, then copy it to every machine),"
  say "  LoadCredential=tracking-number-key:/etc/tracknum/tracking-number.key in a drop-in (systemctl edit tracknum),"
  say "  then NODE_ID in tracknum.env (docs/deploying.md, \"One machine with systemd\")"
fi

if command -v systemd-analyze >/dev/null; then
  # verify exits 0 on unknown keys and bad values (it only warns): any line about the unit is a failure.
  verify=$(systemd-analyze verify "$unit" 2>&1) || die "systemd-analyze verify rejected $unit: $verify"
  if grep -F "$(basename "$unit")" <<<"$verify" >&2; then die "systemd-analyze verify complained about $unit"; fi
fi

if [ "$enable" -eq 1 ]; then
  [ -d /run/systemd/system ] || die "systemd is not running on this machine; pass --no-enable"
  systemctl daemon-reload
  systemctl enable tracknum.service
  if [ "$start" -eq 1 ]; then
    # ExecStartPost= waits for /readyz, so this returns once the instance serves (or fails).
    systemctl restart tracknum.service
    say "tracknum is running: systemctl status tracknum"
  else
    say "enabled; start it with: systemctl start tracknum"
  fi
else
  say "systemctl not run (--no-enable or --destdir)"
fi
