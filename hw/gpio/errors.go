package gpio

import "errors"

// Sentinel errors of package gpio.
var (
	// ErrNoChips means the machine has no /dev/gpiochip* (a PC, a container):
	// use the simulated GPIO instead.
	ErrNoChips = errors.New("gpio: no GPIO chips found (/dev/gpiochip*)")
	// ErrNoLine means no chip has a line of the configured name.
	ErrNoLine = errors.New("gpio: no such line")
	// ErrBusy means the line is already opened by this process.
	ErrBusy = errors.New("gpio: line already in use")
	// ErrUnsupported is returned on systems without the Linux GPIO
	// character device.
	ErrUnsupported = errors.New("gpio: GPIO character device needs Linux")
)
