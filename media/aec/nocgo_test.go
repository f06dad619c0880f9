//go:build !cgo

package aec

import (
	"errors"
	"testing"
)

// TestNoCgo: without cgo the speex engine is unavailable, and says so.
func TestNoCgo(t *testing.T) {
	if _, err := New(Config{Rate: 8000, EchoCancel: true}); !errors.Is(err, ErrUnavailable) {
		t.Errorf("New without cgo: %v, want ErrUnavailable", err)
	}
}
