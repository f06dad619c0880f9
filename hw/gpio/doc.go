// Package gpio opens SKOIP's buttons, LEDs and relay on the Linux GPIO
// character device (/dev/gpiochip*, kernel 5.10 or newer, works on the
// Raspberry Pi 5 and needs only the gpio group) through periph's gpioioctl
// driver. It never calls host.Init(): periph's bcm283x driver mistakes a
// Pi 5 for a Pi 4 and opens /dev/mem.
//
// Lines are named as the kernel names them, which is how the config names
// them: "GPIO17". Bias (pull-up for active-low buttons) is asked for and
// dropped with a warning where the chip does not support it.
package gpio
