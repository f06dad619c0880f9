//go:build cgo

package audio

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/gen2brain/malgo"
)

var formatNames = map[malgo.FormatType]string{malgo.FormatU8: "u8", malgo.FormatS16: "s16",
	malgo.FormatS24: "s24", malgo.FormatS32: "s32", malgo.FormatF32: "f32"}

// ListDevices returns the ALSA capture and playback devices. Without
// libasound or without cards it returns what ALSA shows (maybe nothing),
// not an error.
func ListDevices() ([]DeviceInfo, error) {
	ctx, err := malgo.InitContext([]malgo.Backend{malgo.BackendAlsa}, malgo.ContextConfig{}, nil)
	if err != nil {
		return nil, nil // no libasound: no ALSA devices
	}
	defer func() {
		_ = ctx.Uninit() // ma_context_uninit fails only for a nil context
		ctx.Free()
	}()
	var out []DeviceInfo
	for _, kind := range []malgo.DeviceType{malgo.Capture, malgo.Playback} {
		infos, err := ctx.Devices(kind)
		if err != nil {
			return nil, fmt.Errorf("audio.ListDevices: %w", err)
		}
		for _, in := range infos {
			out = append(out, describe(ctx, kind, in))
		}
	}
	return out, nil
}

func describe(ctx *malgo.AllocatedContext, kind malgo.DeviceType, in malgo.DeviceInfo) DeviceInfo {
	id := in.ID[:]
	if i := bytes.IndexByte(id, 0); i >= 0 {
		id = id[:i]
	}
	d := DeviceInfo{Name: string(id), Desc: strings.Join(strings.Fields(in.Name()), " "), Capture: kind == malgo.Capture, Default: in.IsDefault != 0}
	if full, err := ctx.DeviceInfo(kind, in.ID, malgo.Shared); err == nil {
		in = full
	}
	seen := map[string]bool{}
	for _, f := range in.Formats {
		if f.SampleRate > 0 {
			d.Rates = append(d.Rates, int(f.SampleRate))
		}
		if n := formatNames[f.Format]; n != "" && !seen[n] {
			seen[n] = true
			d.Formats = append(d.Formats, n)
		}
	}
	d.Rates = sortedUnique(d.Rates)
	return d
}

func sortedUnique(xs []int) []int {
	sort.Ints(xs)
	out := xs[:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}
