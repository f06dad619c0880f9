package audio

import (
	"log/slog"

	"github.com/skoip/skoip/media/room"
)

// newRoom returns the "room" device: a paced device in front of a
// simulated door-box room (media/room). What is played in one period goes
// into the room's loudspeaker at the next one, whose capture is the room's
// microphone: echo, talker and noise as cfg.Room describes. So the echo
// comes back one period plus Room.Delay plus the acoustic path (0.15 to
// 0.25 ms) after it was played. The room runs on the pacing goroutine
// (at 48 kHz with a T60 of 0.8 s, about 0.5 ms of CPU per 10 ms on an
// x86-64 server). When cfg.Playback names a WAV file, what is played is
// also written to it, as with the "file" backend.
func newRoom(cfg Config, log *slog.Logger) (*paced, error) {
	r, err := room.New(cfg.roomConfig())
	if err != nil {
		return nil, err
	}
	p := newPaced(cfg)
	played := make([]int16, len(p.out))
	p.source = func(in []int16) { r.Step(played, in) }
	p.sink = func(out []int16) { copy(played, out) }
	if cfg.Playback != "" {
		w, err := newWAVWriter(cfg.Playback, cfg.SampleRate, len(p.out), log)
		if err != nil {
			return nil, err
		}
		p.sink = func(out []int16) { copy(played, out); w.write(out) }
		p.flush, p.final = w.fixup, w.close
	}
	return p, nil
}
