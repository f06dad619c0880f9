package mqttbridge

import (
	"strings"
	"testing"
	"time"
)

func TestRateLog(t *testing.T) {
	var log logBuffer
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	r := newRateLog(newTestLogger(&log), func() time.Time { return now })
	for range 5 {
		r.warn(ignoreUnknown, "ignored")
	}
	r.warn(ignoreTooLong, "ignored")
	now = now.Add(rateEvery)
	r.warn(ignoreUnknown, "ignored")
	want := "kind=unknown suppressed=0\n" + "kind=too_long suppressed=0\n" + "kind=unknown suppressed=4\n"
	var got string
	for _, line := range strings.SplitAfter(log.String(), "\n") {
		if k := strings.Index(line, "kind="); k >= 0 {
			got += line[k:]
		}
	}
	if got != want {
		t.Errorf("got\n%swant\n%s", got, want)
	}
}
