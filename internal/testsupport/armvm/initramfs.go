package armvm

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/skoip/skoip/internal/testsupport/armvm/internal/wire"
)

// commandName is what a command's name may hold: it goes into marker
// lines and a directory name.
var commandName = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

// checkSpec rejects what vminit could not do or report.
func checkSpec(s Spec) error {
	seen := map[string]bool{}
	for _, c := range s.Commands {
		switch {
		case !commandName.MatchString(c.Name) || c.Name == "." || c.Name == "..":
			return fmt.Errorf("command name %q: use letters, digits, '.', '_' and '-'", c.Name)
		case seen[c.Name]:
			return fmt.Errorf("command name %q: used twice", c.Name)
		case len(c.Args) == 0 || !path.IsAbs(c.Args[0]):
			return fmt.Errorf("command %s: Args[0] must be the program's absolute path in the VM", c.Name)
		}
		seen[c.Name] = true
	}
	for _, f := range s.Files {
		if !path.IsAbs(f.VM) {
			return fmt.Errorf("file %q: VM must be an absolute path", f.VM)
		}
	}
	return nil
}

// writeInitramfs writes the initramfs of one boot to name: the mount
// points and /dev/console, vminit as /init, the modules, the spec's
// files and the spec for vminit.
func writeInitramfs(name, vminit string, k *kernel, mods []wire.Module, s Spec) (err error) {
	f, err := os.Create(name)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	c := newCPIOWriter(bw)
	for _, d := range []string{"/dev", "/proc", "/sys", "/tmp", "/bin"} {
		if err := c.Mkdir(d, 0o755); err != nil {
			return err
		}
	}
	if err := c.CharDev("/dev/console", 0o600, 5, 1); err != nil {
		return err
	}
	files := []File{{Host: vminit, VM: "/init", Mode: 0o755}}
	for _, m := range mods {
		rel := strings.TrimPrefix(m.Path, path.Join("/lib/modules", k.version)+"/")
		files = append(files, File{Host: filepath.Join(k.modDir, filepath.FromSlash(rel)), VM: m.Path, Mode: 0o644})
	}
	files = append(files, s.Files...)
	spec, err := json.Marshal(wire.Spec{Modules: mods, WaitFor: s.WaitFor, Wait: s.Wait, Commands: wireCommands(s.Commands)})
	if err != nil {
		return err
	}
	files = append(files, File{Data: spec, VM: wire.SpecPath, Mode: 0o644})
	for _, file := range files {
		if err := addFile(c, file); err != nil {
			return err
		}
	}
	if err := c.Close(); err != nil {
		return err
	}
	return bw.Flush()
}

func wireCommands(cs []Command) []wire.Command {
	out := make([]wire.Command, len(cs))
	for i, c := range cs {
		out[i] = wire.Command{Name: c.Name, Args: c.Args, Env: c.Env, Dir: c.Dir, Timeout: c.Timeout}
	}
	return out
}

func addFile(c *cpioWriter, file File) error {
	if file.Host == "" {
		mode := file.Mode
		if mode == 0 {
			mode = 0o644
		}
		return c.WriteFile(file.VM, mode, int64(len(file.Data)), bytes.NewReader(file.Data))
	}
	f, err := os.Open(file.Host)
	if err != nil {
		return err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s: not a regular file", file.Host)
	}
	mode := file.Mode
	if mode == 0 {
		mode = st.Mode() & (fs.ModePerm | fs.ModeSetuid | fs.ModeSetgid | fs.ModeSticky)
	}
	return c.WriteFile(file.VM, mode, st.Size(), f)
}
