//go:build cgo

package codec

/*
// libopus is BSD-licensed; it is linked statically from Debian's
// libopus-dev (1.3), for amd64, arm64 and armhf alike.
#cgo LDFLAGS: -l:libopus.a -lm
#include <opus/opus.h>

// The opus_*_ctl functions are variadic, which cgo cannot call: every
// setter SKOIP uses takes one opus_int32.
static int skoip_opus_set(OpusEncoder *e, int req, opus_int32 v) {
	return opus_encoder_ctl(e, req, v);
}

static int skoip_opus_lookahead(OpusEncoder *e) {
	opus_int32 v = -1;
	opus_encoder_ctl(e, OPUS_GET_LOOKAHEAD(&v));
	return v;
}

// skoip_opus_samples returns the samples at 16 kHz of a packet whose
// frames parse (120 ms at most), 0 for anything else.
static int skoip_opus_samples(const unsigned char *p, int len) {
	const unsigned char *frames[48];
	opus_int16 size[48];
	if (len < 1) return 0;
	int n = opus_packet_get_nb_samples(p, len, 16000);
	if (n <= 0 || opus_packet_parse(p, len, NULL, frames, size, NULL) <= 0) return 0;
	return n;
}

// skoip_opus_has_fec says whether decoding p with decode_fec and n samples
// would use LBRR data rather than fall back to PLC: the packet is SILK or
// hybrid, n covers its frame, and the LBRR flag of its first frame is set.
// The SILK layer opens with one VAD bit per 20 ms SILK frame and then the
// LBRR flag, for the mid channel and, in stereo, again for the side
// channel; they are range coded with probability 1/2 as its first symbols,
// so they are the leading bits of the frame's first byte (RFC 6716,
// section 4.2.3). A frame of 0 or 1 byte is DTX (the decoder conceals it).
static int skoip_opus_has_fec(const unsigned char *p, int len, int n) {
	const unsigned char *frames[48];
	opus_int16 size[48];
	if (len < 1 || (p[0] & 0x80)) return 0;
	int fs = opus_packet_get_samples_per_frame(p, 16000);
	if (fs > n || opus_packet_parse(p, len, NULL, frames, size, NULL) <= 0 || size[0] < 2) return 0;
	int silk = fs / 320;
	if (silk < 1) silk = 1;
	int b = frames[0][0];
	int lbrr = (b >> (7 - silk)) & 1;
	if (p[0] & 0x4) lbrr |= (b >> (6 - 2*silk)) & 1;
	return lbrr;
}
*/
import "C"

import (
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"unsafe"
)

// OpusAvailable reports whether this build has Opus: true where cgo links
// libopus, false in a cgo-free build (where ByName("opus") fails).
const OpusAvailable = true

func init() {
	extra["OPUS"] = func(pt uint8, opt Options) (Codec, error) {
		o, err := NewOpus(pt, opt)
		if err != nil {
			return nil, err
		}
		return o, nil
	}
}

const (
	opusRate       = 16000
	opusMaxSamples = 1920 // 120 ms, the longest packet
	opusPLCQuantum = 320  // 20 ms: libopus's own step of concealment, see Conceal
	opusMaxPacket  = 4000 // bytes: libopus's recommended output buffer
	opusFallback   = 320  // 20 ms of concealment for an unreadable packet
)

// Opus is the Opus codec (RFC 6716) in its RTP format (RFC 7587): clock
// 48000 Hz, mono speech at 16 kHz (wideband), libopus's VOIP mode. It
// keeps C state: Close must be called when the stream ends (there is no
// finalizer); after Close, Encode, Decode, Conceal and DecodeFEC do
// nothing and return dst unchanged. The encoder and the decoder each have
// their own lock, so Encode and Decode may run in two goroutines (and
// Close in a third).
type Opus struct {
	pt   uint8
	errs atomic.Uint64

	encMu sync.Mutex
	enc   *C.OpusEncoder
	pkt   []byte // opusMaxPacket bytes of encoder output

	decMu    sync.Mutex
	dec      *C.OpusDecoder
	plc      []int16 // one opusPLCQuantum of concealment ...
	left     int     // ... of which the last left samples are not served yet
	lastCELT bool    // the last packet decoded was CELT-only (no FEC after it)
}

var (
	_ Codec     = (*Opus)(nil)
	_ Concealer = (*Opus)(nil)
	_ io.Closer = (*Opus)(nil)
)

// NewOpus returns an Opus encoder and decoder for payload type pt (dynamic,
// from SDP) with the settings of opt: bitrate (6000-510000 bit/s),
// complexity, packet loss (values out of range are errors), DTX and FEC,
// voice signal, VBR. The peer's opt.FMTP adjusts them: maxplaybackrate
// narrows the band (8000 Hz or less: narrowband, 12000: mediumband),
// maxaveragebitrate caps the bitrate, cbr=1 turns VBR off, usedtx=1 turns
// DTX on, and useinbandfec=0 (only an explicit 0) turns FEC off. A bad
// parameter in opt.FMTP is ignored (callers that want to log it call
// ParseOpusFMTP).
func NewOpus(pt uint8, opt Options) (*Opus, error) {
	if pt > 127 {
		return nil, fmt.Errorf("codec.NewOpus pt %d: %w", pt, ErrBadPayloadType)
	}
	s, err := opusConfig(opt)
	if err != nil {
		return nil, err
	}
	o := &Opus{pt: pt, pkt: make([]byte, opusMaxPacket), plc: make([]int16, opusPLCQuantum)}
	var e C.int
	if o.enc = C.opus_encoder_create(opusRate, 1, C.OPUS_APPLICATION_VOIP, &e); o.enc == nil {
		return nil, fmt.Errorf("codec.NewOpus: encoder: %s", C.GoString(C.opus_strerror(e)))
	}
	if o.dec = C.opus_decoder_create(opusRate, 1, &e); o.dec == nil {
		o.Close()
		return nil, fmt.Errorf("codec.NewOpus: decoder: %s", C.GoString(C.opus_strerror(e)))
	}
	if err := o.configure(s); err != nil {
		o.Close()
		return nil, err
	}
	return o, nil
}

// configure applies s to the encoder.
func (o *Opus) configure(s opusSettings) error {
	band := map[opusBand]C.opus_int32{
		bandNarrow: C.OPUS_BANDWIDTH_NARROWBAND,
		bandMedium: C.OPUS_BANDWIDTH_MEDIUMBAND,
		bandWide:   C.OPUS_BANDWIDTH_WIDEBAND,
	}[s.band]
	for _, c := range []struct {
		name string
		req  C.int
		v    C.opus_int32
	}{
		{"bitrate", C.OPUS_SET_BITRATE_REQUEST, C.opus_int32(s.bitrate)},
		{"complexity", C.OPUS_SET_COMPLEXITY_REQUEST, C.opus_int32(s.complexity)},
		{"signal", C.OPUS_SET_SIGNAL_REQUEST, C.OPUS_SIGNAL_VOICE},
		{"max bandwidth", C.OPUS_SET_MAX_BANDWIDTH_REQUEST, band},
		{"vbr", C.OPUS_SET_VBR_REQUEST, boolOpus(!s.cbr)},
		{"inband fec", C.OPUS_SET_INBAND_FEC_REQUEST, boolOpus(s.fec)},
		{"packet loss", C.OPUS_SET_PACKET_LOSS_PERC_REQUEST, C.opus_int32(s.packetLoss)},
		{"dtx", C.OPUS_SET_DTX_REQUEST, boolOpus(s.dtx)},
	} {
		if r := C.skoip_opus_set(o.enc, c.req, c.v); r != C.OPUS_OK {
			return fmt.Errorf("codec.NewOpus: %s %d: %s", c.name, c.v, C.GoString(C.opus_strerror(r)))
		}
	}
	return nil
}

func boolOpus(b bool) C.opus_int32 {
	if b {
		return 1
	}
	return 0
}

// Close frees the encoder and the decoder; later calls do nothing.
func (o *Opus) Close() error {
	o.encMu.Lock()
	if o.enc != nil {
		C.opus_encoder_destroy(o.enc)
		o.enc = nil
	}
	o.encMu.Unlock()
	o.decMu.Lock()
	if o.dec != nil {
		C.opus_decoder_destroy(o.dec)
		o.dec = nil
	}
	o.decMu.Unlock()
	return nil
}

// Name returns "opus", the SDP encoding name.
func (*Opus) Name() string { return "opus" }

// PayloadType returns the RTP payload type.
func (o *Opus) PayloadType() uint8 { return o.pt }

// ClockRate returns 48000: RTP timestamps of Opus always count 48 kHz
// (RFC 7587), whatever the audio's rate.
func (*Opus) ClockRate() int { return 48000 }

// SampleRate returns 16000: SKOIP encodes and decodes Opus at 16 kHz.
func (*Opus) SampleRate() int { return opusRate }

// Errors returns how many calls failed: Encode given a frame of a length
// Opus cannot code or failing in libopus, Decode given a packet it could
// not decode, Conceal or DecodeFEC failing in libopus.
func (o *Opus) Errors() uint64 { return o.errs.Load() }

// Samples returns the samples at 16 kHz that payload decodes to, from its
// table of contents; 0 for an empty packet, one whose frames do not parse
// or one over 120 ms. It holds no state and works after Close.
func (*Opus) Samples(payload []byte) int { return opusSamples(payload) }

func opusSamples(p []byte) int {
	if len(p) == 0 || len(p) > 1<<20 {
		return 0
	}
	return int(C.skoip_opus_samples((*C.uchar)(unsafe.Pointer(&p[0])), C.int(len(p))))
}

// Encode appends the Opus packet for pcm, one frame of 2.5, 5, 10, 20, 40
// or 60 ms at 16 kHz (40-960 samples), to dst. Any other length appends
// nothing and counts an error. With DTX, a frame of silence may come out
// as 1 or 2 bytes: a packet that need not be sent.
func (o *Opus) Encode(dst []byte, pcm []int16) []byte {
	o.encMu.Lock()
	defer o.encMu.Unlock()
	if o.enc == nil {
		return dst
	}
	switch len(pcm) {
	case 40, 80, 160, 320, 640, 960:
	default:
		o.errs.Add(1)
		return dst
	}
	n := C.opus_encode(o.enc, (*C.opus_int16)(unsafe.Pointer(&pcm[0])), C.int(len(pcm)),
		(*C.uchar)(unsafe.Pointer(&o.pkt[0])), C.opus_int32(len(o.pkt)))
	if n < 0 {
		o.errs.Add(1)
		return dst
	}
	k := len(dst)
	dst = growBytes(dst, int(n))
	copy(dst[k:], o.pkt[:n])
	return dst
}

// lookahead is the encoder's delay in samples at 16 kHz, -1 after Close.
func (o *Opus) lookahead() int {
	o.encMu.Lock()
	defer o.encMu.Unlock()
	if o.enc == nil {
		return -1
	}
	return int(C.skoip_opus_lookahead(o.enc))
}

// Decode appends the samples of payload to dst. A packet that cannot be
// decoded counts an error and gives Samples(payload) samples of the
// decoder's concealment instead, or 20 ms of it when Samples is 0 (an
// empty or unreadable packet): never a panic, whatever the bytes. Any
// concealment left over from Conceal is dropped.
func (o *Opus) Decode(dst []int16, payload []byte) []int16 {
	o.decMu.Lock()
	defer o.decMu.Unlock()
	if o.dec == nil {
		return dst
	}
	o.left = 0
	n := opusSamples(payload)
	if n > 0 {
		// libopus takes the packet's mode before it decodes a frame.
		o.lastCELT = payload[0]&0x80 != 0
		k := len(dst)
		dst = growSamples(dst, n)
		r := C.opus_decode(o.dec, (*C.uchar)(unsafe.Pointer(&payload[0])), C.opus_int32(len(payload)),
			(*C.opus_int16)(unsafe.Pointer(&dst[k])), C.int(n), 0)
		if int(r) == n {
			return dst
		}
		dst = dst[:k]
	} else {
		n = opusFallback
	}
	o.errs.Add(1)
	k := len(dst)
	dst = growSamples(dst, n)
	o.conceal(dst[k:])
	return dst
}

// conceal fills out (a multiple of 2.5 ms) with the decoder's concealment;
// with zeros, counting an error, if libopus fails.
func (o *Opus) conceal(out []int16) {
	r := C.opus_decode(o.dec, nil, 0, (*C.opus_int16)(unsafe.Pointer(&out[0])), C.int(len(out)), 0)
	if int(r) != len(out) {
		o.errs.Add(1)
		clear(out)
	}
}

// Conceal appends n samples of concealment (libopus's PLC, or comfort
// noise after DTX) for lost audio; n need not be a frame. libopus takes
// multiples of 2.5 ms, but SILK conceals no less than 10 ms per call and
// drops what was not asked for, so short calls would skip audio. Conceal
// runs libopus 20 ms at a time (as libopus itself does for a longer
// request) and keeps what a call did not take for the next one: calls of
// any lengths give the same audio as one call of their sum. What is left
// is dropped by the next Decode or DecodeFEC.
func (o *Opus) Conceal(dst []int16, n int) []int16 {
	o.decMu.Lock()
	defer o.decMu.Unlock()
	if o.dec == nil || n <= 0 {
		return dst
	}
	k := len(dst)
	dst = growSamples(dst, n)
	out := dst[k:]
	for len(out) > 0 {
		if o.left == 0 {
			if len(out) >= opusPLCQuantum {
				o.conceal(out[:opusPLCQuantum])
				out = out[opusPLCQuantum:]
				continue
			}
			o.conceal(o.plc)
			o.left = opusPLCQuantum
		}
		c := copy(out, o.plc[opusPLCQuantum-o.left:])
		o.left -= c
		out = out[c:]
	}
	return dst
}

// DecodeFEC appends n samples standing in for the packet lost before
// payload, recovered from the low-bitrate copy of it (LBRR) that payload
// carries when the sender had in-band FEC on. n must be a multiple of
// 2.5 ms (40 samples) from the packet's frame duration up to 120 ms;
// libopus conceals the part before the frame. It returns false, dst
// unchanged and the decoder untouched, when n is not such a length, when
// payload carries no LBRR for its first frame (CELT-only, FEC off, DTX,
// or a frame the sender judged not worth it) or when the last packet
// decoded was CELT-only (libopus would only conceal then).
func (o *Opus) DecodeFEC(dst []int16, payload []byte, n int) ([]int16, bool) {
	o.decMu.Lock()
	defer o.decMu.Unlock()
	if o.dec == nil || n <= 0 || n > opusMaxSamples || n%40 != 0 || o.lastCELT || !hasFEC(payload, n) {
		return dst, false
	}
	k := len(dst)
	dst = growSamples(dst, n)
	r := C.opus_decode(o.dec, (*C.uchar)(unsafe.Pointer(&payload[0])), C.opus_int32(len(payload)),
		(*C.opus_int16)(unsafe.Pointer(&dst[k])), C.int(n), 1)
	if int(r) != n {
		o.errs.Add(1)
		return dst[:k], false
	}
	o.left = 0
	return dst, true
}

// hasFEC says whether payload carries LBRR that a decode_fec of n samples
// would use.
func hasFEC(p []byte, n int) bool {
	if len(p) == 0 || len(p) > 1<<20 {
		return false
	}
	return C.skoip_opus_has_fec((*C.uchar)(unsafe.Pointer(&p[0])), C.int(len(p)), C.int(n)) == 1
}
