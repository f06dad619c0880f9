//go:build linux

package kpcm

import (
	"maps"
	"runtime"
	"slices"
	"testing"
	"unsafe"
)

// The kernel's values, as gcc computes them from <sound/asound.h>
// (linux-libc-dev 6.1, PCM protocol 2.0.15) for x86_64-linux-gnu,
// aarch64-linux-gnu and arm-linux-gnueabihf. Each key is the C expression,
// so that TestABIKernelHeader can ask a C compiler again.
var abiCommon = map[string]uint64{
	"SNDRV_PCM_IOCTL_PVERSION":      0x80044100,
	"SNDRV_PCM_IOCTL_USER_PVERSION": 0x40044104,
	"SNDRV_PCM_IOCTL_HW_FREE":       0x4112,
	"SNDRV_PCM_IOCTL_HWSYNC":        0x4122,
	"SNDRV_PCM_IOCTL_PREPARE":       0x4140,
	"SNDRV_PCM_IOCTL_START":         0x4142,
	"SNDRV_PCM_IOCTL_DROP":          0x4143,
	"SNDRV_PCM_IOCTL_RESUME":        0x4147,

	"sizeof(struct snd_mask)":                         32,
	"sizeof(struct snd_interval)":                     12,
	"offsetof(struct snd_pcm_hw_params, flags)":       0,
	"offsetof(struct snd_pcm_hw_params, masks)":       4,
	"offsetof(struct snd_pcm_hw_params, mres)":        100,
	"offsetof(struct snd_pcm_hw_params, intervals)":   260,
	"offsetof(struct snd_pcm_hw_params, ires)":        404,
	"offsetof(struct snd_pcm_hw_params, rmask)":       512,
	"offsetof(struct snd_pcm_hw_params, cmask)":       516,
	"offsetof(struct snd_pcm_hw_params, info)":        520,
	"offsetof(struct snd_pcm_hw_params, msbits)":      524,
	"offsetof(struct snd_pcm_hw_params, rate_num)":    528,
	"offsetof(struct snd_pcm_hw_params, rate_den)":    532,
	"offsetof(struct snd_pcm_hw_params, fifo_size)":   536,
	"offsetof(struct snd_pcm_sw_params, tstamp_mode)": 0,
	"offsetof(struct snd_pcm_sw_params, period_step)": 4,
	"offsetof(struct snd_pcm_sw_params, sleep_min)":   8,

	"SNDRV_PCM_ACCESS_RW_INTERLEAVED":   3,
	"SNDRV_PCM_SUBFORMAT_STD":           0,
	"SNDRV_PCM_FORMAT_S16_LE":           2,
	"SNDRV_PCM_FORMAT_S24_LE":           6,
	"SNDRV_PCM_FORMAT_S32_LE":           10,
	"SNDRV_PCM_FORMAT_FLOAT_LE":         14,
	"SNDRV_PCM_FORMAT_S24_3LE":          32,
	"SNDRV_PCM_HW_PARAM_ACCESS":         0,
	"SNDRV_PCM_HW_PARAM_FORMAT":         1,
	"SNDRV_PCM_HW_PARAM_SUBFORMAT":      2,
	"SNDRV_PCM_HW_PARAM_FIRST_INTERVAL": 8,
	"SNDRV_PCM_HW_PARAM_SAMPLE_BITS":    8,
	"SNDRV_PCM_HW_PARAM_FRAME_BITS":     9,
	"SNDRV_PCM_HW_PARAM_CHANNELS":       10,
	"SNDRV_PCM_HW_PARAM_RATE":           11,
	"SNDRV_PCM_HW_PARAM_PERIOD_TIME":    12,
	"SNDRV_PCM_HW_PARAM_PERIOD_SIZE":    13,
	"SNDRV_PCM_HW_PARAM_PERIOD_BYTES":   14,
	"SNDRV_PCM_HW_PARAM_PERIODS":        15,
	"SNDRV_PCM_HW_PARAM_BUFFER_TIME":    16,
	"SNDRV_PCM_HW_PARAM_BUFFER_SIZE":    17,
	"SNDRV_PCM_HW_PARAM_BUFFER_BYTES":   18,
	"SNDRV_PCM_HW_PARAM_TICK_TIME":      19,
	"SNDRV_PCM_STATE_OPEN":              0,
	"SNDRV_PCM_STATE_SETUP":             1,
	"SNDRV_PCM_STATE_PREPARED":          2,
	"SNDRV_PCM_STATE_RUNNING":           3,
	"SNDRV_PCM_STATE_XRUN":              4,
	"SNDRV_PCM_STATE_SUSPENDED":         7,
	"SNDRV_PCM_STATE_DISCONNECTED":      8,
}

// abiLP64 is amd64 and arm64: C long (snd_pcm_uframes_t) is 8 bytes.
var abiLP64 = map[string]uint64{
	"SNDRV_PCM_IOCTL_HW_REFINE": 0xc2604110,
	"SNDRV_PCM_IOCTL_HW_PARAMS": 0xc2604111,
	"SNDRV_PCM_IOCTL_SW_PARAMS": 0xc0884113,
	"SNDRV_PCM_IOCTL_DELAY":     0x80084121,

	"sizeof(struct snd_pcm_hw_params)":                      608,
	"offsetof(struct snd_pcm_hw_params, reserved)":          544,
	"sizeof(struct snd_pcm_sw_params)":                      136,
	"offsetof(struct snd_pcm_sw_params, avail_min)":         16,
	"offsetof(struct snd_pcm_sw_params, xfer_align)":        24,
	"offsetof(struct snd_pcm_sw_params, start_threshold)":   32,
	"offsetof(struct snd_pcm_sw_params, stop_threshold)":    40,
	"offsetof(struct snd_pcm_sw_params, silence_threshold)": 48,
	"offsetof(struct snd_pcm_sw_params, silence_size)":      56,
	"offsetof(struct snd_pcm_sw_params, boundary)":          64,
	"offsetof(struct snd_pcm_sw_params, proto)":             72,
	"offsetof(struct snd_pcm_sw_params, tstamp_type)":       76,
	"offsetof(struct snd_pcm_sw_params, reserved)":          80,
}

// abiILP32 is arm (ARMv6 and ARMv7, EABI): C long is 4 bytes. An arm64
// kernel's compat layer expects the same from a 32-bit process.
var abiILP32 = map[string]uint64{
	"SNDRV_PCM_IOCTL_HW_REFINE": 0xc25c4110,
	"SNDRV_PCM_IOCTL_HW_PARAMS": 0xc25c4111,
	"SNDRV_PCM_IOCTL_SW_PARAMS": 0xc0684113,
	"SNDRV_PCM_IOCTL_DELAY":     0x80044121,

	"sizeof(struct snd_pcm_hw_params)":                      604,
	"offsetof(struct snd_pcm_hw_params, reserved)":          540,
	"sizeof(struct snd_pcm_sw_params)":                      104,
	"offsetof(struct snd_pcm_sw_params, avail_min)":         12,
	"offsetof(struct snd_pcm_sw_params, xfer_align)":        16,
	"offsetof(struct snd_pcm_sw_params, start_threshold)":   20,
	"offsetof(struct snd_pcm_sw_params, stop_threshold)":    24,
	"offsetof(struct snd_pcm_sw_params, silence_threshold)": 28,
	"offsetof(struct snd_pcm_sw_params, silence_size)":      32,
	"offsetof(struct snd_pcm_sw_params, boundary)":          36,
	"offsetof(struct snd_pcm_sw_params, proto)":             40,
	"offsetof(struct snd_pcm_sw_params, tstamp_type)":       44,
	"offsetof(struct snd_pcm_sw_params, reserved)":          48,
}

// abiGolden is the kernel's ABI for each architecture the project ships.
func abiGolden(goarch string) (map[string]uint64, bool) {
	var arch map[string]uint64
	switch goarch {
	case "amd64", "arm64":
		arch = abiLP64
	case "arm":
		arch = abiILP32
	default:
		return nil, false
	}
	all := maps.Clone(abiCommon)
	maps.Copy(all, arch)
	return all, true
}

// goABI is the package's declaration of the same, on this architecture.
func goABI() map[string]uint64 {
	var hw hwParams
	var sw swParams
	u := func(v uintptr) uint64 { return uint64(v) }
	return map[string]uint64{
		"SNDRV_PCM_IOCTL_PVERSION":      u(ioctlPVersion),
		"SNDRV_PCM_IOCTL_USER_PVERSION": u(ioctlUserPVers),
		"SNDRV_PCM_IOCTL_HW_REFINE":     u(ioctlHWRefine),
		"SNDRV_PCM_IOCTL_HW_PARAMS":     u(ioctlHWParams),
		"SNDRV_PCM_IOCTL_HW_FREE":       u(ioctlHWFree),
		"SNDRV_PCM_IOCTL_SW_PARAMS":     u(ioctlSWParams),
		"SNDRV_PCM_IOCTL_DELAY":         u(ioctlDelay),
		"SNDRV_PCM_IOCTL_HWSYNC":        u(ioctlHWSync),
		"SNDRV_PCM_IOCTL_PREPARE":       u(ioctlPrepare),
		"SNDRV_PCM_IOCTL_START":         u(ioctlStart),
		"SNDRV_PCM_IOCTL_DROP":          u(ioctlDrop),
		"SNDRV_PCM_IOCTL_RESUME":        u(ioctlResume),

		"sizeof(struct snd_mask)":                       u(unsafe.Sizeof(mask{})),
		"sizeof(struct snd_interval)":                   u(unsafe.Sizeof(interval{})),
		"sizeof(struct snd_pcm_hw_params)":              u(unsafe.Sizeof(hw)),
		"offsetof(struct snd_pcm_hw_params, flags)":     u(unsafe.Offsetof(hw.Flags)),
		"offsetof(struct snd_pcm_hw_params, masks)":     u(unsafe.Offsetof(hw.Masks)),
		"offsetof(struct snd_pcm_hw_params, mres)":      u(unsafe.Offsetof(hw.Mres)),
		"offsetof(struct snd_pcm_hw_params, intervals)": u(unsafe.Offsetof(hw.Intervals)),
		"offsetof(struct snd_pcm_hw_params, ires)":      u(unsafe.Offsetof(hw.Ires)),
		"offsetof(struct snd_pcm_hw_params, rmask)":     u(unsafe.Offsetof(hw.Rmask)),
		"offsetof(struct snd_pcm_hw_params, cmask)":     u(unsafe.Offsetof(hw.Cmask)),
		"offsetof(struct snd_pcm_hw_params, info)":      u(unsafe.Offsetof(hw.Info)),
		"offsetof(struct snd_pcm_hw_params, msbits)":    u(unsafe.Offsetof(hw.Msbits)),
		"offsetof(struct snd_pcm_hw_params, rate_num)":  u(unsafe.Offsetof(hw.RateNum)),
		"offsetof(struct snd_pcm_hw_params, rate_den)":  u(unsafe.Offsetof(hw.RateDen)),
		"offsetof(struct snd_pcm_hw_params, fifo_size)": u(unsafe.Offsetof(hw.FifoSize)),
		"offsetof(struct snd_pcm_hw_params, reserved)":  u(unsafe.Offsetof(hw.Reserved)),

		"sizeof(struct snd_pcm_sw_params)":                      u(unsafe.Sizeof(sw)),
		"offsetof(struct snd_pcm_sw_params, tstamp_mode)":       u(unsafe.Offsetof(sw.TstampMode)),
		"offsetof(struct snd_pcm_sw_params, period_step)":       u(unsafe.Offsetof(sw.PeriodStep)),
		"offsetof(struct snd_pcm_sw_params, sleep_min)":         u(unsafe.Offsetof(sw.SleepMin)),
		"offsetof(struct snd_pcm_sw_params, avail_min)":         u(unsafe.Offsetof(sw.AvailMin)),
		"offsetof(struct snd_pcm_sw_params, xfer_align)":        u(unsafe.Offsetof(sw.XferAlign)),
		"offsetof(struct snd_pcm_sw_params, start_threshold)":   u(unsafe.Offsetof(sw.StartThreshold)),
		"offsetof(struct snd_pcm_sw_params, stop_threshold)":    u(unsafe.Offsetof(sw.StopThreshold)),
		"offsetof(struct snd_pcm_sw_params, silence_threshold)": u(unsafe.Offsetof(sw.SilenceThreshold)),
		"offsetof(struct snd_pcm_sw_params, silence_size)":      u(unsafe.Offsetof(sw.SilenceSize)),
		"offsetof(struct snd_pcm_sw_params, boundary)":          u(unsafe.Offsetof(sw.Boundary)),
		"offsetof(struct snd_pcm_sw_params, proto)":             u(unsafe.Offsetof(sw.Proto)),
		"offsetof(struct snd_pcm_sw_params, tstamp_type)":       u(unsafe.Offsetof(sw.TstampType)),
		"offsetof(struct snd_pcm_sw_params, reserved)":          u(unsafe.Offsetof(sw.Reserved)),

		"SNDRV_PCM_ACCESS_RW_INTERLEAVED":   accessRWInterleaved,
		"SNDRV_PCM_SUBFORMAT_STD":           subformatStd,
		"SNDRV_PCM_FORMAT_S16_LE":           uint64(S16LE),
		"SNDRV_PCM_FORMAT_S24_LE":           uint64(S24LE),
		"SNDRV_PCM_FORMAT_S32_LE":           uint64(S32LE),
		"SNDRV_PCM_FORMAT_FLOAT_LE":         uint64(FloatLE),
		"SNDRV_PCM_FORMAT_S24_3LE":          uint64(S243LE),
		"SNDRV_PCM_HW_PARAM_ACCESS":         paramAccess,
		"SNDRV_PCM_HW_PARAM_FORMAT":         paramFormat,
		"SNDRV_PCM_HW_PARAM_SUBFORMAT":      paramSubformat,
		"SNDRV_PCM_HW_PARAM_FIRST_INTERVAL": paramFirstInterval,
		"SNDRV_PCM_HW_PARAM_SAMPLE_BITS":    paramSampleBits,
		"SNDRV_PCM_HW_PARAM_FRAME_BITS":     paramFrameBits,
		"SNDRV_PCM_HW_PARAM_CHANNELS":       paramChannels,
		"SNDRV_PCM_HW_PARAM_RATE":           paramRate,
		"SNDRV_PCM_HW_PARAM_PERIOD_TIME":    paramPeriodTime,
		"SNDRV_PCM_HW_PARAM_PERIOD_SIZE":    paramPeriodSize,
		"SNDRV_PCM_HW_PARAM_PERIOD_BYTES":   paramPeriodBytes,
		"SNDRV_PCM_HW_PARAM_PERIODS":        paramPeriods,
		"SNDRV_PCM_HW_PARAM_BUFFER_TIME":    paramBufferTime,
		"SNDRV_PCM_HW_PARAM_BUFFER_SIZE":    paramBufferSize,
		"SNDRV_PCM_HW_PARAM_BUFFER_BYTES":   paramBufferBytes,
		"SNDRV_PCM_HW_PARAM_TICK_TIME":      paramTickTime,
		"SNDRV_PCM_STATE_OPEN":              stateOpen,
		"SNDRV_PCM_STATE_SETUP":             stateSetup,
		"SNDRV_PCM_STATE_PREPARED":          statePrepared,
		"SNDRV_PCM_STATE_RUNNING":           stateRunning,
		"SNDRV_PCM_STATE_XRUN":              stateXrun,
		"SNDRV_PCM_STATE_SUSPENDED":         stateSuspended,
		"SNDRV_PCM_STATE_DISCONNECTED":      stateDisconnected,
	}
}

// compareABI reports every key whose value differs between want and got,
// and every key that only one of them has.
func compareABI(t *testing.T, what string, want, got map[string]uint64) {
	t.Helper()
	for _, k := range slices.Sorted(maps.Keys(want)) {
		g, ok := got[k]
		switch {
		case !ok:
			t.Errorf("%s: %s missing", what, k)
		case g != want[k]:
			t.Errorf("%s: %s = %d (%#x), want %d (%#x)", what, k, g, g, want[k], want[k])
		}
	}
	for k := range got {
		if _, ok := want[k]; !ok {
			t.Errorf("%s: %s has no expected value", what, k)
		}
	}
}

// The structures and ioctl numbers as this architecture's kernel lays them
// out. Run as arm64, armv7 and armv6 binaries under qemu-user too.
func TestABIGolden(t *testing.T) {
	golden, ok := abiGolden(runtime.GOARCH)
	if !ok {
		t.Fatalf("no kernel ABI table for GOARCH=%s: add one to abiGolden, from a C program compiled for it against <sound/asound.h>", runtime.GOARCH)
	}
	compareABI(t, "Go on "+runtime.GOARCH, golden, goABI())
}

// The bits of the snd_interval bit-fields (openmin:1, openmax:1,
// integer:1, empty:1), in the 32-bit word after min and max, as gcc lays
// them out on every little-endian architecture.
func TestIntervalFlagBits(t *testing.T) {
	for _, c := range []struct {
		name string
		flag uint32
		want uint32
	}{{"openmin", intervalOpenMin, 0x1}, {"openmax", intervalOpenMax, 0x2}, {"integer", intervalInteger, 0x4}, {"empty", intervalEmpty, 0x8}} {
		if c.flag != c.want {
			t.Errorf("%s = %#x, want %#x", c.name, c.flag, c.want)
		}
	}
	if off := unsafe.Offsetof(interval{}.Flags); off != 8 {
		t.Errorf("interval flags at offset %d, want 8", off)
	}
}
