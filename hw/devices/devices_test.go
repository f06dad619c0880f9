package devices_test

import (
	"strings"
	"testing"

	"github.com/skoip/skoip/hw/devices"
)

func TestWriteOnThisMachine(t *testing.T) {
	var sb strings.Builder
	if err := devices.Write(&sb); err != nil {
		t.Fatal(err)
	}
	out := sb.String()
	if !strings.Contains(out, "audio") || !strings.Contains(out, "GPIO") {
		t.Fatalf("output lacks the audio or GPIO section:\n%s", out)
	}
	t.Logf("\n%s", out)
}
