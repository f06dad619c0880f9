package config

import (
	"os"

	"github.com/skoip/skoip/media/wav"
)

// checkFiles checks the files that the configuration names for SKOIP to
// read ([sounds] and, with backend "file", audio.capture) with the function
// and the limits that `skoip run` reads them with: wav.Budget.Open of
// media/wav, under wav.PromptBudget for the prompts (in the order run
// loads them) and wav.CaptureBudget for the capture file. Open validates a
// file's whole structure against its real size, so what passes here
// decodes in run unless the file changes or the disk fails.
func checkFiles(c *checker, cfg *Config) {
	prompts := wav.PromptBudget()
	for _, s := range soundPaths(cfg) {
		if *s.path != "" {
			c.err(s.key, openWAV(prompts, *s.path))
		}
	}
	if m := &cfg.MQTT; m.Enabled() && m.CAFile != "" && MQTTUsesTLS(m.Broker) {
		_, err := LoadCAs(m.CAFile)
		c.err("mqtt.ca_file", err)
	}
	if f := cfg.SIP.TLSCAFile; f != "" {
		_, err := LoadCAs(f)
		c.err("sip.tls_ca_file", err)
	}
	a := &cfg.Audio
	if a.Backend == BackendRoom {
		checkRoomFiles(c, &a.Room)
	}
	if a.Backend != BackendFile {
		return
	}
	if a.Capture == "" {
		c.bad("audio.capture", "must name the WAV file to read with backend \"file\"")
	} else {
		c.err("audio.capture", openWAV(wav.CaptureBudget(), a.Capture))
	}
	if a.Playback == "" {
		c.bad("audio.playback", "must name the WAV file to write with backend \"file\"")
	} else if st, err := os.Stat(a.Playback); err == nil && st.Mode()&(os.ModeNamedPipe|os.ModeSocket|os.ModeDir) != 0 {
		c.bad("audio.playback", "%q is %s; want a file to write (or /dev/null)", a.Playback, wav.FileKind(st.Mode()))
	}
}

// checkRoomFiles checks the simulated room's talker and noise recordings,
// read like a capture file.
func checkRoomFiles(c *checker, r *Room) {
	if r.Talker != "" {
		c.err("audio.room.talker", openWAV(wav.CaptureBudget(), r.Talker))
	}
	if r.NoiseIsFile() {
		c.err("audio.room.noise", openWAV(wav.CaptureBudget(), r.Noise))
	}
}

func openWAV(b *wav.Budget, path string) error {
	f, _, err := b.Open(path)
	if f != nil {
		_ = f.Close() // opened read-only, to check it: nothing to lose
	}
	return err
}
