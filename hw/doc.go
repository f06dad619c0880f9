// Package hw is SKOIP's hardware boundary: buttons, status LEDs and the door
// relay, built on two small line interfaces (InputLine, OutputLine) so that
// the same logic runs on the Raspberry Pi's GPIO character device
// (hw/gpio), on the simulated twin (hw/sim) and in tests.
//
// Time is injected through Clock: debounce, long-press, LED patterns and the
// relay's pulse are driven by it, so tests run with testing/synctest or the
// fake clock in hw/hwtest instead of sleeping.
//
// Audio devices live in hw/audio, fakes for packages above hw in hw/hwtest,
// and the listing behind `skoip devices` in hw/devices. hw depends on nothing
// else of SKOIP's but the leaves media/wav and media/dsp (the file backend
// decodes its capture WAV with the decoder prompts and check-config use);
// deps_test.go holds it to that.
package hw
