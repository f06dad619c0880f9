#!/bin/sh
# qemu-alsa.sh BIN: the arm64 skoip under qemu-user opens a file-backed ALSA
# PCM through libasound2:arm64 (no sound card needed) and plays into it.
set -eu
bin=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed -e "s|@DIR@|$dir|g" -e "s|@RATE@|8000|g" testdata/alsa/file-pcm.conf > "$dir/asound.conf"
head -c 320000 /dev/zero > "$dir/in.raw"
cat > "$dir/skoip.toml" <<TOML
[sip]
listen = "127.0.0.1:0"
[audio]
backend = "alsa"
capture = "capfile"
playback = "playfile"
sample_rate = 8000
[control]
socket = "$dir/ctl.sock"
TOML
# SIGINT after 3 s is a clean stop (exit 0).
ALSA_CONFIG_PATH="$dir/asound.conf" timeout -s INT 3 qemu-aarch64-static "$bin" run --config "$dir/skoip.toml" \
	> "$dir/log" 2>&1 || [ $? = 124 ]
if ! grep -q 'msg="audio device open".*backend=alsa' "$dir/log"; then
	echo "qemu-alsa: the arm64 binary did not open the ALSA file PCM:" >&2
	cat "$dir/log" >&2
	exit 1
fi
size=$(stat -c %s "$dir/out.raw" 2>/dev/null || echo 0)
[ "$size" -gt 0 ] || { echo "qemu-alsa: nothing was played into the ALSA file PCM" >&2; cat "$dir/log" >&2; exit 1; }
echo "qemu-alsa: arm64 skoip opened ALSA capfile/playfile and played $size bytes"
