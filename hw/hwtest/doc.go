// Package hwtest holds fakes of SKOIP's hardware for tests above hw: a
// Clock advanced by hand, buttons you trigger, LEDs you read, a relay that
// records its pulses and an audio device whose periods you drive one at a
// time with Tick.
package hwtest
