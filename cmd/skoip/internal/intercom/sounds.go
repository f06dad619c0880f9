package intercom

import (
	"fmt"
	"math"

	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/media"
)

// PromptRate is the rate the built-in tones are made at (all under 4 kHz);
// LoadSounds converts them to the engine's rate.
const PromptRate = 8000

// Sounds are the prompts the intercom plays (see the package doc), loaded
// once at start, at Rate.
type Sounds struct {
	Doorbell, Ringtone, Busy, NoAnswer, DoorOpen, Warning, DoNotDisturb, LeaveMessage *media.Prompt
	Rate                                                                              int
}

// LoadSounds loads the configured WAV files at rate Hz (the media engine's:
// 8000, or 16000 when a wideband codec is on); an empty path selects a
// built-in tone, so that the intercom is never silent. The files are
// decoded once each, within media.PromptSet's budget (60 s a prompt, 180 s
// of distinct files in all); a file named for several prompts is shared.
func LoadSounds(s config.Sounds, rate int) (*Sounds, error) {
	out := Sounds{Rate: rate}
	set := media.NewPromptSet(rate)
	for _, x := range []struct {
		key  string
		path string
		dst  **media.Prompt
		gen  func() *media.Prompt
	}{
		{"sounds.doorbell", s.Doorbell, &out.Doorbell, chime},
		{"sounds.ringtone", s.Ringtone, &out.Ringtone, ringTone},
		{"sounds.busy", s.Busy, &out.Busy, busyTone},
		{"sounds.no_answer", s.NoAnswer, &out.NoAnswer, noAnswerTone},
		{"sounds.door_open", s.DoorOpen, &out.DoorOpen, doorOpenTone},
		{"sounds.warning", s.Warning, &out.Warning, warningTone},
		{"sounds.do_not_disturb", s.DoNotDisturb, &out.DoNotDisturb, dndTone},
		{"sounds.leave_message", s.LeaveMessage, &out.LeaveMessage, beepTone},
	} {
		if x.path == "" {
			p, err := x.gen().At(rate)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", x.key, err)
			}
			*x.dst = p
			continue
		}
		p, err := set.Load(x.path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", x.key, err)
		}
		*x.dst = p
	}
	return &out, nil
}

// tone appends d seconds of the sum of freqs (Hz) at level dBFS, with 5 ms
// fades so that nothing clicks; freqs == nil appends silence.
func tone(dst []int16, d float64, level float64, decay bool, freqs ...float64) []int16 {
	n := int(d * PromptRate)
	amp := math.Pow(10, level/20) * 32767 / math.Max(1, float64(len(freqs)))
	fade := PromptRate * 5 / 1000
	for i := 0; i < n; i++ {
		var v float64
		for _, f := range freqs {
			v += math.Sin(2 * math.Pi * f * float64(i) / PromptRate)
		}
		g := amp
		if decay {
			g *= math.Exp(-3 * float64(i) / float64(n))
		}
		if i < fade {
			g *= float64(i) / float64(fade)
		}
		if n-i < fade {
			g *= float64(n-i) / float64(fade)
		}
		dst = append(dst, int16(v*g))
	}
	return dst
}

// chime is a two-note ding-dong (E5, C5 with a harmonic), decaying.
func chime() *media.Prompt {
	s := tone(nil, 0.6, -6, true, 659.3, 1318.5)
	s = tone(s, 0.9, -6, true, 523.3, 1046.5)
	s = tone(s, 0.5, 0, false)
	return media.NewPrompt("doorbell (built-in)", PromptRate, s)
}

// ringTone is 1 s of 425+450 Hz and 2 s of silence.
func ringTone() *media.Prompt {
	s := tone(nil, 1, -10, false, 425, 450)
	s = tone(s, 2, 0, false)
	return media.NewPrompt("ringtone (built-in)", PromptRate, s)
}

// busyTone is 425 Hz, 0.5 s on and off, three times.
func busyTone() *media.Prompt {
	var s []int16
	for i := 0; i < 3; i++ {
		s = tone(s, 0.5, -10, false, 425)
		s = tone(s, 0.5, 0, false)
	}
	return media.NewPrompt("busy (built-in)", PromptRate, s)
}

// beepTone is the beep before a voice message: 1 kHz for 0.4 s after
// 0.3 s of silence.
func beepTone() *media.Prompt {
	s := tone(nil, 0.3, 0, false)
	s = tone(s, 0.4, -10, false, 1000)
	return media.NewPrompt("leave a message (built-in)", PromptRate, s)
}

// noAnswerTone is three falling notes.
func noAnswerTone() *media.Prompt {
	var s []int16
	for _, f := range []float64{784, 659.3, 523.3} {
		s = tone(s, 0.3, -8, false, f)
		s = tone(s, 0.05, 0, false)
	}
	return media.NewPrompt("no answer (built-in)", PromptRate, s)
}

// doorOpenTone is three rising notes.
func doorOpenTone() *media.Prompt {
	var s []int16
	for _, f := range []float64{523.3, 659.3, 784} {
		s = tone(s, 0.2, -8, false, f)
	}
	return media.NewPrompt("door open (built-in)", PromptRate, s)
}

// warningTone is two short high beeps.
func warningTone() *media.Prompt {
	s := tone(nil, 0.15, -10, false, 1400)
	s = tone(s, 0.1, 0, false)
	s = tone(s, 0.15, -10, false, 1400)
	return media.NewPrompt("warning (built-in)", PromptRate, s)
}

// dndTone is the special information tone (ITU-T E.180: 950, 1400 and
// 1800 Hz, rising, 330 ms each): "nobody can take this call", played twice.
func dndTone() *media.Prompt {
	s := make([]int16, 0, 2*(3*2640+PromptRate))
	for range 2 {
		s = tone(s, 0.33, -12, false, 950)
		s = tone(s, 0.33, -12, false, 1400)
		s = tone(s, 0.33, -12, false, 1800)
		s = tone(s, 1.0, 0, false)
	}
	return media.NewPrompt("do not disturb (built-in)", PromptRate, s)
}
