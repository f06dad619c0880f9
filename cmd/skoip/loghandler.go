package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
)

// traceHandler is a slog.TextHandler that prints multi-line messages (the
// SIP traces: "===== 10.0.0.2:5060 | SIP Sent =====" and the message) as
// one record: the first line as the record's message, then the rest of
// the lines as they are, kept together.
type traceHandler struct {
	inner slog.Handler
	w     io.Writer
	mu    *sync.Mutex
}

func newTraceHandler(w io.Writer, opts *slog.HandlerOptions) *traceHandler {
	mu := &sync.Mutex{}
	return &traceHandler{inner: slog.NewTextHandler(w, opts), w: w, mu: mu}
}

func (h *traceHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.inner.Enabled(ctx, l)
}

func (h *traceHandler) Handle(ctx context.Context, r slog.Record) error {
	first, rest, multi := strings.Cut(r.Message, "\n")
	h.mu.Lock()
	defer h.mu.Unlock()
	if !multi {
		return h.inner.Handle(ctx, r)
	}
	r2 := r.Clone()
	r2.Message = strings.TrimRight(first, "\r")
	if err := h.inner.Handle(ctx, r2); err != nil {
		return err
	}
	rest = strings.ReplaceAll(strings.TrimRight(rest, "\r\n"), "\r\n", "\n")
	_, err := io.WriteString(h.w, rest+"\n\n")
	return err
}

func (h *traceHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &traceHandler{inner: h.inner.WithAttrs(as), w: h.w, mu: h.mu}
}

func (h *traceHandler) WithGroup(name string) slog.Handler {
	return &traceHandler{inner: h.inner.WithGroup(name), w: h.w, mu: h.mu}
}
