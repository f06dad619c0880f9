package main

import (
	"context"
	"fmt"

	"github.com/skoip/skoip/cmd/skoip/internal/mqttbridge"
)

// mqttModel is the device model the MQTT bridge announces.
const mqttModel = "SKOIP door intercom"

// openMQTT builds the MQTT bridge of cfg.MQTT, or nil when no broker is
// configured. It connects when serve runs it.
func (a *app) openMQTT() (*mqttbridge.Bridge, error) {
	if !a.cfg.MQTT.Enabled() {
		return nil, nil
	}
	info := mqttbridge.Info{Name: a.cfg.Device.Name, Version: version, Model: mqttModel}
	return mqttbridge.New(a.cfg.MQTT, mqttUnit{a}, a.bus, info, a.log) // it adds component=mqtt
}

// mqttUnit is the app as the MQTT bridge drives it; the bridge's commands
// are logged "by mqtt".
type mqttUnit struct{ a *app }

func (u mqttUnit) Call(ctx context.Context, target string) error { return u.a.ic.Call(ctx, target) }
func (u mqttUnit) Answer(ctx context.Context) error              { return u.a.ph.Answer(ctx) }
func (u mqttUnit) Hangup(ctx context.Context) error              { return u.a.ic.Hangup(ctx) }

func (u mqttUnit) OpenDoor(ctx context.Context, by string) error { return u.a.ic.OpenDoor(ctx, by) }

func (u mqttUnit) SetMute(ctx context.Context, on bool, by string) error {
	return u.a.setMute(ctx, on, by)
}

func (u mqttUnit) SetDND(ctx context.Context, on bool, by string) error {
	return u.a.ic.SetDND(ctx, on, by)
}

// Snapshot is the state the bridge publishes (retained) at each connect.
func (u mqttUnit) Snapshot(ctx context.Context) (mqttbridge.State, error) {
	a := u.a
	ps := a.ph.Status()
	snap, err := a.ic.Snapshot(ctx)
	if err != nil {
		return mqttbridge.State{}, fmt.Errorf("intercom: %w", err)
	}
	st := mqttbridge.State{Call: string(ps.State), Peer: ps.Peer, Relay: snap.Relay, DND: snap.DND,
		Muted: a.muted.Load(), Registered: a.ph.Registered(), Started: a.started}
	if snap.LastCall.Type != "" {
		last := snap.LastCall
		st.LastCall = &last
	}
	return st, nil
}
