package gpio

import (
	"sync"
	"time"

	"periph.io/x/conn/v3/gpio"
)

// level returns the electrical level for a logical state.
func level(on, activeLow bool) gpio.Level { return gpio.Level(on != activeLow) }

// release closes a gpioioctl line (its Close has no result) if p is one.
func releasePin(p Pin) {
	if c, ok := p.(interface{ Close() }); ok {
		c.Close()
	}
}

type input struct {
	pin       Pin
	activeLow bool
	release   func()
	once      sync.Once
}

func (in *input) Active() bool { return bool(in.pin.Read()) != in.activeLow }

func (in *input) WaitForEdge(timeout time.Duration) bool {
	return in.pin.WaitForEdge(max(timeout, minWait))
}

func (in *input) Halt() error { return in.pin.Halt() }

func (in *input) Close() error {
	in.once.Do(func() {
		releasePin(in.pin)
		in.release()
	})
	return nil
}

type output struct {
	pin       Pin
	activeLow bool
	release   func()
	once      sync.Once
}

func (o *output) Set(on bool) error { return o.pin.Out(level(on, o.activeLow)) }

func (o *output) Close() error {
	var err error
	o.once.Do(func() {
		err = o.Set(false)
		releasePin(o.pin)
		o.release()
	})
	return err
}
