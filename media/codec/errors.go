package codec

import "errors"

// Sentinel errors of this package.
var (
	// ErrUnknownCodec is returned by ByName for an encoding name that has no
	// registered constructor.
	ErrUnknownCodec = errors.New("codec: unknown codec")
	// ErrBadPayloadType is returned for a payload type outside 0-127.
	ErrBadPayloadType = errors.New("codec: payload type out of range 0-127")
	// ErrDuplicate is returned by Register for a name already registered.
	ErrDuplicate = errors.New("codec: name already registered")
)
