package audio

import (
	"fmt"
	"io"
	"strings"
)

// DeviceInfo describes one ALSA PCM as miniaudio sees it.
type DeviceInfo struct {
	Name    string // what to put in the config (audio.capture / audio.playback)
	Desc    string // the human description
	Capture bool   // a capture device (else playback)
	Default bool
	Rates   []int    // native sample rates, where the device reports them
	Formats []string // native sample formats ("s16", "f32", ...)
}

// WriteDevices prints devs, or a line saying there are none.
func WriteDevices(w io.Writer, devs []DeviceInfo) error {
	if len(devs) == 0 {
		_, err := fmt.Fprintln(w, "audio: no ALSA devices (no sound card; backend \"alsa\" falls back to \"null\" with `make run`)")
		return err
	}
	for _, d := range devs {
		kind := "playback"
		if d.Capture {
			kind = "capture"
		}
		def := ""
		if d.Default {
			def = " (default)"
		}
		line := fmt.Sprintf("audio %-8s %q%s: %s", kind, d.Name, def, d.Desc)
		if len(d.Rates) > 0 {
			line += fmt.Sprintf("; rates %v", d.Rates)
		}
		if len(d.Formats) > 0 {
			line += "; formats " + strings.Join(d.Formats, ",")
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	return nil
}
