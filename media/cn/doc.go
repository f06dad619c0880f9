// Package cn is RFC 3389 comfort noise: the payload (a noise level in -dBov
// and optional reflection coefficients), the mapping between that level and
// a frame's level, and a generator of noise at a received level.
//
// 0 dBov is the level of a full-scale square wave (RFC 3389 section 3.1),
// which is 0 dBFS as media/dsp.LevelDB measures 16-bit audio.
package cn
