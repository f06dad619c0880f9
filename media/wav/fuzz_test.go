package wav

import (
	"bytes"
	"slices"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to Decode: it must return an error or
// plausible audio, never panic, hang or allocate for sizes the input does
// not hold. Seeds are in testdata/fuzz/FuzzDecode.
func FuzzDecode(f *testing.F) {
	var b bytes.Buffer
	WriteMono16(&b, 8000, []int16{0, 100, -100, 32767})
	f.Add(b.Bytes())
	f.Add(riffFile(fmtChunk(1, 2, 44100, 24), chunk{"data", make([]byte, 12)}))
	f.Add(riffFile(extensibleChunk(1, 1, 48000, 32), chunk{"data", make([]byte, 8)}))
	for _, c := range hostile() {
		f.Add(c.file)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Decode(data)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("error %T %v is not an *Error", err, err)
			}
			return
		}
		if len(a.Samples) == 0 || !slices.Contains(rates, a.Rate) {
			t.Fatalf("accepted %d samples at %d Hz", len(a.Samples), a.Rate)
		}
		if len(a.Samples)*a.Format.BlockAlign > len(data) {
			t.Fatalf("%d samples from %d bytes", len(a.Samples), len(data))
		}
	})
}
