package hw

import (
	"errors"
	"fmt"
	"log/slog"
)

// Config is the hardware wiring: what is connected to which pin.
type Config struct {
	Buttons []ButtonConfig
	LEDs    []LEDConfig
	Relays  []RelayConfig
}

// Board is the opened hardware: buttons, LEDs and relays, all released by
// Close.
type Board struct {
	Buttons *ButtonSet
	LEDs    *LEDSet
	relays  map[string]*Relay
}

// NewBoard checks cfg, opens every line through lines and starts the
// button and LED goroutines. On error nothing stays open.
func NewBoard(cfg Config, lines LineOpener, clk Clock, log *slog.Logger) (*Board, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	b := &Board{relays: make(map[string]*Relay)}
	if err := b.open(cfg, lines, clk, log); err != nil {
		return nil, errors.Join(err, b.Close())
	}
	return b, nil
}

// open opens the lines of cfg into b; on error, b holds what was opened.
func (b *Board) open(cfg Config, lines LineOpener, clk Clock, log *slog.Logger) error {
	for _, rc := range cfg.Relays {
		out, err := lines.OpenOutput(rc.Pin, rc.ActiveLow)
		if err != nil {
			return fmt.Errorf("hw.NewBoard: relay %q: %w", rc.Name, err)
		}
		r, err := NewRelay(rc.Name, out, rc.MaxPulse, clk, log.With("component", "relay"))
		if err != nil {
			return errors.Join(fmt.Errorf("hw.NewBoard: %w", err), out.Close())
		}
		b.relays[rc.Name] = r
	}
	outs, err := openLEDs(cfg.LEDs, lines)
	if err != nil {
		return err
	}
	b.LEDs = NewLEDSet(outs, clk, log.With("component", "led"))
	b.Buttons, err = NewButtonSet(cfg.Buttons, lines, clk, log.With("component", "button"))
	if err != nil {
		return fmt.Errorf("hw.NewBoard: %w", err)
	}
	return nil
}

func openLEDs(cfgs []LEDConfig, lines LineOpener) (map[string]OutputLine, error) {
	outs := make(map[string]OutputLine, len(cfgs))
	for _, lc := range cfgs {
		out, err := lines.OpenOutput(lc.Pin, lc.ActiveLow)
		if err != nil {
			errs := []error{fmt.Errorf("hw.NewBoard: led %q: %w", lc.Name, err)}
			for _, o := range outs {
				errs = append(errs, o.Close())
			}
			return nil, errors.Join(errs...)
		}
		outs[lc.Name] = out
	}
	return outs, nil
}

// Relay returns the relay called name.
func (b *Board) Relay(name string) (*Relay, error) {
	r, ok := b.relays[name]
	if !ok {
		return nil, fmt.Errorf("hw.Board.Relay %q: %w", name, ErrUnknownName)
	}
	return r, nil
}

// Close releases everything; relays are switched off first.
func (b *Board) Close() error {
	var errs []error
	for _, r := range b.relays {
		errs = append(errs, r.Close())
	}
	if b.Buttons != nil {
		errs = append(errs, b.Buttons.Close())
	}
	if b.LEDs != nil {
		errs = append(errs, b.LEDs.Close())
	}
	return errors.Join(errs...)
}

// Validate checks that names and pins are set and unique.
func (c Config) Validate() error {
	names := map[string]bool{}
	pins := map[string]bool{}
	check := func(kind, name, pin string) error {
		switch {
		case name == "" || pin == "":
			return fmt.Errorf("hw.Config: %s %q on pin %q: name and pin are required", kind, name, pin)
		case names[kind+"/"+name]:
			return fmt.Errorf("hw.Config: %s %q: %w", kind, name, ErrDuplicate)
		case pins[pin]:
			return fmt.Errorf("hw.Config: %s %q: pin %s: %w", kind, name, pin, ErrDuplicate)
		}
		names[kind+"/"+name], pins[pin] = true, true
		return nil
	}
	for _, x := range c.Buttons {
		if err := check("button", x.Name, x.Pin); err != nil {
			return err
		}
	}
	for _, x := range c.LEDs {
		if err := check("led", x.Name, x.Pin); err != nil {
			return err
		}
	}
	for _, x := range c.Relays {
		if err := check("relay", x.Name, x.Pin); err != nil {
			return err
		}
	}
	return nil
}
