//go:build race

package codec

// g722RaceDetector: this test binary runs under the race detector.
const g722RaceDetector = true
