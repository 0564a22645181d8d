#!/bin/sh
# Debian packages the PDF report needs (xelatex, pandoc, CJK fonts, pdftotext).
# Installed already: prints nothing, exits 0. Missing: installs them as root,
# otherwise prints the command to run and exits 1.
PACKAGES="texlive-xetex texlive-fonts-recommended texlive-plain-generic pandoc fonts-dejavu-core texlive-lang-chinese fonts-noto-cjk poppler-utils"

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "install_tex.sh: not a Debian/Ubuntu system; install xelatex (TeX Live with xeCJK)," >&2
    echo "pandoc, the Noto CJK and DejaVu fonts and poppler-utils with your package manager." >&2
    exit 1
fi

missing=""
for pkg in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)
    case "$status" in
        *" installed") ;;
        *) missing="$missing $pkg" ;;
    esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    echo "installing:$missing"
    apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing
    exit $?
fi
echo "The PDF report needs these Debian packages:$missing" >&2
echo "Install them with:" >&2
echo "  sudo apt-get install -y --no-install-recommends$missing" >&2
exit 1
