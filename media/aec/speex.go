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

// skoip_speex_new builds the canceller (when echo) and the preprocessor
// (when echo or ns). The preprocessor's gains apply only with denoise on,
// so it stays on and ns = 0 becomes a 0 dB noise floor.
static skoip_speex *skoip_speex_new(int frame, int tail, int rate, int echo, int ns, int sup, int supActive) {
	skoip_speex *s = calloc(1, sizeof *s);
	if (!s) return NULL;
	s->frame = frame;
	if (echo) {
		s->echo = speex_echo_state_init(frame, tail);
		if (!s->echo) { skoip_speex_free(s); return NULL; }
		speex_echo_ctl(s->echo, SPEEX_ECHO_SET_SAMPLING_RATE, &rate);
	}
	if (!echo && !ns) return s;
	s->pre = speex_preprocess_state_init(frame, rate);
	if (!s->pre) { skoip_speex_free(s); return NULL; }
	skoip_speex_set(s->pre, SPEEX_PREPROCESS_SET_DENOISE, 1);
	skoip_speex_set(s->pre, SPEEX_PREPROCESS_SET_NOISE_SUPPRESS, -ns);
	skoip_speex_set(s->pre, SPEEX_PREPROCESS_SET_AGC, 0);
	skoip_speex_set(s->pre, SPEEX_PREPROCESS_SET_DEREVERB, 0);
	if (s->echo) {
		speex_preprocess_ctl(s->pre, SPEEX_PREPROCESS_SET_ECHO_STATE, s->echo);
		skoip_speex_set(s->pre, SPEEX_PREPROCESS_SET_ECHO_SUPPRESS, -sup);
		skoip_speex_set(s->pre, SPEEX_PREPROCESS_SET_ECHO_SUPPRESS_ACTIVE, -supActive);
	}
	return s;
}

static void skoip_speex_run(skoip_speex *s, const spx_int16_t *mic, const spx_int16_t *ref, spx_int16_t *out) {
	if (s->echo) {
		speex_echo_cancellation(s->echo, mic, ref, out);
	} else if (out != mic) {
		memmove(out, mic, (size_t)s->frame * sizeof *out);
	}
	if (s->pre) speex_preprocess_run(s->pre, out);
}

static void skoip_speex_reset(skoip_speex *s) {
	if (s->echo) speex_echo_state_reset(s->echo);
}
*/
import "C"

import "unsafe"

// Residual echo suppression of the speex preprocessor, in dB: with the far
// end alone, and while the near end talks too.
const (
	speexEchoSuppress       = 60
	speexEchoSuppressActive = 25
)

// speexEngine is speexdsp's MDF canceller followed by its preprocessor
// (residual echo and noise suppression; AGC, VAD and dereverb off, the
// first two by default: setting the VAD prints a warning).
type speexEngine struct {
	s *C.skoip_speex
}

func newSpeex(ep engineParams) (engine, error) {
	s := C.skoip_speex_new(C.int(ep.frame), C.int(ep.tail), C.int(ep.rate),
		boolInt(ep.echo), C.int(ep.noiseDB), C.int(ep.sup), C.int(ep.supActive))
	if s == nil {
		return nil, ErrInit
	}
	return &speexEngine{s: s}, nil
}

func (e *speexEngine) process(mic, ref, out []int16) {
	C.skoip_speex_run(e.s, (*C.spx_int16_t)(unsafe.Pointer(&mic[0])),
		(*C.spx_int16_t)(unsafe.Pointer(&ref[0])), (*C.spx_int16_t)(unsafe.Pointer(&out[0])))
}

func (e *speexEngine) reset() { C.skoip_speex_reset(e.s) }

func (e *speexEngine) close() { C.skoip_speex_free(e.s); e.s = nil }

func boolInt(b bool) C.int {
	if b {
		return 1
	}
	return 0
}
