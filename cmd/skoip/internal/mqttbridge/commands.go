package mqttbridge

import (
	"context"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/skoip/skoip/config"
)

// maxPayload bounds a command's payload; longer ones are ignored.
const maxPayload = 256

// Payloads the commands take besides "ON"/"OFF" and a call's target.
const (
	press    = "PRESS" // Home Assistant's default button payload
	openDoor = "open"
)

// command is one command taken from MQTT.
type command struct {
	name   string // one of config.MQTTCommands
	target string // call: "" for the default peer
	on     bool   // mute, dnd
}

// onMessage is paho's handler for PREFIX/cmd/+. It never blocks: a
// command goes to the worker's queue or is dropped.
func (b *Bridge) onMessage(_ mqtt.Client, m mqtt.Message) {
	cmd, why := b.parseCommand(m.Topic(), m.Payload(), m.Retained())
	if why != "" {
		b.ignored.warn(why, "mqtt: command ignored", "topic", clip(m.Topic()), "bytes", len(m.Payload()))
		return
	}
	select {
	case b.cmds <- cmd:
	default:
		b.ignored.warn(ignoreQueueFull, "mqtt: command dropped", "command", cmd.name)
	}
}

// parseCommand turns a message into a command, or names why it is
// ignored (one of the ignore kinds).
func (b *Bridge) parseCommand(topic string, payload []byte, isRetained bool) (command, string) {
	name, ok := strings.CutPrefix(topic, b.topics.cmd)
	switch {
	case isRetained:
		return command{}, ignoreRetained
	case len(payload) > maxPayload:
		return command{}, ignoreTooLong
	case !utf8.Valid(payload) || !utf8.ValidString(topic):
		return command{}, ignoreNotUTF8
	case !ok || !slices.Contains(config.MQTTCommands, name):
		return command{}, ignoreUnknown
	case !b.cfg.Allows(name):
		return command{}, ignoreNotAllowed
	}
	c, ok := parsePayload(name, string(payload))
	if !ok {
		return command{}, ignorePayload
	}
	return c, ""
}

// parsePayload checks the payload name takes: call a target ("" or
// "PRESS" for the default peer), answer and hangup "" or "PRESS", door
// "open" or "PRESS", mute and dnd "ON" or "OFF".
func parsePayload(name, p string) (command, bool) {
	c := command{name: name}
	switch name {
	case config.CommandCall:
		if p != press {
			c.target = p
		}
		return c, strings.IndexFunc(p, notTarget) < 0
	case config.CommandAnswer, config.CommandHangup:
		return c, p == "" || p == press
	case config.CommandDoor:
		return c, p == openDoor || p == press
	case config.CommandMute, config.CommandDND:
		c.on = p == "ON"
		return c, p == "ON" || p == "OFF"
	}
	return c, false
}

// notTarget rejects spaces and control characters in a call's target.
func notTarget(r rune) bool { return !unicode.IsPrint(r) || unicode.IsSpace(r) }

// clip shortens a topic from the network for a log line.
func clip(s string) string {
	if len(s) <= 80 {
		return s
	}
	return strings.ToValidUTF8(s[:80], "?") + "..."
}

// runCommands is the one worker that acts on commands, each with
// commandTimeout, until ctx ends.
func (b *Bridge) runCommands(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case c := <-b.cmds:
			b.execute(ctx, c)
		}
	}
}

func (b *Bridge) execute(ctx context.Context, c command) {
	ctx, cancel := context.WithTimeout(ctx, commandTimeout)
	defer cancel()
	if err := c.run(ctx, b.unit); err != nil {
		b.log.Warn("mqtt: command failed", "command", c.name, "err", err)
		return
	}
	b.log.Info("mqtt: command", "command", c.name, "target", c.target, "on", c.on)
}

func (c command) run(ctx context.Context, u Unit) error {
	switch c.name {
	case config.CommandCall:
		return u.Call(ctx, c.target)
	case config.CommandAnswer:
		return u.Answer(ctx)
	case config.CommandHangup:
		return u.Hangup(ctx)
	case config.CommandDoor:
		return u.OpenDoor(ctx, by)
	case config.CommandMute:
		return u.SetMute(ctx, c.on, by)
	case config.CommandDND:
		return u.SetDND(ctx, c.on, by)
	}
	return nil
}
