#!/bin/sh
# config.sh EXAMPLE: print the example config (config/skoip.toml) as the
# packaged /etc/skoip/skoip.toml: the [sounds] keys point at the shipped WAVs.
set -eu
sed -E 's|^(doorbell\|ringtone\|busy\|no_answer\|door_open\|warning) = ""$|\1 = "/usr/share/skoip/sounds/\1.wav"|' "$1"
