#!/usr/bin/env bash
# The README's two commands, `make book` then `make test`, run on a pristine
# Debian 12: a debootstrap minbase root with only git, make and python3, holding
# a clone of the repository's committed HEAD. Everything the build and the
# tests need must then come from the project's own set-up, which is what a
# newcomer's machine (and a new CI machine) has to rely on.
#
#   scripts/pristine-check.sh [--keep] [--reuse ROOT] [--workdir DIR]
#     --keep         leave the root in place afterwards (its path is printed)
#     --reuse ROOT   run in a root a previous --keep left, instead of bootstrapping
#                    a new one (for development only: what the last run installed
#                    is still there, so it is no longer pristine)
#     --workdir DIR  where the root and the logs go (default: a new /var/tmp/pristine-check.*)
#
# Needs root (debootstrap, chroot, mounts) and a Debian host with debootstrap.
# The root gets the host's apt and pip configuration and CA certificates, so it
# reaches the same package registries; both commands run as root in a private
# mount and PID namespace, so nothing is mounted on the host and nothing keeps
# running after them. The terminal shows one line a step; the logs keep the rest.
# Exits non-zero if either command fails or any test was skipped.
set -euo pipefail
# The whole script is one block, read before it runs: bash reads a script as it
# goes, so editing this file during a run would otherwise derail the run.
{
repo=$(cd "$(dirname "$0")/.." && pwd)
keep=0
reuse=""
workdir=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --keep) keep=1 ;;
        --reuse) reuse=$(realpath "${2:?--reuse needs a root folder}"); shift ;;
        --workdir) workdir="${2:?--workdir needs a folder}"; shift ;;
        -h|--help) sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0"; exit 0 ;;
        *) echo "pristine-check: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
    shift
done

if [[ $(id -u) -ne 0 ]]; then
    echo "pristine-check: needs root (debootstrap, chroot, mounts): run it as root or with sudo" >&2
    exit 2
fi
if ! command -v debootstrap >/dev/null && command -v apt-get >/dev/null; then
    echo "installing debootstrap with apt (log: /var/tmp/pristine-check-debootstrap-install.log)"
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends debootstrap; } \
        >/var/tmp/pristine-check-debootstrap-install.log 2>&1 \
        || { echo "pristine-check: could not install debootstrap; see /var/tmp/pristine-check-debootstrap-install.log" >&2; exit 2; }
fi
for tool in debootstrap unshare chroot git; do
    command -v "$tool" >/dev/null || { echo "pristine-check: $tool not found (apt-get install debootstrap util-linux git)" >&2; exit 2; }
done

if [[ -n "$reuse" ]]; then
    root="$reuse"
    workdir="${workdir:-$(dirname "$root")}"
    keep=1
else
    workdir="${workdir:-$(mktemp -d /var/tmp/pristine-check.XXXXXX)}"
    root="$workdir/root"
fi
mkdir -p "$workdir"
workdir=$(realpath "$workdir")
project=/root/project   # where the clone lives inside the root

# The root is deleted at exit unless kept, but never while anything is mounted
# under it: rm would then reach into the host's /dev or /proc.
cleanup() {
    [[ $keep -eq 1 || ! -d "$root" ]] && return
    if grep -q " $root/" /proc/self/mounts; then
        echo "pristine-check: something is still mounted under $root; not removing it" >&2
        return
    fi
    rm -rf --one-file-system "$root"
}
trap cleanup EXIT

step_start=0
begin() { step_start=$SECONDS; printf '%-44s' "$1"; }
took() { echo "$((SECONDS - step_start)) s"; }

# -- 1. A pristine root -----------------------------------------------------------
# The host's own Debian mirror, so debootstrap reaches what apt reaches.
mirror=$(sed -n 's/^URIs: *\([^ ]*\/debian\)\/\{0,1\}$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
mirror="${mirror:-http://deb.debian.org/debian}"
if [[ -n "$reuse" ]]; then
    [[ -x "$root/usr/bin/make" ]] || { echo "pristine-check: $root is not a root made by this script" >&2; exit 2; }
    echo "root: reusing $root (not pristine: for development only)"
else
    begin "debootstrap bookworm (minbase)"
    if ! debootstrap --variant=minbase --include=git,make,python3 bookworm "$root" "$mirror" \
            >"$workdir/debootstrap.log" 2>&1; then
        echo "failed; last lines of $workdir/debootstrap.log:"
        tail -n 15 "$workdir/debootstrap.log" | sed 's/^/    /'
        exit 1
    fi
    took
fi

# -- 2. The host's registries: apt and pip configuration, CA certificates ----------
begin "copy apt/pip configuration, CA certificates"
mkdir -p "$root/etc/apt" "$root/etc/ssl/certs" "$root/usr/local/share" "$root/etc/xdg"
# debootstrap's own sources.list would list the mirror a second time.
rm -f "$root/etc/apt/sources.list"
for path in /etc/apt/sources.list /etc/apt/sources.list.d /etc/apt/apt.conf.d \
            /etc/apt/preferences.d /etc/apt/trusted.gpg.d /etc/apt/keyrings /etc/apt/auth.conf.d; do
    [[ -e "$path" ]] && cp -a "$path" "$root/etc/apt/"
done
# Keyrings that the sources' Signed-By names outside /etc/apt.
for keyring in $(sed -n 's/^Signed-By: *//p' /etc/apt/sources.list.d/*.sources 2>/dev/null | sort -u); do
    [[ -f "$keyring" ]] && { mkdir -p "$root$(dirname "$keyring")"; cp -a "$keyring" "$root$keyring"; }
done
[[ -e /etc/pip.conf ]] && cp -a /etc/pip.conf "$root/etc/"
[[ -d /etc/xdg/pip ]] && cp -a /etc/xdg/pip "$root/etc/xdg/"
# The bundle for pip (PIP_CERT) now, and the local CAs so that installing
# ca-certificates later regenerates a bundle that still trusts them.
cp -aL /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/"
[[ -d /usr/local/share/ca-certificates ]] && cp -a /usr/local/share/ca-certificates "$root/usr/local/share/"
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
took

# -- 3. The committed HEAD --------------------------------------------------------
begin "clone $(git -C "$repo" rev-parse --short HEAD)"
rm -rf "$root$project"
git clone --quiet --no-hardlinks "$repo" "$root$project"
took

# -- 4, 5. The README's two commands -----------------------------------------------
# Run COMMAND as root in the root, in new mount and PID namespaces: the mounts
# vanish and every process left behind (a browser, a server) is killed when
# the command ends. A fresh tmpfs on /dev/shm keeps shared memory off the host's.
# The environment is a login's, plus the host's PIP_* settings.
pip_env=()
while IFS= read -r var; do pip_env+=("$var"); done < <(env | grep '^PIP_' || true)
# Local wheel folders that PIP_FIND_LINKS names are mounted read-only at the
# same place, so the copied pip settings mean inside what they mean outside.
wheel_dirs=""
for link in ${PIP_FIND_LINKS:-}; do [[ -d "$link" ]] && wheel_dirs+=" $(realpath "$link")"; done
in_root() {
    WHEEL_DIRS="$wheel_dirs" unshare --mount --pid --fork --propagation private /bin/bash -c '
        set -e
        root=$1; shift
        mount -t proc proc "$root/proc"
        mount --rbind /sys "$root/sys"
        mount --rbind /dev "$root/dev"
        mount -t tmpfs -o mode=1777,nosuid,nodev shm "$root/dev/shm"
        for dir in $WHEEL_DIRS; do
            mkdir -p "$root$dir"
            mount --bind "$dir" "$root$dir"
            mount -o remount,bind,ro "$root$dir"
        done
        exec chroot "$root" "$@"
    ' in_root "$root" /usr/bin/env -i HOME=/root TERM=dumb \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        "${pip_env[@]}" /bin/bash -c "cd $project && $1"
}

run_step() {  # name, command, log
    begin "$1"
    local status=0
    in_root "$2" >"$3" 2>&1 || status=$?
    echo "exit $status ($((SECONDS - step_start)) s)"
    return "$status"
}

book_status=0
run_step "make book" "make book" "$workdir/book.log" || book_status=$?
test_status=0
run_step "make test" "make test" "$workdir/test.log" || test_status=$?

# -- Report -------------------------------------------------------------------------
# apt's log lives in the clone, which goes with the root.
cp "$root$project/_build/system-deps.log" "$workdir/" 2>/dev/null || true
# pytest's closing line, e.g. "===== 3 failed, 60 passed, 2 skipped in 312.5s ====="
summary=$(grep -E '^=+ .*\b(passed|failed|errors?|skipped|no tests ran)\b.* in [0-9.]+s.* =+$' "$workdir/test.log" | tail -n 1 || true)
skipped=$(sed -n 's/.*\b\([0-9]\+\) skipped.*/\1/p' <<<"$summary")
skipped=${skipped:-0}
echo "make book: exit $book_status"
echo "make test: exit $test_status; ${summary:-no pytest summary line}"
echo "skipped: $skipped"
if [[ $book_status -ne 0 ]]; then
    echo "make book, last lines:"
    tail -n 15 "$workdir/book.log" | sed 's/^/    /'
fi
# The names of failing tests, as pytest's -ra summary lists them.
grep -E '^(FAILED|ERROR|SKIPPED) ' "$workdir/test.log" | cut -c1-200 | sed 's/^/    /' || true
echo "logs: $workdir/{debootstrap,book,test,system-deps}.log"
[[ $keep -eq 1 ]] && echo "root kept: $root (reuse with --reuse $root)"

[[ $book_status -eq 0 && $test_status -eq 0 && $skipped -eq 0 && -n "$summary" ]]
exit
}
