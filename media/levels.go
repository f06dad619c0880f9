package media

import (
	"math"
	"sync"
	"sync/atomic"
	"time"
)

// Levels are the microphone's and the speaker's levels over the last
// complete 100 ms of the device, while they are read (Engine.Levels): peak and RMS in dBFS (-100 for silence).
// The microphone is read as the device gives it (before any processing),
// the speaker as the device is given it (after playback_gain_db).
type Levels struct {
	Seq             uint64  `json:"seq"` // windows measured since the start
	MicPeakDBFS     float64 `json:"mic_peak_dbfs"`
	MicRMSDBFS      float64 `json:"mic_rms_dbfs"`
	SpeakerPeakDBFS float64 `json:"speaker_peak_dbfs"`
	SpeakerRMSDBFS  float64 `json:"speaker_rms_dbfs"`
}

// meter sums one direction's samples over a window.
type meter struct {
	peak int32
	sum  float64
	n    int
}

func (m *meter) add(s []int16) {
	for _, v := range s {
		a := int32(v)
		if a < 0 {
			a = -a
		}
		m.peak = max(m.peak, a)
		m.sum += float64(v) * float64(v)
	}
	m.n += len(s)
}

// dB returns the window's peak and RMS in dBFS and starts a new window.
func (m *meter) dB() (peak, rms float64) {
	peak = dbfs(float64(m.peak))
	if m.n > 0 {
		rms = dbfs(math.Sqrt(m.sum / float64(m.n)))
	} else {
		rms = -100
	}
	*m = meter{}
	return peak, rms
}

func dbfs(v float64) float64 {
	if v < 1 {
		return -100
	}
	return math.Round(20*math.Log10(v/32768)*10) / 10
}

// levelMeter measures both directions on the device goroutine and keeps
// the last window for readers. It measures only while someone reads
// (Levels within the last levelsLinger): an idle unit spends nothing on it.
type levelMeter struct {
	mic, spk meter
	window   int // samples of a window at the device's rate

	wanted atomic.Int64 // unix nanoseconds of the last Levels call

	mu   sync.Mutex
	last Levels
}

// levelsLinger is how long after a Levels call the meter keeps measuring.
const levelsLinger = 2 * time.Second

func (l *levelMeter) measure(in, out []int16, now time.Time) {
	if now.UnixNano()-l.wanted.Load() > int64(levelsLinger) {
		if l.mic.n > 0 || l.spk.n > 0 {
			l.mic, l.spk = meter{}, meter{} // a window is whole, or not at all
		}
		return
	}
	l.mic.add(in)
	l.spk.add(out)
	if l.mic.n < l.window {
		return
	}
	var lv Levels
	lv.MicPeakDBFS, lv.MicRMSDBFS = l.mic.dB()
	lv.SpeakerPeakDBFS, lv.SpeakerRMSDBFS = l.spk.dB()
	l.mu.Lock()
	lv.Seq = l.last.Seq + 1
	l.last = lv
	l.mu.Unlock()
}

// Levels returns the last complete 100 ms window of the device; the
// device is measured from the first call on, while calls keep coming.
func (e *Engine) Levels() Levels {
	l := &e.path.levels
	l.wanted.Store(time.Now().UnixNano())
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.last
}
