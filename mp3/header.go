package mp3

// header is one decoded MPEG audio frame header.
type header struct {
	version    int // 1 for MPEG-1, 2 for MPEG-2, 25 for MPEG-2.5
	layer      int // 1, 2 or 3
	bitrate    int // bits per second
	sampleRate int // Hz
	padding    bool
	mono       bool
	length     int // whole frame in bytes, header included
	samples    int // samples per channel in the frame
}

var bitrates = [5][15]int{
	{0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448}, // MPEG-1 Layer I
	{0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384},    // MPEG-1 Layer II
	{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},     // MPEG-1 Layer III
	{0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256},    // MPEG-2/2.5 Layer I
	{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},         // MPEG-2/2.5 Layer II and III
}

var sampleRates = [3][3]int{
	{44100, 48000, 32000}, // MPEG-1
	{22050, 24000, 16000}, // MPEG-2
	{11025, 12000, 8000},  // MPEG-2.5
}

// parseHeader decodes the 4 bytes of a frame header. It reports false for
// anything that is not a frame header podpipe can measure: no sync, reserved
// values, and free-format bitrate (whose frame length is not in the header).
func parseHeader(b []byte) (header, bool) {
	var h header
	if len(b) < 4 || b[0] != 0xFF || b[1]&0xE0 != 0xE0 {
		return h, false
	}
	switch (b[1] >> 3) & 3 {
	case 0:
		h.version = 25
	case 2:
		h.version = 2
	case 3:
		h.version = 1
	default:
		return h, false
	}
	switch (b[1] >> 1) & 3 {
	case 1:
		h.layer = 3
	case 2:
		h.layer = 2
	case 3:
		h.layer = 1
	default:
		return h, false
	}
	bi := int(b[2] >> 4)
	si := int(b[2]>>2) & 3
	if bi == 0 || bi == 15 || si == 3 || b[3]&3 == 2 {
		return h, false
	}
	table := h.layer - 1
	if h.version != 1 {
		table = 4
		if h.layer == 1 {
			table = 3
		}
	}
	h.bitrate = bitrates[table][bi] * 1000
	vi := 0
	switch h.version {
	case 2:
		vi = 1
	case 25:
		vi = 2
	}
	h.sampleRate = sampleRates[vi][si]
	h.padding = b[2]&2 != 0
	h.mono = b[3]>>6 == 3
	pad := 0
	if h.padding {
		pad = 1
	}
	switch {
	case h.layer == 1:
		h.samples = 384
		h.length = (12*h.bitrate/h.sampleRate + pad) * 4
	case h.layer == 3 && h.version != 1:
		h.samples = 576
		h.length = 72*h.bitrate/h.sampleRate + pad
	default:
		h.samples = 1152
		h.length = 144*h.bitrate/h.sampleRate + pad
	}
	return h, true
}

// sameStream reports whether h can follow first in one stream: a stream
// keeps its version, layer and sample rate; bitrate and padding may change.
func (h header) sameStream(first header) bool {
	return h.version == first.version && h.layer == first.layer && h.sampleRate == first.sampleRate
}

// sideInfo is the size of the Layer III side information after the header,
// where a Xing or Info header starts.
func (h header) sideInfo() int {
	switch {
	case h.version == 1 && !h.mono:
		return 32
	case h.version == 1:
		return 17
	case !h.mono:
		return 17
	}
	return 9
}

func (h header) channels() int {
	if h.mono {
		return 1
	}
	return 2
}

// isFreeFormat reports whether b is a valid Layer I–III frame header but
// for its bitrate index 0, free format.
func isFreeFormat(b []byte) bool {
	if len(b) < 4 || b[2]>>4 != 0 {
		return false
	}
	c := [4]byte{b[0], b[1], b[2] | 0x10, b[3]}
	_, ok := parseHeader(c[:])
	return ok
}
