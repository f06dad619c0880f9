package wav

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// chunk is one RIFF chunk for building test files by hand.
type chunk struct {
	id   string
	body []byte
}

// riffFile assembles RIFF/WAVE from chunks, padding odd ones.
func riffFile(chunks ...chunk) []byte {
	var b bytes.Buffer
	b.WriteString("RIFF\x00\x00\x00\x00WAVE")
	for _, c := range chunks {
		b.WriteString(c.id)
		binary.Write(&b, binary.LittleEndian, uint32(len(c.body)))
		b.Write(c.body)
		if len(c.body)%2 == 1 {
			b.WriteByte(0)
		}
	}
	out := b.Bytes()
	binary.LittleEndian.PutUint32(out[4:], uint32(len(out)-8))
	return out
}

func fmtChunk(tag uint16, channels, rate, bits int) chunk {
	b := make([]byte, 16)
	le := binary.LittleEndian
	le.PutUint16(b[0:], tag)
	le.PutUint16(b[2:], uint16(channels))
	le.PutUint32(b[4:], uint32(rate))
	le.PutUint32(b[8:], uint32(rate*channels*bits/8))
	le.PutUint16(b[12:], uint16(channels*bits/8))
	le.PutUint16(b[14:], uint16(bits))
	return chunk{"fmt ", b}
}

func extensibleChunk(sub uint16, channels, rate, bits int) chunk {
	c := fmtChunk(TagExtensible, channels, rate, bits)
	ext := make([]byte, 24)
	binary.LittleEndian.PutUint16(ext[0:], 22)
	binary.LittleEndian.PutUint16(ext[2:], uint16(bits))
	binary.LittleEndian.PutUint16(ext[8:], sub) // GUID xxxx0000-0000-0010-8000-00aa00389b71
	copy(ext[10:], "\x00\x00\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71")
	c.body = append(c.body, ext...)
	return c
}

func le16(vs ...int16) []byte {
	var b []byte
	for _, v := range vs {
		b = binary.LittleEndian.AppendUint16(b, uint16(v))
	}
	return b
}

func TestDecodeEncodings(t *testing.T) {
	want := []int16{0, 256, -256, 32767 &^ 255, -32768}
	cases := []struct {
		name string
		file []byte
		want []int16
	}{
		{"pcm16", riffFile(fmtChunk(1, 1, 8000, 16), chunk{"data", le16(want...)}), want},
		{"pcm8", riffFile(fmtChunk(1, 1, 8000, 8), chunk{"data", []byte{128, 129, 127, 255, 0}}), want},
		{"pcm24", riffFile(fmtChunk(1, 1, 8000, 24), chunk{"data", []byte{
			0x7F, 0, 0, 0xFF, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F, 0, 0, 0x80}}),
			[]int16{0, 1, -1, 32767, -32768}},
		{"pcm32", riffFile(fmtChunk(1, 1, 8000, 32), chunk{"data", []byte{
			0xFF, 0xFF, 0, 0, 0, 0, 1, 0, 0, 0, 0xFF, 0xFF}}),
			[]int16{0, 1, -1}},
		{"extensible", riffFile(extensibleChunk(1, 1, 8000, 16), chunk{"data", le16(want...)}), want},
		{"stereo", riffFile(fmtChunk(1, 2, 8000, 16), chunk{"data", le16(1000, 3000, -5, -6, 32767, 32767)}),
			[]int16{2000, -5, 32767}},
		{"list before fmt, odd chunk", riffFile(chunk{"LIST", []byte("INFOabc")}, fmtChunk(1, 1, 8000, 16),
			chunk{"fact", []byte{1, 2, 3}}, chunk{"data", le16(want...)}), want},
		{"8-bit, odd data size", riffFile(fmtChunk(1, 1, 8000, 8), chunk{"data", []byte{128, 129, 127}}), []int16{0, 256, -256}},
	}
	for _, c := range cases {
		a, err := Decode(c.file)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !slices.Equal(a.Samples, c.want) || a.Rate != 8000 {
			t.Errorf("%s: got %v at %d Hz, want %v", c.name, a.Samples, a.Rate, c.want)
		}
	}
}

// hostile are the damaged and unsupported files that check-config once
// accepted and `skoip run` then failed on, and their siblings.
func hostile() []struct {
	name string
	file []byte
	want error
	text string
} {
	data := chunk{"data", le16(1, 2, 3, 4)}
	good := riffFile(fmtChunk(1, 1, 16000, 16), data)
	align := func(a uint16) chunk {
		c := fmtChunk(1, 1, 8000, 16)
		binary.LittleEndian.PutUint16(c.body[12:], a)
		return c
	}
	huge := riffFile(fmtChunk(1, 1, 8000, 16), data)
	binary.LittleEndian.PutUint32(huge[40:], 0xFFFFFFFF) // the data chunk claims 4 GB
	hugeJunk := riffFile(fmtChunk(1, 1, 8000, 16), chunk{"junk", []byte{1, 2}}, data)
	binary.LittleEndian.PutUint32(hugeJunk[40:], 0xFFFFFFFF)
	many := []chunk{fmtChunk(1, 1, 8000, 16)}
	for range maxChunks {
		many = append(many, chunk{"pad ", nil})
	}
	return []struct {
		name string
		file []byte
		want error
		text string
	}{
		{"empty", nil, ErrNotWAV, "not a WAV file"},
		{"text", []byte("hello, this is not audio at all"), ErrNotWAV, "not a WAV file"},
		{"header only", good[:12], ErrTruncated, "no fmt chunk"},
		{"no data", riffFile(fmtChunk(1, 1, 8000, 16)), ErrTruncated, "no data chunk"},
		{"data first", riffFile(data, fmtChunk(1, 1, 8000, 16)), ErrCorrupt, "before any fmt"},
		{"empty data", riffFile(fmtChunk(1, 1, 8000, 16), chunk{"data", nil}), ErrNoSamples, "no audio"},
		{"truncated data", good[:len(good)-3], ErrTruncated, "declares 8 bytes, only 5 follow"},
		{"4 GB data chunk", huge, ErrTruncated, "declares 4294967295 bytes, only 8 follow"},
		{"4 GB other chunk", hugeJunk, ErrTruncated, `"junk" chunk at byte 36 declares 4294967295 bytes`},
		{"truncated fmt", good[:30], ErrTruncated, `"fmt " chunk at byte 12 declares 16 bytes, only 10 follow`},
		{"short fmt", riffFile(chunk{"fmt ", make([]byte, 10)}, data), ErrCorrupt, "need 16"},
		{"huge fmt", riffFile(chunk{"fmt ", make([]byte, 2000)}, data), ErrCorrupt, "at most 1024"},
		{"two fmt", riffFile(fmtChunk(1, 1, 8000, 16), fmtChunk(1, 1, 8000, 16), data), ErrCorrupt, "second fmt"},
		{"float", riffFile(fmtChunk(3, 1, 8000, 32), data), ErrUnsupported, "not PCM (format 3)"},
		{"mp3 extensible", riffFile(extensibleChunk(0x55, 1, 8000, 16), data), ErrUnsupported,
			"sub-format 00000055-0000-0010-8000-00aa00389b71"},
		{"short extensible", riffFile(chunk{"fmt ", fmtChunk(TagExtensible, 1, 8000, 16).body}, data), ErrCorrupt, "need 40"},
		{"12-bit", riffFile(fmtChunk(1, 1, 8000, 12), data), ErrUnsupported, "12 bits per sample"},
		{"96 kHz", riffFile(fmtChunk(1, 1, 96000, 16), data), ErrUnsupported, "sample rate 96000 Hz"},
		{"8001 Hz", riffFile(fmtChunk(1, 1, 8001, 16), data), ErrUnsupported, "sample rate 8001 Hz"},
		{"0 channels", riffFile(fmtChunk(1, 0, 8000, 16), data), ErrUnsupported, "0 channels"},
		{"6 channels", riffFile(fmtChunk(1, 6, 8000, 16), data), ErrUnsupported, "6 channels"},
		{"block align 4", riffFile(align(4), data), ErrCorrupt, "block align 4, want 2"},
		{"block align 0", riffFile(align(0), data), ErrCorrupt, "block align 0, want 2"},
		{"odd data size", riffFile(fmtChunk(1, 1, 8000, 16), chunk{"data", []byte{1, 2, 3}}), ErrCorrupt,
			"3 bytes is not a whole number of 2-byte frames"},
		{"partial frame", riffFile(fmtChunk(1, 2, 8000, 16), chunk{"data", le16(1, 2, 3)}), ErrCorrupt, "whole number"},
		{"many chunks", riffFile(append(many, data)...), ErrCorrupt, "more than 64 chunks"},
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, c := range hostile() {
		_, err := Decode(c.file)
		if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.text) {
			t.Errorf("%s: err = %v, want %v mentioning %q", c.name, err, c.want, c.text)
		}
	}
}

func TestWriteMono16RoundTrip(t *testing.T) {
	in := []int16{0, 1, -1, 32767, -32768, 1234}
	var b bytes.Buffer
	if err := WriteMono16(&b, 16000, in); err != nil {
		t.Fatal(err)
	}
	if b.Len() != 44+12 || string(b.Bytes()[:4]) != "RIFF" {
		t.Fatalf("header: % x", b.Bytes()[:12])
	}
	a, err := Decode(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a.Samples, in) || a.Rate != 16000 || a.Format.Channels != 1 {
		t.Fatalf("round trip: %v at %d", a.Samples, a.Rate)
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "bell.wav")
	f, _ := os.Create(good)
	if err := WriteMono16(f, 8000, []int16{1, 2, 3}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if a, err := ReadFile(good); err != nil || len(a.Samples) != 3 {
		t.Fatalf("ReadFile: %v, %v", a, err)
	}
	bad := filepath.Join(dir, "broken.wav")
	os.WriteFile(bad, []byte("RIFF\x10\x00\x00\x00WAVEfmt "), 0o644)
	fifo := filepath.Join(dir, "fifo.wav")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{bad, filepath.Join(dir, "missing.wav"), dir, fifo} {
		_, err := ReadFile(p) // a FIFO must not block
		if err == nil || !strings.Contains(err.Error(), p) {
			t.Errorf("ReadFile(%s): err = %v, want an error naming the file", p, err)
		}
	}
}
