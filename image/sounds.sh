#!/bin/sh
# sounds.sh OUTDIR: make the prompts that the .deb ships in
# /usr/share/skoip/sounds: a doorbell chime and a ringtone synthesised by
# sox, spoken prompts by espeak-ng (see sounds.txt for their licence).
# 16 kHz, mono, 16-bit PCM WAV; no dither, so the output is reproducible.
set -eu
out=$1
mkdir -p "$out"
command -v sox >/dev/null || { echo "sounds.sh: sox is not installed (apt: sox)" >&2; exit 1; }
command -v espeak-ng >/dev/null || { echo "sounds.sh: espeak-ng is not installed (apt: espeak-ng)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fmt="-D -r 16000 -c 1 -b 16 -e signed-integer"

# tone NAME FREQ LEN: a bell-like partial with an exponential decay.
tone() {
	sox -D -n -r 16000 -c 1 -b 16 "$tmp/$1.wav" synth "$3" sine "$2" sine "$(($2 * 5 / 2))" \
		remix - fade q 0.005 "$3" "$3" vol 0.8
}

# Doorbell: "ding-dong" (E5 then C5), each note decaying; 1.6 s.
tone ding 659 0.8
tone dong 523 0.8
sox -D "$tmp/ding.wav" "$tmp/dong.wav" $fmt "$out/doorbell.wav" gain -n -3

# Ringtone: two short chimes and a pause (played in a loop); 2 s.
tone r1 880 0.25
tone r2 988 0.25
sox -D -n -r 16000 -c 1 -b 16 "$tmp/gap.wav" trim 0 1.5
sox -D "$tmp/r1.wav" "$tmp/r2.wav" "$tmp/gap.wav" $fmt "$out/ringtone.wav" gain -n -3

# speak NAME TEXT: a spoken prompt, normalised to -3 dBFS.
speak() {
	espeak-ng -v en-gb -s 150 -w "$tmp/$1.raw.wav" "$2"
	sox -D "$tmp/$1.raw.wav" $fmt "$out/$1.wav" gain -n -3
}
speak busy "The line is busy. Please try again later."
speak no_answer "Nobody is answering. Please try again later."
speak door_open "The door is open. Please come in."
speak warning "This call will end in a few seconds."
ls "$out"
