package voicemail

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"syscall"

	"github.com/skoip/skoip/media/dsp"

	"github.com/skoip/skoip/cmd/skoip/internal/statefile"
)

// Source gives 8 kHz mono frames of the door microphone; Read blocks until
// a frame (len(dst) samples or fewer) is there or ctx ends.
type Source interface {
	Read(ctx context.Context, dst []int16) (int, error)
}

const (
	// frameSamples is how many samples Record asks the Source for at a
	// time: 20 ms.
	frameSamples = Rate / 50
	// writeBuffer is how many bytes are written to the file at a time.
	writeBuffer = 4096
	// tailSamples is the silence kept after the last speech: 0.5 s.
	tailSamples = Rate / 2
	// maxIdleReads: a Source that returns this many times in a row no
	// samples and no error is taken as failed (rather than spin).
	maxIdleReads = 1000
)

// Record records a message from src: see the package's documentation for
// when it stops and what it keeps. It returns the message kept, or an
// error that wraps ErrBusy, ErrNoSpeech or ErrStorage. Only when the
// message was kept but older messages could not be deleted to bring the
// folder back under its limits does it return both the message and an
// error (wrapping ErrStorage).
func (s *Store) Record(ctx context.Context, src Source) (Message, error) {
	s.mu.Lock()
	if s.recording {
		s.mu.Unlock()
		return Message{}, ErrBusy
	}
	s.recording = true
	err := s.trim(1, s.maxBytes)
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.recording = false
		s.mu.Unlock()
	}()
	if err != nil {
		return Message{}, storageErr("making room for a message", err)
	}
	start := s.now()
	f, err := os.CreateTemp(s.dir, tempGlob)
	if err != nil {
		return Message{}, storageErr("creating the recording", err)
	}
	keep := false
	defer func() {
		if !keep {
			_ = f.Close()           // closing a file that is deleted next: nothing to lose
			_ = os.Remove(f.Name()) // best effort: Open deletes it otherwise
		}
	}()
	res, err := record(ctx, f, src, maxSamples(s.lim.MaxLength), maxSamples(s.lim.Silence))
	if err != nil {
		return Message{}, err
	}
	if !res.heard {
		if res.srcErr != nil {
			return Message{}, fmt.Errorf("%w (the microphone failed: %w)", ErrNoSpeech, res.srcErr)
		}
		return Message{}, ErrNoSpeech
	}
	if err := finish(f, res); err != nil {
		return Message{}, err
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	id, err := s.newID(start)
	if err != nil {
		return Message{}, storageErr("naming the message", err)
	}
	p := filepath.Join(s.dir, id+msgExt)
	if err := os.Rename(f.Name(), p); err != nil {
		return Message{}, storageErr("renaming the recording to "+p, err)
	}
	if err := statefile.SyncDir(s.dir); err != nil {
		_ = os.Remove(p) // not known to be on disk: not kept, as the error says
		return Message{}, storageErr("syncing the folder", err)
	}
	keep = true
	t, _ := parseID(id)
	m, err := s.stat(id, t, true)
	if err != nil {
		return Message{}, storageErr("reading the message back", err)
	}
	if err := s.trim(0, 0); err != nil {
		return m, storageErr("keeping the folder under its limits", err)
	}
	return m, nil
}

// result is what record recorded.
type result struct {
	total     int64 // samples written
	speechEnd int64 // samples up to the end of the last frame of speech
	heard     bool  // any speech at all
	srcErr    error // the Source's error that ended the recording
}

// record writes the header (sizes still 0) and the samples from src to f,
// until limit samples, silence samples without speech after speech
// (silence 0: never), ctx ends or src fails. Only a write error is
// returned as an error.
func record(ctx context.Context, f *os.File, src Source, limit, silence int64) (result, error) {
	vad, err := dsp.NewVAD(Rate, dsp.DefaultVADConfig())
	if err != nil {
		return result{}, err
	}
	w := bufio.NewWriterSize(f, writeBuffer)
	var hdr [headerSize]byte
	putHeader(&hdr, 0)
	if _, err := w.Write(hdr[:]); err != nil {
		return result{}, storageErr("writing "+f.Name(), err)
	}
	var (
		r     result
		frame = make([]int16, frameSamples)
		buf   = make([]byte, 2*frameSamples)
		idle  int
	)
	for r.total < limit {
		want := int(min(int64(len(frame)), limit-r.total))
		n, err := src.Read(ctx, frame[:want])
		if n < 0 || n > want {
			r.srcErr = fmt.Errorf("the source returned %d samples for %d", n, want)
			break
		}
		if n > 0 {
			idle = 0
			b := buf[:2*n]
			for i, x := range frame[:n] {
				binary.LittleEndian.PutUint16(b[2*i:], uint16(x))
			}
			if _, werr := w.Write(b); werr != nil {
				return result{}, storageErr("writing "+f.Name(), werr)
			}
			r.total += int64(n)
			if vad.Process(frame[:n]) {
				r.heard, r.speechEnd = true, r.total
			}
		}
		if err != nil {
			if ctx.Err() == nil && !errors.Is(err, io.EOF) {
				r.srcErr = err
			}
			break
		}
		if ctx.Err() != nil || r.heard && silence > 0 && r.total-r.speechEnd >= silence {
			break
		}
		if n == 0 {
			if idle++; idle >= maxIdleReads {
				r.srcErr = fmt.Errorf("the source gave nothing %d times in a row: %w", idle, io.ErrNoProgress)
				break
			}
		}
	}
	if err := w.Flush(); err != nil {
		return result{}, storageErr("writing "+f.Name(), err)
	}
	return r, nil
}

// finish cuts the silence after the last speech to tailSamples, writes
// the header's sizes, syncs and closes f.
func finish(f *os.File, r result) error {
	n := min(r.total, r.speechEnd+tailSamples)
	if n < r.total {
		if err := f.Truncate(headerSize + 2*n); err != nil {
			return storageErr("cutting the silence at the end of "+f.Name(), err)
		}
	}
	var hdr [headerSize]byte
	putHeader(&hdr, uint32(2*n))
	if _, err := f.WriteAt(hdr[:], 0); err != nil {
		return storageErr("writing the header of "+f.Name(), err)
	}
	if err := f.Chmod(0o640); err != nil {
		return storageErr("setting the mode of "+f.Name(), err)
	}
	if err := f.Sync(); err != nil {
		return storageErr("syncing "+f.Name(), err)
	}
	if err := f.Close(); err != nil {
		return storageErr("closing "+f.Name(), err)
	}
	return nil
}

// storageErr wraps err, which happened doing what, in ErrStorage.
func storageErr(what string, err error) error {
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) || errors.Is(err, syscall.EFBIG) {
		return fmt.Errorf("%w: %s: disk full: %w", ErrStorage, what, err)
	}
	return fmt.Errorf("%w: %s: %w", ErrStorage, what, err)
}
