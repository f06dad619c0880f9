package main

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestTraceHandlerPrintsMultiLineMessages(t *testing.T) {
	var b bytes.Buffer
	log := slog.New(newTraceHandler(&b, &slog.HandlerOptions{Level: slog.LevelDebug})).With("component", "sip")
	log.Debug("===== 10.0.0.2:5060 | SIP Sent =====\r\nINVITE sip:10.0.0.2 SIP/2.0\r\nCSeq: 1 INVITE\r\n\r\n")
	log.Info("plain", "k", "v")
	got := b.String()
	want := "msg=\"===== 10.0.0.2:5060 | SIP Sent =====\" component=sip\nINVITE sip:10.0.0.2 SIP/2.0\nCSeq: 1 INVITE\n\n"
	if !strings.Contains(got, want) {
		t.Fatalf("got\n%s\nwant it to contain\n%s", got, want)
	}
	if !strings.Contains(got, "msg=plain component=sip k=v\n") {
		t.Fatalf("plain record: %q", got)
	}
}
