package voicemail

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// Rate is the sample rate, Hz, of the Source and of the messages.
const Rate = 8000

// The format of a message: 16-bit mono samples after a 44-byte header.
const (
	headerSize   = 44
	bytesPerSec  = 2 * Rate
	maxDataBytes = 1<<32 - 1 - headerSize // what the RIFF size field can say
)

// putHeader writes the 44-byte header of a message of dataLen bytes of
// samples (even: whole 16-bit samples) into b.
func putHeader(b *[headerSize]byte, dataLen uint32) {
	le := binary.LittleEndian
	copy(b[0:], "RIFF")
	le.PutUint32(b[4:], 36+dataLen)
	copy(b[8:], "WAVEfmt ")
	le.PutUint32(b[16:], 16)
	le.PutUint16(b[20:], 1) // integer PCM
	le.PutUint16(b[22:], 1) // mono
	le.PutUint32(b[24:], Rate)
	le.PutUint32(b[28:], bytesPerSec)
	le.PutUint16(b[32:], 2) // bytes a frame
	le.PutUint16(b[34:], 16)
	copy(b[36:], "data")
	le.PutUint32(b[40:], dataLen)
}

var errHeader = errors.New("not a message header")

// parseHeader checks that b, the first bytes of a file of size bytes, is
// the header putHeader writes for exactly the samples that follow it, and
// returns how long they play. It reads nothing but b[:44].
func parseHeader(b []byte, size int64) (time.Duration, error) {
	if len(b) < headerSize || size < headerSize {
		return 0, fmt.Errorf("%w: shorter than %d bytes", errHeader, headerSize)
	}
	var want [headerSize]byte
	data := size - headerSize
	if data > maxDataBytes || data%2 != 0 {
		return 0, fmt.Errorf("%w: %d bytes of samples", errHeader, data)
	}
	putHeader(&want, uint32(data))
	if string(b[:headerSize]) != string(want[:]) {
		le := binary.LittleEndian
		if string(b[:4]) != "RIFF" || string(b[8:16]) != "WAVEfmt " || string(b[36:40]) != "data" {
			return 0, fmt.Errorf("%w: not a canonical RIFF WAVE header", errHeader)
		}
		if riff, n := le.Uint32(b[4:]), le.Uint32(b[40:]); int64(n) != data || int64(riff) != data+36 {
			return 0, fmt.Errorf("%w: header declares %d bytes of samples (RIFF size %d), the file has %d", errHeader, n, riff, data)
		}
		return 0, fmt.Errorf("%w: not 8000 Hz mono 16-bit PCM", errHeader)
	}
	return time.Duration(data / 2 * int64(time.Second) / Rate), nil
}

// readDuration reads the header of the message in r (of size bytes).
func readDuration(r io.ReaderAt, size int64) (time.Duration, error) {
	var b [headerSize]byte
	if size < headerSize {
		return parseHeader(nil, size)
	}
	if _, err := r.ReadAt(b[:], 0); err != nil {
		return 0, err
	}
	return parseHeader(b[:], size)
}
