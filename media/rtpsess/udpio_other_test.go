//go:build !(linux && (amd64 || arm64 || arm))

package rtpsess

import "testing"

// stampsOn: sessions are not polled here (udpio_other.go), so the tests
// that need kernel arrival times do not apply.
func stampsOn(t *testing.T) {
	t.Helper()
	t.Skip("polled sessions and kernel arrival times are Linux only")
}
