package phone_test

import (
	"math"
	"net/netip"
	"testing"
	"time"

	"github.com/skoip/skoip/hw/hwtest"
	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/phone"
)

// realMedia is the real media engine on a fake device driven in real
// time: what cmd wires, minus the sound card.
type realMedia struct {
	eng *media.Engine
	dev *hwtest.Audio
}

func (m realMedia) NewStream(local netip.Addr) (phone.Stream, error) {
	s, err := m.eng.NewStream(local)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// newRealMedia starts an engine whose microphone plays a tone.
func newRealMedia(t testing.TB, hz float64) realMedia {
	t.Helper()
	tone := make([]int16, 8000)
	for i := range tone {
		tone[i] = int16(8000 * math.Sin(2*math.Pi*hz*float64(i)/8000))
	}
	dev := hwtest.NewAudio(8000, 80)
	dev.SetCapture(tone)
	eng, err := media.NewEngine(media.Config{}, dev)
	if err != nil {
		t.Fatal(err)
	}
	hwtest.RunTicker(dev)
	t.Cleanup(func() {
		dev.StopTicker()
		if err := eng.Close(); err != nil {
			t.Error(err)
		}
	})
	return realMedia{eng: eng, dev: dev}
}

// waitRTP waits until the connected call has received and sent n packets.
func waitRTP(t testing.TB, tp *testPhone, n uint64) phone.Status {
	t.Helper()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(wait)
	for {
		st := tp.Status()
		if st.RTPRx >= n && st.RTPTx >= n {
			return st
		}
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("RTP: rx %d tx %d after %v, want %d each way", st.RTPRx, st.RTPTx, wait, n)
		}
	}
}
