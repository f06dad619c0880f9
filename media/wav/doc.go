// Package wav reads WAV prompts into mono int16 samples and writes mono
// 16-bit WAV files.
//
// Reading is defensive: the RIFF structure and the format chunk are
// validated here, byte by byte, before any sample is decoded, and only a
// canonical copy (a bare fmt and data chunk) is handed to
// github.com/go-audio/wav, whose own parser trusts sizes and formats that a
// damaged file can make up. Accepted: integer PCM of 8, 16, 24 or 32 bits,
// IEEE float of 32 or 64 bits, G.711 A-law and µ-law (format tags 6 and 7),
// also inside WAVE_FORMAT_EXTENSIBLE; 1 to 8 channels (averaged to mono);
// 8000 to 48000 Hz. Everything else is rejected with an error that names
// the file and what is wrong.
package wav
