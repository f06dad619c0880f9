//go:build !race

package media

// raceDetector: this test binary runs under the race detector.
const raceDetector = false
