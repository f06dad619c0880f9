package media

import (
	"time"

	"github.com/skoip/skoip/media/cn"
	"github.com/skoip/skoip/media/dsp"
)

// How silence is described to a peer that negotiated RFC 3389: a CN packet
// at the start of each silence period, then again every cnRefresh, or
// sooner when the noise level moves by cnLevelStep dB.
const (
	cnRefresh   = 300 * time.Millisecond
	cnLevelStep = 3
)

// cnSender decides when a silent frame is described by a CN packet. It is
// guarded by the Stream's lock.
type cnSender struct {
	silent bool   // in a silence period whose first CN packet went out
	lastTS uint32 // media clock of the last CN packet
	level  uint8  // -dBov it carried
	buf    [1]byte
	sent   uint64
}

// next returns the payload of the CN packet due for a silent frame at ts
// whose level is db (dBov), or false when none is due. refresh is
// cnRefresh in media clock units.
func (c *cnSender) next(ts uint32, db float64, refresh uint32) ([]byte, bool) {
	lv := cn.LevelFromDB(db)
	if db <= dsp.SilenceDB {
		lv = cn.MaxLevel // digital silence (a muted microphone)
	}
	moved := int(lv)-int(c.level) >= cnLevelStep || int(c.level)-int(lv) >= cnLevelStep
	if c.silent && ts-c.lastTS < refresh && !moved {
		return nil, false
	}
	c.silent, c.lastTS, c.level = true, ts, lv
	n, _ := cn.Payload{Level: lv}.MarshalTo(c.buf[:])
	c.sent++
	return c.buf[:n], true
}

// speech ends the silence period: the next silent frame starts a new one.
func (c *cnSender) speech() { c.silent = false }

// sendSilenceLocked sends a CN packet for the silent frame f at ts when one
// is due and CN was negotiated (s.mu held).
func (s *Stream) sendSilenceLocked(f []int16, ts uint32) {
	if s.p.CNType == 0 {
		return
	}
	refresh := uint32(int64(s.codec.c.ClockRate()) * int64(cnRefresh) / int64(time.Second))
	if pl, ok := s.cnTx.next(ts, dsp.LevelDB(f), refresh); ok {
		s.logSendErr(s.sess.SendRTP(s.p.CNType, false, ts, pl))
	}
}
