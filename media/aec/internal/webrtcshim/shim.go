//go:build webrtc && cgo

// Package webrtcshim wraps webrtc-audio-processing 0.3 (C++) for the
// comparison engine of media/aec; it is built only with the tag webrtc.
package webrtcshim

/*
#cgo pkg-config: webrtc-audio-processing
#cgo CXXFLAGS: -std=c++11 -DWEBRTC_POSIX
#cgo LDFLAGS: -lstdc++ -lm -lpthread
#include "shim.h"
*/
import "C"

import (
	"errors"
	"unsafe"
)

// ErrInit means the library failed to build its state.
var ErrInit = errors.New("webrtcshim: initialisation failed")

// APM is one audio processing module.
type APM struct {
	w *C.skoip_webrtc
}

// New builds an APM at rate with echo cancellation and noise suppression
// level ns (0 off, 1..3); delayMS is the delay of the echo after the
// reference given to Process.
func New(rate int, echo bool, ns, delayMS int) (*APM, error) {
	e := 0
	if echo {
		e = 1
	}
	w := C.skoip_webrtc_new(C.int(rate), C.int(e), C.int(ns), C.int(delayMS))
	if w == nil {
		return nil, ErrInit
	}
	return &APM{w: w}, nil
}

// Process runs one 10 ms frame; it returns the library's error code.
func (a *APM) Process(mic, ref, out []int16) int {
	return int(C.skoip_webrtc_run(a.w, (*C.int16_t)(unsafe.Pointer(&mic[0])),
		(*C.int16_t)(unsafe.Pointer(&ref[0])), (*C.int16_t)(unsafe.Pointer(&out[0]))))
}

// Close frees the module.
func (a *APM) Close() { C.skoip_webrtc_free(a.w); a.w = nil }
