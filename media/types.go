package media

import (
	"net/netip"
	"time"
)

// Direction is an SDP media direction (RFC 3264).
type Direction int

const (
	SendRecv Direction = iota
	SendOnly
	RecvOnly
	Inactive
)

// Params is what SDP offer/answer settled for one call's audio stream.
type Params struct {
	Remote      netip.AddrPort // where to send RTP; RTCP goes to port+1
	PayloadType uint8          // negotiated audio payload type
	Codec       string         // "PCMU", "PCMA", "L16", "G722", "opus"
	ClockRate   int            // the codec's RTP clock: 8000, 48000 for opus
	FMTP        string         // the peer's a=fmtp parameters for PayloadType, "" if none
	DTMFType    uint8          // telephone-event payload type; 0 = not negotiated
	DTMFRate    int            // telephone-event clock rate; 0 = ClockRate
	CNType      uint8          // RFC 3389 comfort noise payload type; 0 = not negotiated
	PTime       time.Duration  // packetisation interval, 20ms default
	Direction   Direction      // our direction: SendOnly means we send and do not play
	SRTP        *SRTP          // SDES-keyed SRTP (RFC 3711, RFC 4568); nil: plain RTP
}

// SRTP is what SDES (RFC 4568 a=crypto) agreed for the stream: every RTP
// and RTCP packet we send is protected with LocalKey, every one we receive
// must authenticate under RemoteKey.
type SRTP struct {
	Suite     string // "AES_CM_128_HMAC_SHA1_80" or "AES_CM_128_HMAC_SHA1_32"
	LocalKey  []byte // 30 bytes: 16-byte master key + 14-byte master salt (ours)
	RemoteKey []byte // 30 bytes: the peer's master key + salt
}

// Stats are one stream's counters, for status and logs.
type Stats struct {
	RTPRx, RTPTx     uint64 // packets
	BytesRx, BytesTx uint64 // payload octets
	Lost             int64  // cumulative lost (RFC 3550)
	Jitter           time.Duration
	RTT              time.Duration
	ForeignDropped   uint64 // packets from sources other than the negotiated peer
	PlayoutDelay     time.Duration
	Underruns        uint64
	Concealed        uint64
	Recovered        uint64 // of the concealed frames, those rebuilt from FEC (Opus)
	Late             uint64
	Discarded        uint64
	CNRx, CNTx       uint64 // RFC 3389 comfort noise packets
	SRTPDropped      uint64 // SRTP/SRTCP packets dropped: bad auth tag, replayed, undecryptable
	// CodecRate is the codec's audio rate in Hz: 8000 for G.711, 16000 for
	// G.722 and Opus (wideband); EngineRate the rate the engine mixes and
	// cleans at (Config.Rate).
	CodecRate, EngineRate int
	// The echo canceller (zero when it is off): echo return loss
	// enhancement in dB, the bulk echo delay it found, and the noise level
	// at the microphone in dBFS.
	ERLE      float64
	EchoDelay time.Duration
	NoiseDB   float64
}

// Event is something the stream tells phone about.
type Event struct {
	Kind  EventKind
	Digit rune // for EventDTMF: '0'-'9', '*', '#', 'A'-'D'
}

// EventKind says what an Event is.
type EventKind int

const (
	// EventDTMF is one received RFC 4733 digit (delivered once, at its start).
	EventDTMF EventKind = iota + 1
	// EventTimeout means no RTP or RTCP arrived for Config.RTPTimeout.
	EventTimeout
)
