package audio_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"

	"github.com/skoip/skoip/hw/audio"
)

func TestWAVRoundTrip(t *testing.T) {
	in := []int16{0, 1, -1, 32767, -32768, 1234}
	var b bytes.Buffer
	if err := audio.EncodeWAV(&b, 16000, in); err != nil {
		t.Fatal(err)
	}
	if b.Len() != 44+2*len(in) {
		t.Fatalf("%d bytes", b.Len())
	}
	rate, out, err := audio.DecodeWAV(b.Bytes())
	if err != nil || rate != 16000 || len(out) != len(in) {
		t.Fatalf("DecodeWAV = %d, %v, %v", rate, out, err)
	}
	for i := range in {
		if out[i] != in[i] {
			t.Fatalf("sample %d = %d, want %d", i, out[i], in[i])
		}
	}
}

// annotated builds a WAV with an extra chunk of odd size before "data".
func annotated() []byte {
	var b bytes.Buffer
	b.WriteString("RIFF\xff\xff\xff\xffWAVE")
	b.WriteString("fmt \x10\x00\x00\x00")
	_ = binary.Write(&b, binary.LittleEndian, []uint16{1, 1}) // PCM, mono
	_ = binary.Write(&b, binary.LittleEndian, []uint32{8000, 16000})
	_ = binary.Write(&b, binary.LittleEndian, []uint16{2, 16})
	b.WriteString("LIST\x03\x00\x00\x00abc\x00") // odd size: padded
	b.WriteString("data\x04\x00\x00\x00")
	_ = binary.Write(&b, binary.LittleEndian, []int16{7, -7})
	return b.Bytes()
}

func TestDecodeWAVSkipsChunksAndMixesDown(t *testing.T) {
	rate, s, err := audio.DecodeWAV(annotated())
	if err != nil || rate != 8000 || len(s) != 2 || s[0] != 7 || s[1] != -7 {
		t.Fatalf("DecodeWAV = %d %v %v", rate, s, err)
	}
	stereo := annotated()
	stereo[22], stereo[32] = 2, 4 // 2 channels, 4-byte frames
	if rate, s, err := audio.DecodeWAV(stereo); err != nil || rate != 8000 || len(s) != 1 || s[0] != 0 {
		t.Fatalf("stereo: DecodeWAV = %d %v %v, want one frame, (7 + -7) / 2", rate, s, err)
	}
}

// A data chunk that declares more than the file holds (4 GB, or an
// unfinished recording) is refused, not read up to the end.
func TestDecodeWAVRejects(t *testing.T) {
	float := annotated()
	float[20] = 3
	past := annotated()
	copy(past[len(past)-8:], "\xff\xff\xff\xff")
	for name, b := range map[string][]byte{
		"empty": nil, "not riff": []byte("RIFX0000WAVE"), "float": float,
		"no data": annotated()[:44], "data past the end": past,
	} {
		if _, _, err := audio.DecodeWAV(b); !errors.Is(err, audio.ErrWAV) {
			t.Errorf("%s: err = %v, want ErrWAV", name, err)
		}
	}
}

func FuzzDecodeWAV(f *testing.F) {
	var b bytes.Buffer
	_ = audio.EncodeWAV(&b, 8000, []int16{1, 2, 3})
	f.Add(b.Bytes())
	f.Add(annotated())
	f.Add([]byte("RIFF\x00\x00\x00\x00WAVE"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rate, s, err := audio.DecodeWAV(data)
		if err != nil {
			return
		}
		if rate <= 0 || 2*len(s) > len(data) {
			t.Fatalf("rate %d, %d samples from %d bytes", rate, len(s), len(data))
		}
	})
}
