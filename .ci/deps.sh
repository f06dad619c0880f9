#!/bin/sh
# deps.sh PKG...: make sure these Debian packages are installed.
# As root it installs what is missing (adding the arm64 architecture when a
# package asks for it); otherwise it prints the exact command and fails.
set -eu
missing=""
for p in "$@"; do
	st=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
	case "$st" in *" installed") ;; *) missing="$missing $p" ;; esac
done
[ -z "$missing" ] && exit 0
arches=""
case "$missing" in *:arm64*) arches="$arches arm64" ;; esac
case "$missing" in *:armhf*) arches="$arches armhf" ;; esac
if [ "$(id -u)" != 0 ]; then
	echo "Missing Debian packages:$missing" >&2
	echo "Install them with:" >&2
	for a in $arches; do echo "  sudo dpkg --add-architecture $a" >&2; done
	echo "  sudo apt-get update && sudo apt-get install -y --no-install-recommends$missing" >&2
	exit 1
fi
echo "Installing Debian packages:$missing"
for a in $arches; do dpkg --add-architecture "$a"; done
export DEBIAN_FRONTEND=noninteractive
# A partial index failure (a mirror mid-sync) must not stop the install.
apt-get update -q || echo "deps.sh: apt-get update reported errors; trying the install anyway" >&2
apt-get install -y -q --no-install-recommends $missing
