package sdimage

import "testing"

// What fsck.fat -n said after power cuts in the image test: which of it is
// an unclean unmount of a sound FAT, and which is damage.
func TestFATUnclean(t *testing.T) {
	const dirty = `fsck.fat 4.2 (2021-01-31)
There are differences between boot sector and its backup.
This is mostly harmless. Differences: (offset:original/backup)
  65:01/00
  Not automatically fixing this.
Dirty bit is set. Fs was not properly unmounted and some data may be corrupt.
 Automatically removing dirty bit.
`
	const tail = `
Leaving filesystem unchanged.
/tmp/TestImagePowerCuts90624739/013/p1: 54 files, 208446/516190 clusters
`
	for _, c := range []struct {
		name      string
		out       string
		ok, stale bool
	}{
		{"dirty flag", dirty + tail, true, false},
		{"stale free count (power cut 6 of a run, during an update)",
			dirty + "Free cluster summary wrong (319831 vs. really 307744)\n  Auto-correcting.\n" + tail, true, true},
		{"auto-correcting something else", dirty + "  Auto-correcting.\n" + tail, false, false},
		{"lost clusters", dirty + "Reclaimed 3 unused clusters (12288 bytes) in 1 chain.\n" + tail, false, false},
		{"a bad directory entry", dirty + "/a/vmlinuz\n  File size is 1024 bytes, cluster chain length is 0.\n  Truncating file to 0 bytes.\n" + tail, false, false},
		{"another byte differs", "There are differences between boot sector and its backup.\n  71:01/00\n" + tail, false, false},
	} {
		ok, stale := fatUnclean(c.out)
		if ok != c.ok || stale != c.stale {
			t.Errorf("%s: ok %v stale %v, want %v %v", c.name, ok, stale, c.ok, c.stale)
		}
	}
}
