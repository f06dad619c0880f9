// C interface to webrtc-audio-processing 0.3 for the comparison engine.
#ifndef SKOIP_WEBRTC_SHIM_H
#define SKOIP_WEBRTC_SHIM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct skoip_webrtc skoip_webrtc;

// skoip_webrtc_new returns NULL on failure. ns is 0 (off) or 1..3
// (moderate, high, very high); delay_ms is the delay of the echo after the
// reference given to skoip_webrtc_run.
skoip_webrtc *skoip_webrtc_new(int rate, int echo, int ns, int delay_ms);
// skoip_webrtc_run processes one 10 ms frame: ref is analysed, mic is
// processed into out. It returns the library's error code (0 = ok).
int skoip_webrtc_run(skoip_webrtc *w, const int16_t *mic, const int16_t *ref, int16_t *out);
void skoip_webrtc_free(skoip_webrtc *w);

#ifdef __cplusplus
}
#endif

#endif
