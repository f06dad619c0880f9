package codec

import (
	"errors"
	"strings"
	"testing"
)

func TestParseOpusFMTP(t *testing.T) {
	def := DefaultOpusFMTP()
	for _, c := range []struct {
		in   string
		want OpusFMTP
		bad  bool
	}{
		{"", def, false},
		{"  ;; ", def, false},
		{"maxplaybackrate=16000;sprop-maxcapturerate=16000;useinbandfec=1",
			OpusFMTP{MaxPlaybackRate: 16000, SpropMaxCaptureRate: 16000, UseInbandFEC: FMTPOn}, false},
		{" MaxPlaybackRate = 8000 ; useinbandfec=0; usedtx=1;stereo=0;sprop-stereo=1;cbr=1;",
			OpusFMTP{MaxPlaybackRate: 8000, SpropMaxCaptureRate: 48000, UseInbandFEC: FMTPOff, UseDTX: FMTPOn,
				Stereo: FMTPOff, SpropStereo: FMTPOn, CBR: FMTPOn}, false},
		{"minptime=10;ptime=20;maxptime=120;maxaveragebitrate=20000;x-google-foo=bar;novalue",
			OpusFMTP{MaxPlaybackRate: 48000, SpropMaxCaptureRate: 48000, MaxAverageBitrate: 20000,
				PTime: 20, MinPTime: 10, MaxPTime: 120}, false},
		// clamped to the RFC's ranges
		{"maxplaybackrate=96000;sprop-maxcapturerate=4000;maxaveragebitrate=1000",
			OpusFMTP{MaxPlaybackRate: 48000, SpropMaxCaptureRate: 8000, MaxAverageBitrate: 6000}, false},
		{"maxaveragebitrate=99999999999999999999999", OpusFMTP{MaxPlaybackRate: 48000, SpropMaxCaptureRate: 48000, MaxAverageBitrate: 510000}, false},
		{"useinbandfec=1;useinbandfec=0", OpusFMTP{MaxPlaybackRate: 48000, SpropMaxCaptureRate: 48000, UseInbandFEC: FMTPOff}, false},
		// bad values keep the default, the rest is read
		{"maxplaybackrate=16k;useinbandfec=1", OpusFMTP{MaxPlaybackRate: 48000, SpropMaxCaptureRate: 48000, UseInbandFEC: FMTPOn}, true},
		{"useinbandfec=true;usedtx=2;stereo", def, true},
		{"maxaveragebitrate=-5;ptime=0;cbr=", def, true},
		{"maxplaybackrate=1.5e4", def, true},
		{strings.Repeat("stereo=1;", 114), def, true}, // 1026 bytes
	} {
		got, err := ParseOpusFMTP(c.in)
		if got != c.want || (err != nil) != c.bad {
			t.Errorf("%.40q: %+v, %v; want %+v, error %v", c.in, got, err, c.want, c.bad)
		}
		if err != nil && (!errors.Is(err, ErrBadFMTP) || !strings.Contains(err.Error(), "codec.ParseOpusFMTP")) {
			t.Errorf("%.40q: error %v", c.in, err)
		}
	}
	if _, err := ParseOpusFMTP("cbr=2; usedtx=x"); err == nil || !strings.Contains(err.Error(), `"cbr=2"`) || !strings.Contains(err.Error(), `"usedtx=x"`) {
		t.Errorf("error does not name both bad parameters: %v", err)
	}
}

func TestOpusLocalFMTP(t *testing.T) {
	if got := OpusLocalFMTP(Options{}); got != "maxplaybackrate=16000;sprop-maxcapturerate=16000;useinbandfec=1" {
		t.Errorf("%q", got)
	}
	if got := OpusLocalFMTP(Options{DTX: true, NoFEC: true}); got != "maxplaybackrate=16000;sprop-maxcapturerate=16000;useinbandfec=1;usedtx=1" {
		t.Errorf("DTX: %q", got)
	}
	f, err := ParseOpusFMTP(OpusLocalFMTP(Options{DTX: true}))
	if err != nil || f.MaxPlaybackRate != 16000 || !f.UseInbandFEC.On() || !f.UseDTX.On() || f.Stereo.On() {
		t.Errorf("our own fmtp reads as %+v, %v", f, err)
	}
}

func TestOpusConfig(t *testing.T) {
	for _, c := range []struct {
		opt  Options
		want opusSettings
	}{
		{Options{Complexity: -1}, opusSettings{bitrate: 32000, complexity: 5, packetLoss: 5, fec: true, band: bandWide}},
		{Options{}, opusSettings{bitrate: 32000, complexity: 0, packetLoss: 5, fec: true, band: bandWide}},
		{Options{Bitrate: 24000, Complexity: 10, PacketLoss: 20, DTX: true, NoFEC: true, FMTP: "useinbandfec=1"},
			opusSettings{bitrate: 24000, complexity: 10, packetLoss: 20, dtx: true, band: bandWide}},
		{Options{FMTP: "useinbandfec=0;usedtx=1;cbr=1;maxplaybackrate=8000;maxaveragebitrate=16000"},
			opusSettings{bitrate: 16000, packetLoss: 5, dtx: true, cbr: true, band: bandNarrow}},
		{Options{Bitrate: 12000, FMTP: "maxplaybackrate=12000;maxaveragebitrate=64000"},
			opusSettings{bitrate: 12000, packetLoss: 5, fec: true, band: bandMedium}},
		{Options{FMTP: "maxplaybackrate=24000;useinbandfec=maybe"}, opusSettings{bitrate: 32000, packetLoss: 5, fec: true, band: bandWide}},
	} {
		got, err := opusConfig(c.opt)
		if err != nil || got != c.want {
			t.Errorf("%+v: %+v, %v; want %+v", c.opt, got, err, c.want)
		}
	}
	for _, opt := range []Options{{Complexity: 11}, {Complexity: -2}, {Bitrate: 5999}, {Bitrate: -1},
		{Bitrate: 510001}, {PacketLoss: 101}, {PacketLoss: -1}} {
		if _, err := opusConfig(opt); err == nil || !strings.HasPrefix(err.Error(), "codec.NewOpus: ") {
			t.Errorf("%+v: %v", opt, err)
		}
	}
}

// ByName has opus exactly when the build has libopus.
func TestOpusAvailable(t *testing.T) {
	c, err := ByName("opus", 111, Options{})
	if OpusAvailable != (err == nil) {
		t.Fatalf("OpusAvailable %v, ByName: %v", OpusAvailable, err)
	}
	if err != nil && !errors.Is(err, ErrUnknownCodec) {
		t.Errorf("ByName: %v", err)
	}
	if cl, ok := c.(interface{ Close() error }); ok {
		cl.Close()
	}
}

func FuzzOpusFMTP(f *testing.F) {
	for _, s := range []string{"", "maxplaybackrate=16000;sprop-maxcapturerate=16000;useinbandfec=1",
		"minptime=10;useinbandfec=1", " stereo = 1 ;; cbr=0;maxaveragebitrate=99999999999", "=;=;;x=", "usedtx=1;ptime=20"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseOpusFMTP(s)
		if err != nil && !errors.Is(err, ErrBadFMTP) {
			t.Fatalf("error %v", err)
		}
		if p.MaxPlaybackRate < 8000 || p.MaxPlaybackRate > 48000 || p.SpropMaxCaptureRate < 8000 || p.SpropMaxCaptureRate > 48000 ||
			p.MaxAverageBitrate != 0 && (p.MaxAverageBitrate < 6000 || p.MaxAverageBitrate > 510000) ||
			p.PTime < 0 || p.PTime > 1000 || p.MinPTime < 0 || p.MinPTime > 1000 || p.MaxPTime < 0 || p.MaxPTime > 1000 {
			t.Fatalf("out of range: %+v", p)
		}
		for _, fl := range []FMTPFlag{p.Stereo, p.SpropStereo, p.CBR, p.UseInbandFEC, p.UseDTX} {
			if fl != FMTPUnset && fl != FMTPOff && fl != FMTPOn {
				t.Fatalf("flag %d", fl)
			}
		}
		if len(s) > 1024 && (err == nil || p != DefaultOpusFMTP()) {
			t.Fatalf("%d bytes read", len(s))
		}
		st, err := opusConfig(Options{Complexity: -1, FMTP: s})
		if err != nil || st.bitrate < 6000 || st.bitrate > 32000 {
			t.Fatalf("opusConfig: %+v, %v", st, err)
		}
	})
}
