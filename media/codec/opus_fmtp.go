package codec

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrBadFMTP is returned by ParseOpusFMTP for a string it cannot read.
var ErrBadFMTP = errors.New("codec: bad fmtp")

// maxFMTPLen bounds the fmtp string ParseOpusFMTP reads.
const maxFMTPLen = 1024

// FMTPFlag is a 0/1 format parameter that may be absent. Every flag of
// RFC 7587 means 0 when absent.
type FMTPFlag int8

// The values of an FMTPFlag.
const (
	FMTPUnset FMTPFlag = iota // not in the string
	FMTPOff                   // "=0"
	FMTPOn                    // "=1"
)

// On reports whether the flag was given as 1.
func (f FMTPFlag) On() bool { return f == FMTPOn }

// OpusFMTP holds the Opus format parameters of RFC 7587 section 6.1, as a
// peer sends them in a=fmtp. Fields that the string did not set hold the
// RFC's defaults.
type OpusFMTP struct {
	// MaxPlaybackRate is the highest sample rate the peer plays (8000-48000
	// Hz, out-of-range values clamped); 48000 when absent.
	MaxPlaybackRate int
	// SpropMaxCaptureRate is the highest rate the peer captures (8000-48000
	// Hz, clamped); 48000 when absent.
	SpropMaxCaptureRate int
	// MaxAverageBitrate is the most the peer wants to receive, bit/s
	// (6000-510000, clamped); 0 when absent: no limit.
	MaxAverageBitrate int
	// Stereo: the peer prefers to receive stereo. SpropStereo: it is likely
	// to send stereo. CBR: it prefers constant bitrate. UseInbandFEC: its
	// decoder uses in-band FEC. UseDTX: it prefers that the sender use DTX.
	Stereo, SpropStereo, CBR, UseInbandFEC, UseDTX FMTPFlag
	// PTime, MinPTime and MaxPTime are packet durations in ms (1-1000),
	// 0 when absent; some peers put them in the fmtp line.
	PTime, MinPTime, MaxPTime int
}

// DefaultOpusFMTP returns the parameters of a peer that sent no fmtp.
func DefaultOpusFMTP() OpusFMTP {
	return OpusFMTP{MaxPlaybackRate: 48000, SpropMaxCaptureRate: 48000}
}

// ParseOpusFMTP reads an Opus fmtp parameter string
// ("maxplaybackrate=16000; useinbandfec=1"): parameters separated by ';',
// names case-insensitive, spaces around names and values ignored, unknown
// parameters skipped, the last of a repeated one kept. A known parameter
// with a value it cannot read keeps its default and makes the error
// non-nil (wrapping ErrBadFMTP, naming every bad parameter); the other
// fields are still filled, so a caller may use the result anyway. A
// string longer than 1024 bytes is refused whole (defaults and an error).
func ParseOpusFMTP(s string) (OpusFMTP, error) {
	f := DefaultOpusFMTP()
	if len(s) > maxFMTPLen {
		return f, fmt.Errorf("codec.ParseOpusFMTP: %d bytes, over %d: %w", len(s), maxFMTPLen, ErrBadFMTP)
	}
	var errs []error
	for s != "" {
		var p string
		p, s, _ = strings.Cut(s, ";")
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		k, v, _ := strings.Cut(p, "=")
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		ok := true
		switch k {
		case "maxplaybackrate":
			ok = setInt(&f.MaxPlaybackRate, v, 8000, 48000)
		case "sprop-maxcapturerate":
			ok = setInt(&f.SpropMaxCaptureRate, v, 8000, 48000)
		case "maxaveragebitrate":
			ok = setInt(&f.MaxAverageBitrate, v, 6000, 510000)
		case "stereo":
			ok = setFlag(&f.Stereo, v)
		case "sprop-stereo":
			ok = setFlag(&f.SpropStereo, v)
		case "cbr":
			ok = setFlag(&f.CBR, v)
		case "useinbandfec":
			ok = setFlag(&f.UseInbandFEC, v)
		case "usedtx":
			ok = setFlag(&f.UseDTX, v)
		case "ptime":
			ok = setInt(&f.PTime, v, 1, 1000)
		case "minptime":
			ok = setInt(&f.MinPTime, v, 1, 1000)
		case "maxptime":
			ok = setInt(&f.MaxPTime, v, 1, 1000)
		default:
			continue
		}
		if !ok {
			errs = append(errs, fmt.Errorf("codec.ParseOpusFMTP: %q: %w", p, ErrBadFMTP))
		}
	}
	return f, errors.Join(errs...)
}

// setInt sets *dst to the positive decimal integer v clamped to lo-hi;
// false (and *dst unchanged) when v is not one.
func setInt(dst *int, v string, lo, hi int) bool {
	n, err := strconv.ParseUint(v, 10, 63)
	if (err != nil && !errors.Is(err, strconv.ErrRange)) || n == 0 {
		return false
	}
	if err != nil || n > uint64(hi) {
		n = uint64(hi)
	}
	*dst = max(int(n), lo)
	return true
}

// setFlag sets *dst from "0" or "1"; false for anything else.
func setFlag(dst *FMTPFlag, v string) bool {
	switch v {
	case "0":
		*dst = FMTPOff
	case "1":
		*dst = FMTPOn
	default:
		return false
	}
	return true
}

// OpusLocalFMTP returns the fmtp parameters SKOIP offers or answers for
// Opus: it plays and captures at 16 kHz (wideband), its decoder uses
// in-band FEC, and with opt.DTX it asks the peer to use DTX as well
// (usedtx=1). Mono is the default (stereo=0), so it is left out.
func OpusLocalFMTP(opt Options) string {
	s := "maxplaybackrate=16000;sprop-maxcapturerate=16000;useinbandfec=1"
	if opt.DTX {
		s += ";usedtx=1"
	}
	return s
}

// opusBand is the widest audio band the encoder may code.
type opusBand int

// The bands of opusBand; SKOIP captures at 16 kHz, so wideband is the most.
const (
	bandNarrow opusBand = iota // 4 kHz
	bandMedium                 // 6 kHz
	bandWide                   // 8 kHz
)

// opusSettings are an encoder's settings, from Options and the peer's fmtp.
type opusSettings struct {
	bitrate, complexity, packetLoss int
	fec, dtx, cbr                   bool
	band                            opusBand
}

// opusConfig derives the encoder settings from opt. Out-of-range Options
// are errors; an fmtp parameter the peer got wrong is not (its default
// applies: a call should not fail over a hint).
//
// The fmtp parameters are the peer's wishes as a receiver (RFC 7587
// section 6.1): maxplaybackrate narrows the band (8000 Hz or less:
// narrowband, 12000 or less: mediumband), maxaveragebitrate caps the
// bitrate, cbr=1 turns VBR off, usedtx=1 turns DTX on as opt.DTX does.
// In-band FEC is on unless opt.NoFEC or the peer says useinbandfec=0:
// the RFC's default for an absent useinbandfec is 0, but a decoder must
// accept packets that carry FEC (it may ignore that part), so sending it
// is always safe, and most decoders are libopus, which uses it. Only an
// explicit 0 is taken as "do not spend the bits".
func opusConfig(opt Options) (opusSettings, error) {
	s := opusSettings{
		bitrate:    opt.Bitrate,
		complexity: opt.Complexity,
		packetLoss: opt.PacketLoss,
		dtx:        opt.DTX,
		fec:        !opt.NoFEC,
		band:       bandWide,
	}
	switch {
	case s.bitrate == 0:
		s.bitrate = DefaultOpusBitrate
	case s.bitrate < 6000 || s.bitrate > 510000:
		return s, fmt.Errorf("codec.NewOpus: bitrate %d outside 6000-510000 bit/s", opt.Bitrate)
	}
	switch {
	case s.complexity == -1:
		s.complexity = DefaultOpusComplexity
	case s.complexity < 0 || s.complexity > 10:
		return s, fmt.Errorf("codec.NewOpus: complexity %d outside 0-10 (-1: default)", opt.Complexity)
	}
	switch {
	case s.packetLoss == 0:
		s.packetLoss = DefaultOpusPacketLoss
	case s.packetLoss < 0 || s.packetLoss > 100:
		return s, fmt.Errorf("codec.NewOpus: packet loss %d%% outside 0-100", opt.PacketLoss)
	}
	peer, _ := ParseOpusFMTP(opt.FMTP) // bad parameters keep their defaults
	if peer.MaxAverageBitrate > 0 {
		s.bitrate = min(s.bitrate, peer.MaxAverageBitrate)
	}
	switch {
	case peer.MaxPlaybackRate <= 8000:
		s.band = bandNarrow
	case peer.MaxPlaybackRate <= 12000:
		s.band = bandMedium
	}
	if peer.UseInbandFEC == FMTPOff {
		s.fec = false
	}
	s.dtx = s.dtx || peer.UseDTX.On()
	s.cbr = peer.CBR.On()
	return s, nil
}
