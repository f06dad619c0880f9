package e2e

import (
	"fmt"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// wbRate is the rate of the wideband benchmark's speech, recordings and
// measures: what SKOIP's media engine runs at with a wideband codec.
const wbRate = 16000

// The silence around a talker's speech in the files the talkers play:
// SKOIP's file device loops its capture from the process's start, so its
// file leads with enough silence for the call to be up before the speech
// starts; baresip's aufile starts at the call's start and ends the call
// about a second after its end.
const (
	wbSKOIPLead   = 2 * time.Second
	wbBaresipLead = 500 * time.Millisecond
	wbTail        = time.Second
)

// wbVoices are the benchmark's talkers: espeak-ng voices reading the
// fable of the North Wind and the Sun (the phonetic alphabet's sample
// text) in about 12 s each. SKOIP_BENCH_WB_TALKERS picks how many (3 by
// default).
var wbVoices = []struct{ voice, text string }{
	{"en+m3", "The North Wind and the Sun were disputing which was the stronger, when a traveller came along wrapped in a warm cloak. " +
		"They agreed that the one who first made the traveller take his cloak off should be considered stronger."},
	{"en+f3", "Then the North Wind blew as hard as he could, but the more he blew, the more closely did the traveller fold his cloak around him. " +
		"Then the Sun shone out warmly, and at once the traveller took off his cloak."},
	{"de", "Einst stritten sich Nordwind und Sonne, wer von ihnen beiden wohl der Stärkere wäre, als ein Wanderer, " +
		"der in einen warmen Mantel gehüllt war, des Weges daherkam. Wer ihm den Mantel abnimmt, sollte der Stärkere sein."},
	{"fr", "La bise et le soleil se disputaient, chacun assurant qu'il était le plus fort, quand ils ont vu un voyageur qui s'avançait, " +
		"enveloppé dans son manteau. Celui qui lui ferait ôter son manteau serait le plus fort."},
}

// wbTalker is one talker's speech at wbRate and the files that play it.
type wbTalker struct {
	voice   string
	speech  []int16 // the clean reference
	skoip   string  // WAV: wbSKOIPLead of silence, the speech, wbTail of silence
	baresip string  // WAV: wbBaresipLead of silence, the speech, wbTail of silence
	silence string  // WAV: 1 s of silence, the listener's microphone
}

// makeTalkers synthesises n talkers with espeak-ng and brings them to
// wbRate mono with sox (peaks at -6 dBFS, a speaker close to a door
// station's microphone).
func makeTalkers(t *testing.T, n int) []*wbTalker {
	t.Helper()
	dir := t.TempDir()
	silence := filepath.Join(dir, "silence.wav")
	if err := writeWAV(silence, wbRate, make([]int16, wbRate)); err != nil {
		t.Fatal(err)
	}
	var ts []*wbTalker
	for i, v := range wbVoices[:min(n, len(wbVoices))] {
		raw := filepath.Join(dir, fmt.Sprintf("talker%d-espeak.wav", i))
		clean := filepath.Join(dir, fmt.Sprintf("talker%d.wav", i))
		if out, err := exec.Command("espeak-ng", "-v", v.voice, "-s", "165", "-w", raw, v.text).CombinedOutput(); err != nil {
			t.Fatalf("espeak-ng -v %s: %v\n%s", v.voice, err, out)
		}
		if out, err := exec.Command("sox", raw, "-r", fmt.Sprint(wbRate), "-c", "1", "-b", "16", clean, "norm", "-6").CombinedOutput(); err != nil {
			t.Fatalf("sox %s: %v\n%s", raw, err, out)
		}
		tk := &wbTalker{voice: v.voice, speech: mustReadWAV(t, clean), silence: silence,
			skoip: filepath.Join(dir, fmt.Sprintf("talker%d-skoip.wav", i)), baresip: filepath.Join(dir, fmt.Sprintf("talker%d-baresip.wav", i))}
		for _, f := range []struct {
			path string
			lead time.Duration
		}{{tk.skoip, wbSKOIPLead}, {tk.baresip, wbBaresipLead}} {
			s := append(make([]int16, wbSamples(f.lead)), tk.speech...)
			s = append(s, make([]int16, wbSamples(wbTail))...)
			if err := writeWAV(f.path, wbRate, s); err != nil {
				t.Fatal(err)
			}
		}
		t.Logf("talker %s: %.1f s of speech", v.voice, float64(len(tk.speech))/wbRate)
		ts = append(ts, tk)
	}
	return ts
}

// wbSamples is d in samples at wbRate.
func wbSamples(d time.Duration) int { return int(d.Seconds() * wbRate) }

// wbDuration is n samples at wbRate as a duration.
func wbDuration(n int) time.Duration { return time.Duration(n) * time.Second / wbRate }
