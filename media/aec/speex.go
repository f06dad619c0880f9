//go:build cgo

package aec

/*
#cgo LDFLAGS: -l:libspeexdsp.a -lm
#include <stdlib.h>
#include <string.h>
#include <speex/speex_echo.h>
#include <speex/speex_preprocess.h>

typedef struct {
	SpeexEchoState *echo;
	SpeexPreprocessState *pre;
	int frame;
} skoip_speex;

static void skoip_speex_free(skoip_speex *s) {
	if (s->echo) speex_echo_state_destroy(s->echo);
	if (s->pre) speex_preprocess_state_destroy(s->pre);
	free(s);
}

static void skoip_speex_set(SpeexPreprocessState *p, int req, int v) {
	speex_preprocess_ctl(p, req, &v);
}

// skoip_speex_new builds the canceller (when echo) and the noise
// suppressor (when ns > 0 dB).
static skoip_speex *skoip_speex_new(int frame, int tail, int rate, int echo, int ns) {
	skoip_speex *s = calloc(1, sizeof *s);
	if (!s) return NULL;
	s->frame = frame;
	if (echo) {
		s->echo = speex_echo_state_init(frame, tail);
		if (!s->echo) { skoip_speex_free(s); return NULL; }
		speex_echo_ctl(s->echo, SPEEX_ECHO_SET_SAMPLING_RATE, &rate);
	}
	if (!ns) return s;
	s->pre = speex_preprocess_state_init(frame, rate);
	if (!s->pre) { skoip_speex_free(s); return NULL; }
	skoip_speex_set(s->pre, SPEEX_PREPROCESS_SET_DENOISE, 1);
	skoip_speex_set(s->pre, SPEEX_PREPROCESS_SET_NOISE_SUPPRESS, -ns);
	skoip_speex_set(s->pre, SPEEX_PREPROCESS_SET_AGC, 0);
	skoip_speex_set(s->pre, SPEEX_PREPROCESS_SET_DEREVERB, 0);
	return s;
}

static void skoip_speex_cancel(skoip_speex *s, const spx_int16_t *mic, const spx_int16_t *ref, spx_int16_t *lin) {
	if (s->echo) {
		speex_echo_cancellation(s->echo, mic, ref, lin);
	} else {
		memcpy(lin, mic, (size_t)s->frame * sizeof *lin);
	}
}

static void skoip_speex_denoise(skoip_speex *s, spx_int16_t *x) {
	if (s->pre) speex_preprocess_run(s->pre, x);
}

static void skoip_speex_reset(skoip_speex *s) {
	if (s->echo) speex_echo_state_reset(s->echo);
}
*/
import "C"

import "unsafe"

// speexEngine is speexdsp's MDF adaptive filter and its preprocessor as a
// noise suppressor (AGC, VAD and dereverb off; the VAD by default: setting
// it prints a warning). The preprocessor delays the signal by one frame.
type speexEngine struct {
	s *C.skoip_speex
}

func newSpeex(ep engineParams) (engine, error) {
	s := C.skoip_speex_new(C.int(ep.frame), C.int(ep.tail), C.int(ep.rate), boolInt(ep.echo), C.int(ep.noiseDB))
	if s == nil {
		return nil, ErrInit
	}
	return &speexEngine{s: s}, nil
}

func (e *speexEngine) cancel(mic, ref, lin []int16) {
	C.skoip_speex_cancel(e.s, (*C.spx_int16_t)(unsafe.Pointer(&mic[0])),
		(*C.spx_int16_t)(unsafe.Pointer(&ref[0])), (*C.spx_int16_t)(unsafe.Pointer(&lin[0])))
}

func (e *speexEngine) linear() bool { return true }

func (e *speexEngine) denoise(x []int16) {
	C.skoip_speex_denoise(e.s, (*C.spx_int16_t)(unsafe.Pointer(&x[0])))
}

func (e *speexEngine) reset() { C.skoip_speex_reset(e.s) }

func (e *speexEngine) close() { C.skoip_speex_free(e.s); e.s = nil }

func boolInt(b bool) C.int {
	if b {
		return 1
	}
	return 0
}
