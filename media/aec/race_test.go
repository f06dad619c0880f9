//go:build race

package aec

// raceDetector: this test binary runs under the race detector.
const raceDetector = true
