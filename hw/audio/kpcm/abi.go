//go:build linux

package kpcm

import (
	"unsafe"

	"golang.org/x/sys/unix"
)

// The kernel's PCM interface (include/uapi/sound/asound.h), laid out as the
// kernel lays it out for this process's architecture. snd_pcm_uframes_t
// and snd_pcm_sframes_t are C longs: Go's uint and int have the same size
// and alignment on every Linux architecture Go supports, so one Go
// declaration gives the 64-bit layout on arm64 and amd64 (hw_params 608
// bytes, sw_params 136) and the 32-bit one on arm (604 and 104), which is
// also what an arm64 kernel expects from a 32-bit process.

// mask is struct snd_mask: a bit per value of a mask parameter.
type mask struct{ Bits [8]uint32 }

// interval is struct snd_interval. Flags holds the C bit-fields openmin
// (bit 0), openmax (bit 1), integer (bit 2) and empty (bit 3).
type interval struct {
	Min, Max uint32
	Flags    uint32
}

const (
	intervalOpenMin = 1 << 0
	intervalOpenMax = 1 << 1
	intervalInteger = 1 << 2
	intervalEmpty   = 1 << 3
)

// hwParams is struct snd_pcm_hw_params.
type hwParams struct {
	Flags     uint32
	Masks     [3]mask
	Mres      [5]mask
	Intervals [12]interval
	Ires      [9]interval
	Rmask     uint32
	Cmask     uint32
	Info      uint32
	Msbits    uint32
	RateNum   uint32
	RateDen   uint32
	FifoSize  uint // snd_pcm_uframes_t
	Reserved  [64]byte
}

// swParams is struct snd_pcm_sw_params.
type swParams struct {
	TstampMode       int32
	PeriodStep       uint32
	SleepMin         uint32
	AvailMin         uint // snd_pcm_uframes_t, as the six below
	XferAlign        uint
	StartThreshold   uint
	StopThreshold    uint
	SilenceThreshold uint
	SilenceSize      uint
	Boundary         uint
	Proto            uint32
	TstampType       uint32
	Reserved         [56]byte
}

// Mask parameters (index into hwParams.Masks).
const (
	paramAccess    = 0
	paramFormat    = 1
	paramSubformat = 2
)

// Interval parameters (index into hwParams.Intervals after subtracting
// paramFirstInterval).
const (
	paramFirstInterval = 8
	paramSampleBits    = 8
	paramFrameBits     = 9
	paramChannels      = 10
	paramRate          = 11
	paramPeriodTime    = 12
	paramPeriodSize    = 13
	paramPeriodBytes   = 14
	paramPeriods       = 15
	paramBufferTime    = 16
	paramBufferSize    = 17
	paramBufferBytes   = 18
	paramTickTime      = 19
)

const (
	accessRWInterleaved = 3
	subformatStd        = 0
)

// PCM states (SNDRV_PCM_STATE_*), as the kernel reports them.
const (
	stateOpen         = 0
	stateSetup        = 1
	statePrepared     = 2
	stateRunning      = 3
	stateXrun         = 4
	stateSuspended    = 7
	stateDisconnected = 8
)

// ioctl request numbers: _IOC(dir, 'A', nr, size) with the sizes of this
// architecture's structures.
const (
	iocNone  = 0
	iocWrite = 1
	iocRead  = 2
)

func ioc(dir, nr, size uintptr) uintptr {
	return dir<<30 | size<<16 | 'A'<<8 | nr
}

var (
	ioctlPVersion  = ioc(iocRead, 0x00, 4)
	ioctlHWRefine  = ioc(iocRead|iocWrite, 0x10, unsafe.Sizeof(hwParams{}))
	ioctlHWParams  = ioc(iocRead|iocWrite, 0x11, unsafe.Sizeof(hwParams{}))
	ioctlHWFree    = ioc(iocNone, 0x12, 0)
	ioctlSWParams  = ioc(iocRead|iocWrite, 0x13, unsafe.Sizeof(swParams{}))
	ioctlDelay     = ioc(iocRead, 0x21, unsafe.Sizeof(int(0)))
	ioctlPrepare   = ioc(iocNone, 0x40, 0)
	ioctlStart     = ioc(iocNone, 0x42, 0)
	ioctlDrop      = ioc(iocNone, 0x43, 0)
	ioctlResume    = ioc(iocNone, 0x47, 0)
	ioctlHWSync    = ioc(iocNone, 0x22, 0)
	ioctlUserPVers = ioc(iocWrite, 0x04, 4)
)

// ioctlPtr is ioctl(fd, req, p), retried on EINTR.
func ioctlPtr(fd int, req uintptr, p unsafe.Pointer) error {
	for {
		_, _, e := unix.Syscall(unix.SYS_IOCTL, uintptr(fd), req, uintptr(p))
		if e == unix.EINTR {
			continue
		}
		if e != 0 {
			return e
		}
		return nil
	}
}

// ioctlNone is an ioctl without an argument, retried on EINTR.
func ioctlNone(fd int, req uintptr) error { return ioctlPtr(fd, req, nil) }
