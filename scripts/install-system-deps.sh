#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the build needs, only when something is missing.
#   scripts/install-system-deps.sh          what `make book` needs: TeX Live, latexmk,
#                                           the fonts the build names, poppler, venv
#   scripts/install-system-deps.sh --test   also what `make test` needs: Java (EPUBCheck)
#                                           and Chromium (browser tests)
# Runs apt-get as root, or through sudo for a normal user; says clearly what to
# install by hand on systems without apt. apt's own output goes to a log file
# (SYSTEM_DEPS_LOG, default _build/system-deps.log): the terminal gets one line
# a step, and the log's last lines when a step fails.
set -euo pipefail

# Every font the build names comes from one of the fonts-* packages (TeX Gyre,
# DejaVu Sans Mono, Noto CJK; report.fontcheck checks them at the start of
# every build). A pristine Debian has none of them, and TeX Live does not pull
# in DejaVu: apt satisfies fontconfig's font dependency with TeX Gyre.
book_pkgs=(latexmk texlive-xetex texlive-latex-recommended texlive-latex-extra
           texlive-fonts-recommended texlive-lang-korean fonts-noto-cjk
           fonts-texgyre fonts-dejavu-core fontconfig poppler-utils python3-venv)
# libatomic1: the Node.js inside Playwright's wheel (its driver) links it, and
# a minimal Debian lacks it ("libatomic.so.1: cannot open shared object file").
test_pkgs=(default-jre-headless chromium libatomic1)

wanted=("${book_pkgs[@]}")
[[ "${1:-}" == "--test" ]] && wanted+=("${test_pkgs[@]}")

# One query for all of them: every make target runs this check, and dpkg-query
# reads its whole database each time it starts (about 7 ms a call).
declare -A installed=()
while read -r pkg status; do
    if [[ "$status" == "install ok installed" ]]; then installed[$pkg]=1; fi
done < <(dpkg-query -W -f='${Package} ${Status}\n' "${wanted[@]}" 2>/dev/null || true)
missing=()
for pkg in "${wanted[@]}"; do
    [[ -n "${installed[$pkg]:-}" ]] || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if ! command -v apt-get >/dev/null; then
    echo "error: these packages are missing and this system has no apt-get:" >&2
    echo "  ${missing[*]}" >&2
    echo "Install their equivalents (TeX Live with xelatex, kotex, latexmk; the fonts" >&2
    echo "TeX Gyre, DejaVu Sans Mono and Noto CJK; poppler; Java; Chromium) and run make again." >&2
    exit 1
fi

log="${SYSTEM_DEPS_LOG:-$(cd "$(dirname "$0")/.." && pwd)/_build/system-deps.log}"
mkdir -p "$(dirname "$log")"
# Appended, so the book's installs and the tests' later ones stay in one log.
echo "== $(date -u '+%F %T UTC') installing: ${missing[*]}" >>"$log"

sudo=()
if [[ $(id -u) -ne 0 ]]; then
    sudo=(sudo)
    # Ask for the password on the terminal now, not inside a step whose output is logged.
    sudo -v
fi

# One line a step; apt's output only in the log, shown when the step fails.
step() {
    local what="$1" start=$SECONDS status=0
    shift
    printf '  %s … ' "$what"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive "$@" >>"$log" 2>&1 || status=$?
    if [[ $status -ne 0 ]]; then
        echo "failed (exit $status)"
        echo "error: $what failed; last lines of $log:" >&2
        tail -n 15 "$log" | sed 's/^/    /' >&2
        exit "$status"
    fi
    echo "done ($((SECONDS - start)) s)"
}

echo "Installing system packages with apt (log: $log): ${missing[*]}"
step "apt-get update" apt-get update
step "apt-get install (${#missing[@]} packages)" \
    apt-get install -y --no-install-recommends "${missing[@]}"
# Packages' own scripts can change font folders after fontconfig's trigger has
# cached them (seen when Pandoc's dependencies brought X11 fonts); a stale
# cache makes every fontconfig query scan the folders again, about 70 ms each.
step "fc-cache" fc-cache
