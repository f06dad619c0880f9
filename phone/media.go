package phone

import (
	"net/netip"
	"time"

	"github.com/skoip/skoip/media"
)

// Media makes audio streams for calls. *media.Engine satisfies it through a
// small adapter in cmd; tests use phonetest.Media.
type Media interface {
	// NewStream binds an RTP/RTCP port pair on local (unspecified = any
	// address) so that its port can go into the SDP.
	NewStream(local netip.Addr) (Stream, error)
}

// Stream is one call's audio.
type Stream interface {
	LocalPort() int
	Start(p media.Params, onEvent func(media.Event)) error
	Update(p media.Params) error
	SendDTMF(digit rune, d time.Duration) error
	Stats() media.Stats
	Close() error
}
