//go:build cgo

package aec

/*
#cgo LDFLAGS: -l:libspeexdsp.a -lm
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <speex/speex_echo.h>
#include <speex/speex_preprocess.h>

typedef struct {
	SpeexEchoState *echo;
	SpeexPreprocessState *pre;
	int frame;
	spx_int32_t *ir; // impulse response buffer
	int irLen;
} skoip_speex;

static void skoip_speex_free(skoip_speex *s) {
	if (s->echo) speex_echo_state_destroy(s->echo);
	if (s->pre) speex_preprocess_state_destroy(s->pre);
	free(s->ir);
	free(s);
}

// skoip_speex_peak returns the position of the filter's largest tap, in
// samples with a parabolic refinement, and its share of the filter's
// energy in *share; -1 without a filter.
static double skoip_speex_peak(skoip_speex *s, double *share) {
	*share = 0;
	if (!s->echo || !s->ir) return -1;
	speex_echo_ctl(s->echo, SPEEX_ECHO_GET_IMPULSE_RESPONSE, s->ir);
	int best = 0;
	double bv = -1, sum = 0;
	for (int i = 0; i < s->irLen; i++) {
		double v = (double)s->ir[i] * (double)s->ir[i];
		sum += v;
		if (v > bv) { bv = v; best = i; }
	}
	if (sum <= 0) return -1;
	*share = bv / sum;
	if (best == 0 || best == s->irLen - 1) return best;
	double a = fabs((double)s->ir[best-1]), b = fabs((double)s->ir[best]), c = fabs((double)s->ir[best+1]);
	double den = a - 2*b + c;
	if (den >= 0) return best;
	return best + 0.5 * (a - c) / den;
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
		speex_echo_ctl(s->echo, SPEEX_ECHO_GET_IMPULSE_RESPONSE_SIZE, &s->irLen);
		s->ir = calloc((size_t)s->irLen, sizeof *s->ir);
		if (!s->ir) { skoip_speex_free(s); return NULL; }
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

// peak is the position of the filter's largest tap (samples, -1 without
// a filter) and its share of the filter's energy.
func (e *speexEngine) peak() (pos, share float64) {
	var sh C.double
	pos = float64(C.skoip_speex_peak(e.s, &sh))
	return pos, float64(sh)
}

func (e *speexEngine) reset() { C.skoip_speex_reset(e.s) }

func (e *speexEngine) close() { C.skoip_speex_free(e.s); e.s = nil }

func boolInt(b bool) C.int {
	if b {
		return 1
	}
	return 0
}
