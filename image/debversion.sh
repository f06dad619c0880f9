#!/bin/sh
# debversion.sh VERSION: a Debian version from `git describe --tags --always --dirty`:
#   v1.2.0 -> 1.2.0; v1.2.0-5-gabc1234 -> 1.2.0+git5.gabc1234;
#   abc1234 (no tag) -> 0.0~git<UTC date of $SOURCE_DATE_EPOCH>.abc1234 (so that later
#   commits sort later); a -dirty suffix -> +dirty (or .dirty).
set -eu
v=${1#v}
dirty=""
case "$v" in *-dirty) dirty=1; v=${v%-dirty} ;; esac
if echo "$v" | grep -Eq '^[0-9]+\.[0-9]'; then
	# A tag, maybe with -N-gHASH after it.
	v=$(echo "$v" | sed -E 's/-([0-9]+)-(g[0-9a-f]+)$/+git\1.\2/')
else
	v="0.0~git$(date -u -d "@${SOURCE_DATE_EPOCH:-0}" +%Y%m%d%H%M%S).$v"
fi
v=$(echo "$v" | tr -c 'A-Za-z0-9.+~\n' '.')
if [ -n "$dirty" ]; then
	case "$v" in *+*) v="$v.dirty" ;; *) v="$v+dirty" ;; esac
fi
echo "$v"
