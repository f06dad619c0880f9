// Package hwtest holds the fakes of SKOIP's hardware, beside the interfaces
// they fake, for every test above hw: a Clock advanced by hand, buttons you
// trigger, LEDs you read, a relay that records its pulses, and Audio, the
// one fake sound card (an audio.Device, and so a media.AudioDevice) whose
// periods you run one at a time (Step, Tick) or in real time (RunTicker),
// capturing a signal you give and recording what it is asked to play.
package hwtest
