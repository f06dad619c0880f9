package wav

import (
	"encoding/binary"
	"fmt"
)

// Format tags (the first field of the fmt chunk).
const (
	TagPCM        = 0x0001
	TagFloat      = 0x0003
	TagALaw       = 0x0006
	TagULaw       = 0x0007
	TagExtensible = 0xFFFE
)

// Accepted ranges.
const (
	MinRate     = 8000
	MaxRate     = 48000
	MaxChannels = 8
)

// Format is a validated fmt chunk. Tag is the effective format tag
// (the sub-format for WAVE_FORMAT_EXTENSIBLE).
type Format struct {
	Tag        uint16
	Channels   int
	Rate       int
	BitsPerSam int // bits per sample as stored: 8, 16, 24, 32 or 64
	BlockAlign int // bytes per frame (all channels)
}

// parseFormat decodes and validates the fmt chunk body.
func parseFormat(b []byte) (Format, error) {
	if len(b) < 16 {
		return Format{}, fmt.Errorf("fmt chunk of %d bytes, need 16: %w", len(b), ErrCorrupt)
	}
	le := binary.LittleEndian
	f := Format{
		Tag:        le.Uint16(b[0:]),
		Channels:   int(le.Uint16(b[2:])),
		Rate:       int(le.Uint32(b[4:])),
		BlockAlign: int(le.Uint16(b[12:])),
		BitsPerSam: int(le.Uint16(b[14:])),
	}
	if f.Tag == TagExtensible {
		// cbSize(2) validBits(2) channelMask(4) subFormat GUID(16): the GUID
		// starts with the real format tag.
		if len(b) < 40 {
			return Format{}, fmt.Errorf("extensible fmt chunk of %d bytes, need 40: %w", len(b), ErrCorrupt)
		}
		f.Tag = le.Uint16(b[24:])
	}
	return f, f.validate()
}

func (f Format) validate() error {
	if err := f.checkEncoding(); err != nil {
		return err
	}
	if f.Channels < 1 || f.Channels > MaxChannels {
		return fmt.Errorf("%d channels, want 1 to %d: %w", f.Channels, MaxChannels, ErrUnsupported)
	}
	if f.Rate < MinRate || f.Rate > MaxRate {
		return fmt.Errorf("sample rate %d Hz, want %d to %d: %w", f.Rate, MinRate, MaxRate, ErrUnsupported)
	}
	if want := f.Channels * f.BitsPerSam / 8; f.BlockAlign != want {
		return fmt.Errorf("block align %d, want %d for %d channels of %d bits: %w",
			f.BlockAlign, want, f.Channels, f.BitsPerSam, ErrCorrupt)
	}
	return nil
}

func (f Format) checkEncoding() error {
	ok := false
	switch f.Tag {
	case TagPCM:
		ok = f.BitsPerSam == 8 || f.BitsPerSam == 16 || f.BitsPerSam == 24 || f.BitsPerSam == 32
	case TagFloat:
		ok = f.BitsPerSam == 32 || f.BitsPerSam == 64
	case TagALaw, TagULaw:
		ok = f.BitsPerSam == 8
	default:
		return fmt.Errorf("format tag %#04x is not PCM, float, A-law or µ-law "+
			"(convert with: sox in.wav -e signed-integer -b 16 out.wav): %w", f.Tag, ErrUnsupported)
	}
	if !ok {
		return fmt.Errorf("%d bits per sample for %s: %w", f.BitsPerSam, f.TagName(), ErrUnsupported)
	}
	return nil
}

// TagName names the effective encoding.
func (f Format) TagName() string {
	switch f.Tag {
	case TagPCM:
		return "PCM"
	case TagFloat:
		return "IEEE float"
	case TagALaw:
		return "A-law"
	case TagULaw:
		return "µ-law"
	}
	return fmt.Sprintf("format %#04x", f.Tag)
}
