#include "shim.h"

#include <string.h>

#include <webrtc/modules/audio_processing/include/audio_processing.h>
#include <webrtc/modules/interface/module_common_types.h>

struct skoip_webrtc {
	webrtc::AudioProcessing *apm;
	webrtc::AudioFrame near, far;
	int frame, delay_ms;
};

static void setup_frame(webrtc::AudioFrame *f, int rate) {
	f->sample_rate_hz_ = rate;
	f->samples_per_channel_ = rate / 100;
	f->num_channels_ = 1;
}

extern "C" skoip_webrtc *skoip_webrtc_new(int rate, int echo, int ns, int delay_ms) {
	webrtc::Config cfg;
	cfg.Set<webrtc::ExtendedFilter>(new webrtc::ExtendedFilter(true));
	cfg.Set<webrtc::DelayAgnostic>(new webrtc::DelayAgnostic(true));
	webrtc::AudioProcessing *apm = webrtc::AudioProcessing::Create(cfg);
	if (!apm) return NULL;
	if (apm->Initialize(rate, rate, rate, webrtc::AudioProcessing::kMono, webrtc::AudioProcessing::kMono,
			webrtc::AudioProcessing::kMono) != 0) {
		delete apm;
		return NULL;
	}
	skoip_webrtc *w = new skoip_webrtc;
	w->apm = apm;
	w->frame = rate / 100;
	w->delay_ms = delay_ms;
	setup_frame(&w->near, rate);
	setup_frame(&w->far, rate);
	apm->high_pass_filter()->Enable(false);
	apm->gain_control()->Enable(false);
	apm->voice_detection()->Enable(false);
	if (echo) {
		apm->echo_cancellation()->enable_drift_compensation(false);
		apm->echo_cancellation()->set_suppression_level(webrtc::EchoCancellation::kHighSuppression);
		apm->echo_cancellation()->Enable(true);
	}
	if (ns > 0) {
		static const webrtc::NoiseSuppression::Level levels[] = {
			webrtc::NoiseSuppression::kModerate, webrtc::NoiseSuppression::kHigh, webrtc::NoiseSuppression::kVeryHigh};
		apm->noise_suppression()->set_level(levels[ns > 3 ? 2 : ns - 1]);
		apm->noise_suppression()->Enable(true);
	}
	return w;
}

extern "C" int skoip_webrtc_run(skoip_webrtc *w, const int16_t *mic, const int16_t *ref, int16_t *out) {
	size_t n = (size_t)w->frame * sizeof(int16_t);
	memcpy(w->far.data_, ref, n);
	int err = w->apm->AnalyzeReverseStream(&w->far);
	if (err) return err;
	memcpy(w->near.data_, mic, n);
	w->apm->set_stream_delay_ms(w->delay_ms);
	err = w->apm->ProcessStream(&w->near);
	memcpy(out, w->near.data_, n);
	return err;
}

extern "C" void skoip_webrtc_free(skoip_webrtc *w) {
	delete w->apm;
	delete w;
}
