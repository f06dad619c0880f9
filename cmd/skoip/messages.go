package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/skoip/skoip/cmd/skoip/internal/intercom"
	"github.com/skoip/skoip/cmd/skoip/internal/voicemail"
	"github.com/skoip/skoip/config"
	"github.com/skoip/skoip/media"
	"github.com/skoip/skoip/media/wav"
)

// openVoicemail opens the folder of voice messages when voicemail.enabled:
// voicemail.dir, else "messages" in the state folder. A folder that cannot
// be used is a fault of "voicemail" (the intercom runs without messages),
// not a failed start.
func openVoicemail(cfg *config.Config, stateDir string) (*voicemail.Store, error) {
	v := cfg.Voicemail
	if !v.Enabled {
		return nil, nil
	}
	dir := v.Dir
	if dir == "" {
		if stateDir == "" {
			return nil, errors.New("no folder for voice messages: set voicemail.dir or state.dir")
		}
		dir = filepath.Join(stateDir, "messages")
	}
	return voicemail.Open(dir, voicemail.Limits{MaxMessages: v.MaxMessages, MaxBytes: int64(v.MaxSizeMB) << 20,
		MaxLength: v.MaxLength.Duration, Silence: v.Silence.Duration})
}

// messageRecorder records voice messages from the media engine's
// microphone tap into the store (intercom.Recorder).
type messageRecorder struct {
	store *voicemail.Store
	eng   *media.Engine
}

func (r messageRecorder) Record(ctx context.Context) (string, time.Duration, error) {
	tap, err := r.eng.Tap()
	if err != nil {
		return "", 0, err
	}
	defer tap.Close()
	m, err := r.store.Record(ctx, tap)
	if errors.Is(err, voicemail.ErrNoSpeech) {
		return "", 0, intercom.ErrNoMessage
	}
	return m.ID, m.Duration, err
}

// messageJSON is one message in `skoip ctl messages`.
type messageJSON struct {
	ID        string    `json:"id"`
	Time      time.Time `json:"time"`
	DurationS float64   `json:"duration_s"`
	Bytes     int64     `json:"bytes"`
}

// messages runs `ctl messages [play ID | delete ID]`: the list (an object
// with a "messages" array, oldest first), or plays one on the door's
// speaker, or deletes one.
func (a *app) messages(ctx context.Context, args []string) (any, error) {
	if a.vm == nil {
		return nil, errors.New("voice messages are off (voicemail.enabled), or their folder failed: see ctl status faults")
	}
	switch {
	case len(args) == 0:
		list, err := a.vm.List()
		if err != nil {
			return nil, err
		}
		out := struct {
			Messages []messageJSON `json:"messages"`
		}{Messages: []messageJSON{}}
		for _, m := range list {
			out.Messages = append(out.Messages, messageJSON{m.ID, m.Time, m.Duration.Seconds(), m.Bytes})
		}
		return out, nil
	case len(args) == 2 && args[0] == "delete":
		if err := a.vm.Delete(args[1]); err != nil {
			return nil, err
		}
		a.log.Info("voice message deleted", "message", args[1])
		return nil, nil
	case len(args) == 2 && args[0] == "play":
		path, err := a.vm.Path(args[1])
		if err != nil {
			return nil, err
		}
		p, err := loadMessage(path)
		if err != nil {
			return nil, err
		}
		return nil, a.ic.PlayLocal(ctx, p)
	}
	return nil, fmt.Errorf("messages: want no arguments (list), \"play ID\" or \"delete ID\"")
}

// maxMessageBytes bounds a message file read for playing: 10 minutes at
// 8 kHz, 16 bits (voicemail.max_length's limit), and its header.
const maxMessageBytes = 10*60*8000*2 + 4096

// loadMessage reads a message's WAV file (voicemail.Rate) as a prompt; the
// engine converts it once to its own rate when it plays it.
func loadMessage(path string) (*media.Prompt, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxMessageBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxMessageBytes {
		return nil, fmt.Errorf("%s: larger than a message can be", path)
	}
	au, err := wav.Decode(b)
	if err != nil {
		return nil, err
	}
	if au.Rate != voicemail.Rate {
		return nil, fmt.Errorf("%s: %d Hz, not a message's %d Hz", path, au.Rate, voicemail.Rate)
	}
	return media.NewPrompt(filepath.Base(path), au.Rate, au.Samples), nil
}
