package wav

import (
	"encoding/binary"
	"fmt"
	"slices"
)

// Format tags (the first field of the fmt chunk).
const (
	TagPCM        = 0x0001
	TagExtensible = 0xFFFE
)

// Rates are the sample rates accepted, in Hz: those that package dsp
// converts to and from every device rate (8000, 16000, 44100 and 48000).
// Other rates, even within 8 to 48 kHz, need filters too long to build.
var rates = []int{8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000}

// Rates returns the sample rates accepted, in Hz.
func Rates() []int { return slices.Clone(rates) }

// pcmGUID is the tail of KSDATAFORMAT_SUBTYPE_PCM
// (00000001-0000-0010-8000-00aa00389b71) after its first 4 bytes.
const pcmGUID = "\x00\x00\x10\x00\x80\x00\x00\xaa\x00\x38\x9b\x71"

// maxFmtSize bounds the fmt chunk: 16 bytes for PCM, 40 for
// WAVE_FORMAT_EXTENSIBLE; more is a damaged file.
const maxFmtSize = 1024

// Format is a validated fmt chunk: integer PCM, possibly stored as
// WAVE_FORMAT_EXTENSIBLE.
type Format struct {
	Channels   int // 1 or 2
	Rate       int // one of Rates(), Hz
	BitsPerSam int // 8, 16, 24 or 32
	BlockAlign int // bytes per frame: Channels * BitsPerSam / 8
}

// parseFormat decodes and validates the fmt chunk body.
func parseFormat(b []byte) (Format, error) {
	if len(b) < 16 {
		return Format{}, fail(ErrCorrupt, fmt.Sprintf("fmt chunk of %d bytes, need 16", len(b)))
	}
	le := binary.LittleEndian
	tag := le.Uint16(b[0:])
	f := Format{
		Channels:   int(le.Uint16(b[2:])),
		Rate:       int(le.Uint32(b[4:])),
		BlockAlign: int(le.Uint16(b[12:])),
		BitsPerSam: int(le.Uint16(b[14:])),
	}
	if err := checkTag(tag, b); err != nil {
		return Format{}, err
	}
	return f, f.validate()
}

// checkTag accepts PCM, and WAVE_FORMAT_EXTENSIBLE whose sub-format GUID is
// PCM's.
func checkTag(tag uint16, b []byte) error {
	const convert = "; convert it, e.g. `sox in.wav -e signed-integer -b 16 out.wav`"
	switch {
	case tag == TagPCM:
		return nil
	case tag != TagExtensible:
		return fail(ErrUnsupported, fmt.Sprintf("not PCM (format %d)%s", tag, convert))
	case len(b) < 40 || binary.LittleEndian.Uint16(b[16:]) < 22:
		// cbSize(2) validBits(2) channelMask(4) subFormat GUID(16)
		return fail(ErrCorrupt, fmt.Sprintf("WAVE_FORMAT_EXTENSIBLE fmt chunk of %d bytes, need 40", len(b)))
	case binary.LittleEndian.Uint32(b[24:]) != TagPCM || string(b[28:40]) != pcmGUID:
		return fail(ErrUnsupported, fmt.Sprintf("not PCM (WAVE_FORMAT_EXTENSIBLE with sub-format %s)%s", guid(b[24:40]), convert))
	}
	return nil
}

// guid formats the 16 bytes of a GUID as Windows writes it.
func guid(b []byte) string {
	le := binary.LittleEndian
	return fmt.Sprintf("%08x-%04x-%04x-%x-%x", le.Uint32(b), le.Uint16(b[4:]), le.Uint16(b[6:]), b[8:10], b[10:16])
}

func (f Format) validate() error {
	switch {
	case f.Channels < 1 || f.Channels > 2:
		return fail(ErrUnsupported, fmt.Sprintf("%d channels (1 or 2 supported)", f.Channels))
	case !slices.Contains(rates, f.Rate):
		return fail(ErrUnsupported, fmt.Sprintf("sample rate %d Hz (%s supported)", f.Rate, rateList()))
	case f.BitsPerSam != 8 && f.BitsPerSam != 16 && f.BitsPerSam != 24 && f.BitsPerSam != 32:
		return fail(ErrUnsupported, fmt.Sprintf("%d bits per sample (8, 16, 24 or 32 supported)", f.BitsPerSam))
	case f.BlockAlign != f.Channels*f.BitsPerSam/8:
		return fail(ErrCorrupt, fmt.Sprintf("block align %d, want %d (channels × bytes per sample)",
			f.BlockAlign, f.Channels*f.BitsPerSam/8))
	}
	return nil
}

func rateList() string {
	s := ""
	for i, r := range rates {
		switch {
		case i == len(rates)-1:
			s += " or "
		case i > 0:
			s += ", "
		}
		s += fmt.Sprint(r)
	}
	return s
}
