package sim

import (
	"fmt"
	"log/slog"

	"github.com/skoip/skoip/hw"
)

// Board is a hw.Board on simulated lines, with buttons pressed by call.
type Board struct {
	*hw.Board
	lines   *Lines
	buttons map[string]string // button name -> pin
	log     *slog.Logger
}

// Open builds the board described by cfg on simulated lines. Button presses
// go through the same debounce and long-press logic as on real GPIO.
func Open(cfg hw.Config, clk hw.Clock, log *slog.Logger) (*Board, error) {
	lines := NewLines(clk)
	b, err := hw.NewBoard(cfg, lines, clk, log)
	if err != nil {
		return nil, fmt.Errorf("sim.Open: %w", err)
	}
	buttons := make(map[string]string, len(cfg.Buttons))
	for _, bc := range cfg.Buttons {
		buttons[bc.Name] = bc.Pin
	}
	return &Board{Board: b, lines: lines, buttons: buttons, log: log}, nil
}

// Press holds the button called name down.
func (b *Board) Press(name string) error { return b.set(name, true) }

// Release lets the button called name go.
func (b *Board) Release(name string) error { return b.set(name, false) }

func (b *Board) set(name string, down bool) error {
	pin, ok := b.buttons[name]
	if !ok {
		return fmt.Errorf("sim.Board: button %q: %w", name, ErrUnknownButton)
	}
	b.log.Info("sim button", "name", name, "pressed", down)
	b.lines.Input(pin).Set(down)
	return nil
}

// Lines returns the simulated lines, to read outputs by pin.
func (b *Board) Lines() *Lines { return b.lines }
