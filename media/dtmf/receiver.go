package dtmf

// Receiver reports each received event once. An event is identified by its
// RTP timestamp: all its packets (start, updates, the redundant end packets)
// carry the same one.
type Receiver struct {
	lastTS   uint32
	haveLast bool
}

// Handle parses one telephone-event payload with its RTP timestamp. It
// returns the digit and true the first time an event is seen (whichever of
// its packets arrives first); repeats, non-DTMF events and malformed
// payloads return false.
func (r *Receiver) Handle(ts uint32, payload []byte) (rune, bool) {
	var p Payload
	if p.Unmarshal(payload) != nil {
		return 0, false
	}
	if r.haveLast && ts == r.lastTS {
		return 0, false
	}
	digit, ok := DigitOf(p.Event)
	if !ok {
		return 0, false
	}
	r.lastTS, r.haveLast = ts, true
	return digit, true
}

// Reset forgets the last event (new remote source).
func (r *Receiver) Reset() { r.haveLast = false }
