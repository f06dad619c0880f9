#!/bin/sh
# skoip-test-agent: put into the TEST COPY of the SD-card image by TestImage
# (never into the image itself). Runs each line that the test sends over the
# virtio serial port skoip.test as a shell command and answers with its
# output and a line "@@END <exit status>".
port=/dev/virtio-ports/skoip.test
udevadm wait --timeout=300 "$port" || exit 1
exec 3<>"$port"
while IFS= read -r line <&3; do
	out=$(sh -c "$line" 2>&1)
	rc=$?
	printf '%s\n@@END %d\n' "$out" "$rc" >&3
done
