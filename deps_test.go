package skoip_test

import (
	"errors"
	"fmt"
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"
)

// The import rules of SKOIP's packages, read from `go list`. Imports point
// one way: cmd -> phone -> media -> the leaves media/wav, media/dsp
// and media/room;
// hw and config import only their own tree and the leaves; systemd, image
// and internal/testsupport only their own tree.
// Tests may import across layers (a media test drives hw's fake sound
// card), and test support; the rule on cmd/skoip/internal holds for them.
//
//   - the direction: each layer imports only the layers in layerMay;
//   - cmd/skoip/internal/... is imported from cmd/skoip/... only;
//   - test support (internal/testsupport/..., and a package whose name
//     ends in "test": hwtest, phonetest, intercomtest) is imported only by
//     tests and by other test support.

const module = "github.com/skoip/skoip"

// layerMay says which layers a layer's code (not its tests) may import.
var layerMay = map[string][]string{
	"cmd":         {"cmd", "phone", "media", "leaf", "hw", "config", "systemd"},
	"phone":       {"phone", "media", "leaf"},
	"media":       {"media", "leaf"},
	"leaf":        {"leaf"},
	"hw":          {"hw", "leaf"},
	"config":      {"config", "leaf"},
	"systemd":     {"systemd"},
	"image":       {"image"},
	"testsupport": {"testsupport"},
}

// layer is the layer of a package path relative to the module ("" for
// the module's root, which holds only this test).
func layer(rel string) (string, bool) {
	top, _, _ := strings.Cut(rel, "/")
	switch {
	case rel == "":
		return "", true
	case rel == "media/wav", rel == "media/dsp", rel == "media/room", rel == "media/acoustic":
		return "leaf", true
	case strings.HasPrefix(rel, "internal/testsupport/"):
		return "testsupport", true
	}
	_, ok := layerMay[top]
	return top, ok
}

func isTestSupport(rel string) bool {
	return strings.HasPrefix(rel, "internal/testsupport/") || strings.HasSuffix(path.Base(rel), "test")
}

// checkImport says which rule (if any) the import of to by from breaks;
// byTest is true for an import made by from's tests only.
func checkImport(from, to string, byTest bool) error {
	if strings.HasPrefix(to, "cmd/skoip/internal/") && from != "cmd/skoip" && !strings.HasPrefix(from, "cmd/skoip/") {
		return errors.New("only cmd/skoip/... may import cmd/skoip/internal/...")
	}
	if isTestSupport(to) && !byTest && !isTestSupport(from) {
		return fmt.Errorf("%s is test support: only tests (and other test support) may import it", to)
	}
	lf, ok := layer(from)
	if !ok {
		return fmt.Errorf("%s is in no layer: add it to layer and layerMay in deps_test.go", from)
	}
	lt, ok := layer(to)
	if !ok {
		return fmt.Errorf("%s is in no layer: add it to layer and layerMay in deps_test.go", to)
	}
	if byTest || lf == "" {
		return nil
	}
	if slices.Contains(layerMay[lf], lt) {
		return nil
	}
	return fmt.Errorf("%s code (%s) may import only %s; %s is %s", lf, from, strings.Join(layerMay[lf], ", "), to, lt)
}

// imports is the module's import graph from `go list`: for each package
// (relative path), its imports of ours, and those of its tests only.
func imports(t *testing.T) (code, tests map[string][]string) {
	t.Helper()
	const f = `{{.ImportPath}}|{{join .Imports " "}}|{{join .TestImports " "}} {{join .XTestImports " "}}`
	out, err := exec.Command("go", "list", "-e", "-f", f, module+"/...").Output()
	if errors.Is(err, exec.ErrNotFound) {
		t.Skip("the go command is needed to read the import graph")
	}
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			err = fmt.Errorf("%w: %s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	ours := func(paths string) []string {
		var r []string
		for _, p := range strings.Fields(paths) {
			if rel, ok := strings.CutPrefix(p, module+"/"); ok {
				r = append(r, rel)
			}
		}
		return r
	}
	code, tests = map[string][]string{}, map[string][]string{}
	for line := range strings.Lines(strings.TrimSpace(string(out))) {
		parts := strings.Split(strings.TrimSpace(line), "|")
		if len(parts) != 3 {
			t.Fatalf("go list: unexpected line %q", line)
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(parts[0], module), "/")
		code[rel], tests[rel] = ours(parts[1]), ours(parts[2])
	}
	return code, tests
}

func TestImportRules(t *testing.T) {
	code, tests := imports(t)
	if !slices.Contains(code["phone"], "media") || !slices.Contains(code["config"], "media/wav") {
		t.Fatalf("go list did not read the graph: phone imports %v, config %v", code["phone"], code["config"])
	}
	for from, tos := range code {
		for _, to := range tos {
			if err := checkImport(from, to, false); err != nil {
				t.Errorf("%s imports %s: %v", from, to, err)
			}
		}
	}
	for from, tos := range tests {
		for _, to := range tos {
			if err := checkImport(from, to, true); err != nil {
				t.Errorf("%s's tests import %s: %v", from, to, err)
			}
		}
	}
}

// TestImportRulesCatch checks that each rule rejects what it forbids and
// allows what the code does today.
func TestImportRulesCatch(t *testing.T) {
	for _, c := range []struct {
		from, to string
		byTest   bool
		ok       bool
	}{
		{"cmd/skoip", "phone", false, true},
		{"cmd/skoip", "cmd/skoip/internal/control", false, true},
		{"cmd/skoip/e2e", "internal/testsupport/impair", true, true},
		{"cmd/skoip/internal/intercom", "cmd/skoip/internal/intercom/intercomtest", true, true},
		{"cmd/skoipx", "cmd/skoip/internal/control", false, false},
		{"cmd/skoip/internal/intercom", "hw", false, true},
		{"phone", "media", false, true},
		{"phone/sdp", "media", false, true},
		{"media", "media/rtpsess", false, true},
		{"media/wav", "media/dsp", false, true},
		{"hw/audio", "media/wav", false, true},
		{"config", "media/wav", false, true},
		{"media", "hw/hwtest", true, true},
		{"phone", "hw/hwtest", true, true},
		{"hw/hwtest", "hw/audio", false, true},
		{"media", "phone", false, false},
		{"media/rtpsess", "hw/timerfd", false, false},
		{"media/dsp", "media", false, false},
		{"phone", "hw", false, false},
		{"phone", "config", false, false},
		{"phone", "cmd/skoip/internal/intercom", false, false},
		{"phone", "cmd/skoip/internal/intercom", true, false},
		{"hw/audio", "media", false, false},
		{"hw", "phone", false, false},
		{"config", "hw", false, false},
		{"systemd", "config", false, false},
		{"systemd", "media/wav", false, false},
		{"internal/testsupport/impair", "media", false, false},
		{"media", "internal/testsupport/impair", false, false},
		{"hw/audio", "hw/hwtest", false, false},
		{"newtop", "media", false, false},
	} {
		err := checkImport(c.from, c.to, c.byTest)
		if (err == nil) != c.ok {
			t.Errorf("%s imports %s (by test: %v): got %v, want allowed=%v", c.from, c.to, c.byTest, err, c.ok)
		}
	}
}
