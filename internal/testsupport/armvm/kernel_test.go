package armvm

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/skoip/skoip/internal/testsupport/armvm/internal/wire"
)

// fakeKernel is a kernel directory with the modules.dep lines of Debian's
// 6.1.0-57-arm64 for snd-aloop and snd-hda-intel.
func fakeKernel(t *testing.T) *kernel {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "6.1.0-57-arm64")
	mods := filepath.Join(dir, "lib", "modules", "6.1.0-57-arm64")
	if err := os.MkdirAll(mods, 0o755); err != nil {
		t.Fatal(err)
	}
	dep := `kernel/sound/soundcore.ko:
kernel/sound/core/snd.ko: kernel/sound/soundcore.ko
kernel/sound/core/snd-timer.ko: kernel/sound/core/snd.ko kernel/sound/soundcore.ko
kernel/sound/core/snd-pcm.ko: kernel/sound/core/snd-timer.ko kernel/sound/core/snd.ko kernel/sound/soundcore.ko
kernel/sound/drivers/snd-aloop.ko: kernel/sound/core/snd-pcm.ko kernel/sound/core/snd-timer.ko kernel/sound/core/snd.ko kernel/sound/soundcore.ko
kernel/sound/pci/hda/snd-hda-intel.ko: kernel/sound/hda/snd-intel-dspcfg.ko kernel/sound/pci/hda/snd-hda-codec.ko kernel/sound/hda/snd-hda-core.ko kernel/sound/core/snd-hwdep.ko kernel/sound/core/snd-pcm.ko kernel/sound/core/snd-timer.ko kernel/sound/core/snd.ko kernel/sound/soundcore.ko
`
	files := map[string]string{
		"vmlinuz": "", "lib/modules/6.1.0-57-arm64/modules.dep": dep,
		"lib/modules/6.1.0-57-arm64/modules.builtin": "kernel/drivers/tty/serial/amba-pl011.ko\n",
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	k, err := openKernel(dir)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func TestResolveOrder(t *testing.T) {
	k := fakeKernel(t)
	got, err := k.resolve([]Module{
		{Name: "snd-aloop", Params: "index=1"},
		{Name: "snd_hda_intel"},
		{Name: "snd", Params: "slots=snd-aloop"}, // loaded above as a dependency: its parameters still apply
		{Name: "amba-pl011"},                     // built in: nothing to load
	})
	if err != nil {
		t.Fatal(err)
	}
	const base = "/lib/modules/6.1.0-57-arm64/kernel/sound/"
	want := []wire.Module{
		{Name: "soundcore", Path: base + "soundcore.ko"},
		{Name: "snd", Path: base + "core/snd.ko", Params: "slots=snd-aloop"},
		{Name: "snd_timer", Path: base + "core/snd-timer.ko"},
		{Name: "snd_pcm", Path: base + "core/snd-pcm.ko"},
		{Name: "snd_aloop", Path: base + "drivers/snd-aloop.ko", Params: "index=1"},
		{Name: "snd_hwdep", Path: base + "core/snd-hwdep.ko"},
		{Name: "snd_hda_core", Path: base + "hda/snd-hda-core.ko"},
		{Name: "snd_hda_codec", Path: base + "pci/hda/snd-hda-codec.ko"},
		{Name: "snd_intel_dspcfg", Path: base + "hda/snd-intel-dspcfg.ko"},
		{Name: "snd_hda_intel", Path: base + "pci/hda/snd-hda-intel.ko"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("resolve:\n got %+v\nwant %+v", got, want)
	}
}

func TestResolveErrors(t *testing.T) {
	k := fakeKernel(t)
	for _, m := range []Module{{Name: "snd-nope"}, {Name: "amba-pl011", Params: "x=1"}} {
		_, err := k.resolve([]Module{m})
		if err == nil || !strings.Contains(err.Error(), m.Name) {
			t.Errorf("resolve(%v): %v, want an error naming it", m, err)
		}
	}
}
