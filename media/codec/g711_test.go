package codec

import (
	"errors"
	"slices"
	"testing"
)

// The decode tables of G.711 (ITU-T G.711 tables 1a/2a, scaled to 16-bit
// left-justified samples as in ITU-T G.191), written out in full: index is
// the code on the wire.
var wantULaw = [256]int16{
	-32124, -31100, -30076, -29052, -28028, -27004, -25980, -24956, // 0x00
	-23932, -22908, -21884, -20860, -19836, -18812, -17788, -16764, // 0x08
	-15996, -15484, -14972, -14460, -13948, -13436, -12924, -12412, // 0x10
	-11900, -11388, -10876, -10364, -9852, -9340, -8828, -8316, // 0x18
	-7932, -7676, -7420, -7164, -6908, -6652, -6396, -6140, // 0x20
	-5884, -5628, -5372, -5116, -4860, -4604, -4348, -4092, // 0x28
	-3900, -3772, -3644, -3516, -3388, -3260, -3132, -3004, // 0x30
	-2876, -2748, -2620, -2492, -2364, -2236, -2108, -1980, // 0x38
	-1884, -1820, -1756, -1692, -1628, -1564, -1500, -1436, // 0x40
	-1372, -1308, -1244, -1180, -1116, -1052, -988, -924, // 0x48
	-876, -844, -812, -780, -748, -716, -684, -652, // 0x50
	-620, -588, -556, -524, -492, -460, -428, -396, // 0x58
	-372, -356, -340, -324, -308, -292, -276, -260, // 0x60
	-244, -228, -212, -196, -180, -164, -148, -132, // 0x68
	-120, -112, -104, -96, -88, -80, -72, -64, // 0x70
	-56, -48, -40, -32, -24, -16, -8, 0, // 0x78
	32124, 31100, 30076, 29052, 28028, 27004, 25980, 24956, // 0x80
	23932, 22908, 21884, 20860, 19836, 18812, 17788, 16764, // 0x88
	15996, 15484, 14972, 14460, 13948, 13436, 12924, 12412, // 0x90
	11900, 11388, 10876, 10364, 9852, 9340, 8828, 8316, // 0x98
	7932, 7676, 7420, 7164, 6908, 6652, 6396, 6140, // 0xA0
	5884, 5628, 5372, 5116, 4860, 4604, 4348, 4092, // 0xA8
	3900, 3772, 3644, 3516, 3388, 3260, 3132, 3004, // 0xB0
	2876, 2748, 2620, 2492, 2364, 2236, 2108, 1980, // 0xB8
	1884, 1820, 1756, 1692, 1628, 1564, 1500, 1436, // 0xC0
	1372, 1308, 1244, 1180, 1116, 1052, 988, 924, // 0xC8
	876, 844, 812, 780, 748, 716, 684, 652, // 0xD0
	620, 588, 556, 524, 492, 460, 428, 396, // 0xD8
	372, 356, 340, 324, 308, 292, 276, 260, // 0xE0
	244, 228, 212, 196, 180, 164, 148, 132, // 0xE8
	120, 112, 104, 96, 88, 80, 72, 64, // 0xF0
	56, 48, 40, 32, 24, 16, 8, 0, // 0xF8
}

var wantALaw = [256]int16{
	-5504, -5248, -6016, -5760, -4480, -4224, -4992, -4736, // 0x00
	-7552, -7296, -8064, -7808, -6528, -6272, -7040, -6784, // 0x08
	-2752, -2624, -3008, -2880, -2240, -2112, -2496, -2368, // 0x10
	-3776, -3648, -4032, -3904, -3264, -3136, -3520, -3392, // 0x18
	-22016, -20992, -24064, -23040, -17920, -16896, -19968, -18944, // 0x20
	-30208, -29184, -32256, -31232, -26112, -25088, -28160, -27136, // 0x28
	-11008, -10496, -12032, -11520, -8960, -8448, -9984, -9472, // 0x30
	-15104, -14592, -16128, -15616, -13056, -12544, -14080, -13568, // 0x38
	-344, -328, -376, -360, -280, -264, -312, -296, // 0x40
	-472, -456, -504, -488, -408, -392, -440, -424, // 0x48
	-88, -72, -120, -104, -24, -8, -56, -40, // 0x50
	-216, -200, -248, -232, -152, -136, -184, -168, // 0x58
	-1376, -1312, -1504, -1440, -1120, -1056, -1248, -1184, // 0x60
	-1888, -1824, -2016, -1952, -1632, -1568, -1760, -1696, // 0x68
	-688, -656, -752, -720, -560, -528, -624, -592, // 0x70
	-944, -912, -1008, -976, -816, -784, -880, -848, // 0x78
	5504, 5248, 6016, 5760, 4480, 4224, 4992, 4736, // 0x80
	7552, 7296, 8064, 7808, 6528, 6272, 7040, 6784, // 0x88
	2752, 2624, 3008, 2880, 2240, 2112, 2496, 2368, // 0x90
	3776, 3648, 4032, 3904, 3264, 3136, 3520, 3392, // 0x98
	22016, 20992, 24064, 23040, 17920, 16896, 19968, 18944, // 0xA0
	30208, 29184, 32256, 31232, 26112, 25088, 28160, 27136, // 0xA8
	11008, 10496, 12032, 11520, 8960, 8448, 9984, 9472, // 0xB0
	15104, 14592, 16128, 15616, 13056, 12544, 14080, 13568, // 0xB8
	344, 328, 376, 360, 280, 264, 312, 296, // 0xC0
	472, 456, 504, 488, 408, 392, 440, 424, // 0xC8
	88, 72, 120, 104, 24, 8, 56, 40, // 0xD0
	216, 200, 248, 232, 152, 136, 184, 168, // 0xD8
	1376, 1312, 1504, 1440, 1120, 1056, 1248, 1184, // 0xE0
	1888, 1824, 2016, 1952, 1632, 1568, 1760, 1696, // 0xE8
	688, 656, 752, 720, 560, 528, 624, 592, // 0xF0
	944, 912, 1008, 976, 816, 784, 880, 848, // 0xF8
}

func TestULawDecodeTable(t *testing.T) {
	for i, want := range wantULaw {
		if got := ULawDecode(byte(i)); got != want {
			t.Errorf("ULawDecode(%#02x) = %d, want %d", i, got, want)
		}
	}
}

func TestALawDecodeTable(t *testing.T) {
	for i, want := range wantALaw {
		if got := ALawDecode(byte(i)); got != want {
			t.Errorf("ALawDecode(%#02x) = %d, want %d", i, got, want)
		}
	}
}

// level is one positive reconstruction value of a G.711 quantiser in its
// own units (14-bit for µ-law, 13-bit for A-law), with the lower edge of its
// decision interval.
type level struct {
	lower int
	code  byte
}

// refLevels builds the positive decision intervals from a decode table and
// the interval widths G.711 gives each segment: interval = [y-w/2, y+w/2),
// except µ-law's zero level whose interval is [0, 1).
func refLevels(table *[256]int16, shift uint, width func(seg int) int, segOf func(code byte) int) []level {
	var ls []level
	for c := 0; c < 256; c++ {
		y := int(table[c])
		if y < 0 || (y == 0 && c < 0x80) {
			continue // negative half, or µ-law's negative zero
		}
		y >>= shift
		lo := y - width(segOf(byte(c)))/2
		if lo < 0 {
			lo = 0
		}
		ls = append(ls, level{lower: lo, code: byte(c)})
	}
	return ls
}

// refEncode picks the level whose decision interval holds the magnitude.
// Magnitudes follow G.191: x>>shift for x >= 0, (^x)>>shift for x < 0
// (one's complement, so -1 and 0 share the smallest interval).
func refEncode(ls []level, x int16, shift uint, negate byte) byte {
	mag := int(x) >> shift
	if x < 0 {
		mag = int(^x) >> shift
	}
	best := level{lower: -1}
	for _, l := range ls {
		if l.lower <= mag && l.lower >= best.lower {
			best = l
		}
	}
	if x < 0 {
		return best.code ^ negate
	}
	return best.code
}

func TestULawEncodeAll(t *testing.T) {
	ls := refLevels(&wantULaw, 2,
		func(seg int) int { return 2 << seg },
		func(c byte) int { return int(^c>>4) & 7 })
	bad := 0
	for i := -32768; i <= 32767; i++ {
		x := int16(i)
		if got, want := ULawEncode(x), refEncode(ls, x, 2, 0x80); got != want {
			if bad++; bad < 10 {
				t.Errorf("ULawEncode(%d) = %#02x, want %#02x", x, got, want)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of 65536 inputs wrong", bad)
	}
}

func TestALawEncodeAll(t *testing.T) {
	ls := refLevels(&wantALaw, 3,
		func(seg int) int { return max(2, 1<<seg) },
		func(c byte) int { return int((c^0x55)>>4) & 7 })
	bad := 0
	for i := -32768; i <= 32767; i++ {
		x := int16(i)
		if got, want := ALawEncode(x), refEncode(ls, x, 3, 0x80); got != want {
			if bad++; bad < 10 {
				t.Errorf("ALawEncode(%d) = %#02x, want %#02x", x, got, want)
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of 65536 inputs wrong", bad)
	}
}

// Hand-checked vectors from the G.711 tables and G.191.
func TestG711Vectors(t *testing.T) {
	cases := []struct {
		x    int16
		u, a byte
	}{
		{0, 0xFF, 0xD5},
		{-1, 0x7F, 0x55},
		{1, 0xFF, 0xD5},
		{4, 0xFE, 0xD5},   // µ-law 14-bit magnitude 1: second interval [1,3)
		{16, 0xFD, 0xD4},  // µ-law magnitude 4: third interval [3,5); A-law 13-bit magnitude 2: second interval [2,4)
		{-16, 0x7D, 0x55}, // one's complement: (^-16)>>2 = 3, (^-16)>>3 = 1
		{32767, 0x80, 0xAA},
		{-32768, 0x00, 0x2A},
		{1000, 0xCE, 0xFA},
		{-1000, 0x4E, 0x7A},
	}
	for _, c := range cases {
		if got := ULawEncode(c.x); got != c.u {
			t.Errorf("ULawEncode(%d) = %#02x, want %#02x", c.x, got, c.u)
		}
		if got := ALawEncode(c.x); got != c.a {
			t.Errorf("ALawEncode(%d) = %#02x, want %#02x", c.x, got, c.a)
		}
	}
}

// Every code survives decode then encode unchanged (except µ-law's
// negative zero 0x7F, which decodes to 0 and encodes as 0xFF).
func TestG711RoundTripCodes(t *testing.T) {
	for i := 0; i < 256; i++ {
		c := byte(i)
		if got := ULawEncode(ULawDecode(c)); got != c && c != 0x7F {
			t.Errorf("µ-law %#02x -> %d -> %#02x", c, ULawDecode(c), got)
		}
		if got := ALawEncode(ALawDecode(c)); got != c {
			t.Errorf("A-law %#02x -> %d -> %#02x", c, ALawDecode(c), got)
		}
	}
}

func TestCodecsAppendWithoutAlloc(t *testing.T) {
	pcm := []int16{0, 1000, -1000, 32767, -32768, 5}
	for _, c := range []Codec{NewPCMU(), NewPCMA(), NewL16(97)} {
		enc := make([]byte, 2, 64)
		enc[0], enc[1] = 0xAB, 0xCD
		allocs := testing.AllocsPerRun(100, func() { _ = c.Encode(enc[:2], pcm) })
		if allocs != 0 {
			t.Errorf("%s Encode allocates %v", c.Name(), allocs)
		}
		enc = c.Encode(enc[:2], pcm)
		if enc[0] != 0xAB || enc[1] != 0xCD {
			t.Errorf("%s Encode overwrote the prefix", c.Name())
		}
		dec := make([]int16, 1, 64)
		dec[0] = 7
		dec = c.Decode(dec, enc[2:])
		if len(dec) != 1+len(pcm) || dec[0] != 7 {
			t.Fatalf("%s Decode: len %d, prefix %d", c.Name(), len(dec), dec[0])
		}
		for i, x := range pcm {
			if d := int(dec[1+i]) - int(x); d > 1024 || d < -1024 {
				t.Errorf("%s round trip of %d gave %d", c.Name(), x, dec[1+i])
			}
		}
	}
}

func TestL16Bytes(t *testing.T) {
	c := NewL16(96)
	got := c.Encode(nil, []int16{0x0102, -2})
	want := []byte{0x01, 0x02, 0xFF, 0xFE}
	if string(got) != string(want) {
		t.Fatalf("L16 Encode = % x, want % x", got, want)
	}
	dec := c.Decode(nil, append(want, 0x55)) // odd trailing byte ignored
	if len(dec) != 2 || dec[0] != 0x0102 || dec[1] != -2 {
		t.Fatalf("L16 Decode = %v", dec)
	}
	if c.PayloadType() != 96 || c.ClockRate() != 8000 || c.Name() != "L16" {
		t.Fatalf("L16 identity: %s %d %d", c.Name(), c.PayloadType(), c.ClockRate())
	}
}

func TestByName(t *testing.T) {
	for _, tc := range []struct {
		name string
		pt   uint8
		want string
	}{{"PCMU", 0, "PCMU"}, {"pcma", 8, "PCMA"}, {"L16", 100, "L16"}, {"PCMU", 101, "PCMU"}} {
		c, err := ByName(tc.name, tc.pt, Options{})
		if err != nil {
			t.Fatalf("ByName(%q): %v", tc.name, err)
		}
		if c.Name() != tc.want || c.PayloadType() != tc.pt {
			t.Errorf("ByName(%q, %d) = %s/%d", tc.name, tc.pt, c.Name(), c.PayloadType())
		}
	}
	if _, err := ByName("iLBC", 97, Options{}); !errors.Is(err, ErrUnknownCodec) {
		t.Errorf("ByName(iLBC) err = %v, want ErrUnknownCodec", err)
	}
	if _, err := ByName("PCMU", 200, Options{}); !errors.Is(err, ErrBadPayloadType) {
		t.Errorf("ByName(PCMU, 200, Options{}) err = %v, want ErrBadPayloadType", err)
	}
}

func TestRegistryRegister(t *testing.T) {
	r := NewRegistry()
	f := func(pt uint8, _ Options) (Codec, error) { return NewL16(pt), nil }
	if err := r.Register("pcmu", f); !errors.Is(err, ErrDuplicate) {
		t.Fatalf("Register(pcmu) err = %v, want ErrDuplicate", err)
	}
	if err := r.Register("L16-2", f); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ByName("l16-2", 97, Options{}); err != nil {
		t.Fatal(err)
	}
	var empty Registry
	if err := empty.Register("X", f); err != nil {
		t.Fatal(err)
	}
	if got := r.Names(); len(got) != len(NewRegistry().Names())+1 || !slices.Contains(got, "L16-2") {
		t.Fatalf("Names = %v", got)
	}
}
