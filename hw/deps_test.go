package hw_test

import (
	"os/exec"
	"strings"
	"testing"
)

// hw is the hardware boundary: of SKOIP's packages it may import only its
// own and the leaves media/wav and media/dsp (the one WAV decoder, shared
// with prompts and check-config, and its resampler), which import nothing
// else of ours.
func TestHWImportsNoHigherPackage(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", "github.com/skoip/skoip/hw/...").Output()
	if err != nil {
		t.Skipf("go list: %v (the go command is needed to read the import graph)", err)
	}
	const mod = "github.com/skoip/skoip/"
	for _, p := range strings.Fields(string(out)) {
		rest, ours := strings.CutPrefix(p, mod)
		if !ours {
			continue
		}
		switch {
		case rest == "hw", strings.HasPrefix(rest, "hw/"), rest == "media/wav", rest == "media/dsp":
		default:
			t.Errorf("hw imports %s: only hw/..., media/wav and media/dsp are allowed", p)
		}
	}
}
