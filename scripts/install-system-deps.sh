#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages the build needs, only when something is missing.
#   scripts/install-system-deps.sh          TeX Live, latexmk, fonts, poppler (what `make book` needs)
#   scripts/install-system-deps.sh --test   also Java (EPUBCheck) and Chromium (browser tests)
# Runs apt-get as root, or through sudo for a normal user; says clearly what to
# install by hand on systems without apt.
set -euo pipefail

book_pkgs=(latexmk texlive-xetex texlive-latex-recommended texlive-latex-extra
           texlive-fonts-recommended texlive-lang-korean fonts-noto-cjk
           fonts-texgyre fontconfig poppler-utils python3-venv)
test_pkgs=(default-jre-headless chromium)

wanted=("${book_pkgs[@]}")
[[ "${1:-}" == "--test" ]] && wanted+=("${test_pkgs[@]}")

missing=()
for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

if ! command -v apt-get >/dev/null; then
    echo "error: these packages are missing and this system has no apt-get:" >&2
    echo "  ${missing[*]}" >&2
    echo "Install their equivalents (TeX Live with xelatex, kotex, latexmk;" >&2
    echo "Noto CJK and TeX Gyre fonts; poppler; Java; Chromium) and run make again." >&2
    exit 1
fi
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
echo "Installing system packages: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
