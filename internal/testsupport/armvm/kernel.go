package armvm

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/skoip/skoip/internal/testsupport/armvm/internal/wire"
)

// KernelEnv names the environment variable that holds the kernel's
// directory, as printed by .ci/vm-kernel.sh.
const KernelEnv = "SKOIP_VM_KERNEL"

// kernel is an unpacked kernel in the layout of .ci/vm-kernel.sh:
// DIR/vmlinuz, DIR/config and DIR/lib/modules/VERSION.
type kernel struct {
	version string
	vmlinuz string
	modDir  string              // on the host
	deps    map[string][]string // module path -> its dependencies, as in modules.dep
	paths   map[string]string   // module name -> path relative to modDir
	builtin map[string]bool     // names of modules built into the kernel
}

// openKernel reads the kernel directory dir.
func openKernel(dir string) (*kernel, error) {
	k := &kernel{
		version: filepath.Base(dir), vmlinuz: filepath.Join(dir, "vmlinuz"),
		deps: map[string][]string{}, paths: map[string]string{}, builtin: map[string]bool{},
	}
	k.modDir = filepath.Join(dir, "lib", "modules", k.version)
	if _, err := os.Stat(k.vmlinuz); err != nil {
		return nil, err
	}
	err := readLines(filepath.Join(k.modDir, "modules.dep"), func(line string) error {
		mod, deps, ok := strings.Cut(line, ":")
		if !ok {
			return fmt.Errorf("no colon in %q", line)
		}
		k.deps[mod] = strings.Fields(deps)
		k.paths[moduleName(mod)] = mod
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = readLines(filepath.Join(k.modDir, "modules.builtin"), func(line string) error {
		k.builtin[moduleName(line)] = true
		return nil
	})
	if errors.Is(err, os.ErrNotExist) {
		err = nil
	}
	return k, err
}

func readLines(name string, each func(string) error) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		if line := strings.TrimSpace(s.Text()); line != "" {
			if err := each(line); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
		}
	}
	return s.Err()
}

// moduleName is the kernel's name of a module, from a path in
// modules.dep or a name as modprobe takes it: "kernel/sound/drivers/snd-aloop.ko"
// and "snd-aloop" are both "snd_aloop".
func moduleName(p string) string {
	n := path.Base(p)
	if i := strings.Index(n, ".ko"); i >= 0 {
		n = n[:i]
	}
	return strings.ReplaceAll(n, "-", "_")
}

// resolve lists what to load for mods, in order: each module after its
// dependencies, each once, with the parameters that mods give it. A
// built-in module is left out (it takes no parameters here).
func (k *kernel) resolve(mods []Module) ([]wire.Module, error) {
	params := map[string]string{}
	for _, m := range mods {
		params[moduleName(m.Name)] = m.Params
	}
	var out []wire.Module
	var seen []string
	add := func(rel string) {
		if slices.Contains(seen, rel) {
			return
		}
		seen = append(seen, rel)
		n := moduleName(rel)
		out = append(out, wire.Module{Name: n, Path: path.Join("/lib/modules", k.version, rel), Params: params[n]})
	}
	for _, m := range mods {
		n := moduleName(m.Name)
		rel, ok := k.paths[n]
		switch {
		case !ok && k.builtin[n] && m.Params != "":
			return nil, fmt.Errorf("module %s is built into %s: its parameters go on the kernel command line", m.Name, k.version)
		case !ok && k.builtin[n]:
			continue
		case !ok:
			return nil, fmt.Errorf("module %s is not in %s: the kernel directory keeps the sound modules and their dependencies (.ci/vm-kernel.sh)",
				m.Name, filepath.Join(k.modDir, "modules.dep"))
		}
		deps := k.deps[rel]
		for i := len(deps) - 1; i >= 0; i-- { // modules.dep lists the deepest last
			add(deps[i])
		}
		add(rel)
	}
	return out, nil
}
