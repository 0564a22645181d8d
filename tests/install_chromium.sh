#!/bin/sh
# Debian's chromium for the playground's browser test (tests/test_playground_browser.py).
# Installed already: prints nothing. Missing: installs it as root, otherwise prints the
# command to run. Always exits 0: without chromium the browser test skips, saying why.
PACKAGES="chromium"

command -v dpkg-query >/dev/null 2>&1 || exit 0
missing=""
for pkg in $PACKAGES; do
    case "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" in
        *" installed") ;;
        *) missing="$missing $pkg" ;;
    esac
done
[ -z "$missing" ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
    echo "installing:$missing"
    { apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing; } \
        || echo "install_chromium.sh: could not install$missing; the browser test will be skipped" >&2
    exit 0
fi
echo "The playground's browser test needs:$missing (it is skipped without it). Install with:" >&2
echo "  sudo apt-get install -y --no-install-recommends$missing" >&2
exit 0
