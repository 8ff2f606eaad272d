package id3

import (
	"bytes"
	"encoding/binary"
	"strings"
	"unicode/utf16"
)

// Text encodings of ID3v2 frames. v2.3 has only the first two.
const (
	encLatin1  = 0
	encUTF16   = 1 // with a byte order mark
	encUTF16BE = 2 // v2.4 only
	encUTF8    = 3 // v2.4 only
)

// encodeText returns the v2.3 encoding for s and s in it: ISO-8859-1 when
// every rune fits, UTF-16 with a byte order mark otherwise.
func encodeText(s string) (byte, []byte) {
	latin := true
	for _, r := range s {
		if r > 0xFF {
			latin = false
			break
		}
	}
	if latin {
		b := make([]byte, 0, len(s))
		for _, r := range s {
			b = append(b, byte(r))
		}
		return encLatin1, b
	}
	return encUTF16, encodeUTF16(s)
}

func encodeUTF16(s string) []byte {
	u := utf16.Encode([]rune(s))
	b := make([]byte, 2, 2+2*len(u))
	b[0], b[1] = 0xFF, 0xFE // little endian, as Windows and iTunes write it
	for _, c := range u {
		b = binary.LittleEndian.AppendUint16(b, c)
	}
	return b
}

// encodeIn encodes s in the given v2.3 encoding.
func encodeIn(enc byte, s string) []byte {
	if enc == encLatin1 {
		_, b := encodeText(s) // callers pick encLatin1 only for Latin-1 text
		return b
	}
	return encodeUTF16(s)
}

func terminator(enc byte) []byte {
	if enc == encUTF16 || enc == encUTF16BE {
		return []byte{0, 0}
	}
	return []byte{0}
}

// cutString splits b at the first terminator of the encoding: the string
// before it and the bytes after. Without a terminator it is all string.
func cutString(enc byte, b []byte) (str, rest []byte) {
	if enc == encUTF16 || enc == encUTF16BE {
		for i := 0; i+1 < len(b); i += 2 {
			if b[i] == 0 && b[i+1] == 0 {
				return b[:i], b[i+2:]
			}
		}
		return b, nil
	}
	if i := bytes.IndexByte(b, 0); i >= 0 {
		return b[:i], b[i+1:]
	}
	return b, nil
}

// decodeText decodes one string of the encoding.
func decodeText(enc byte, b []byte) string {
	switch enc {
	case encUTF16, encUTF16BE:
		big := enc == encUTF16BE
		if len(b) >= 2 {
			switch {
			case b[0] == 0xFE && b[1] == 0xFF:
				big, b = true, b[2:]
			case b[0] == 0xFF && b[1] == 0xFE:
				big, b = false, b[2:]
			}
		}
		u := make([]uint16, 0, len(b)/2)
		for i := 0; i+1 < len(b); i += 2 {
			if big {
				u = append(u, binary.BigEndian.Uint16(b[i:]))
			} else {
				u = append(u, binary.LittleEndian.Uint16(b[i:]))
			}
		}
		return string(utf16.Decode(u))
	case encUTF8:
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	var sb strings.Builder
	for _, c := range b {
		sb.WriteRune(rune(c))
	}
	return sb.String()
}

// decodeStrings decodes every terminated string of b, dropping a trailing
// empty one (a final terminator).
func decodeStrings(enc byte, b []byte) []string {
	var out []string
	for len(b) > 0 {
		var s []byte
		s, b = cutString(enc, b)
		out = append(out, decodeText(enc, s))
	}
	return out
}

// textFrame builds the body of a v2.3 text frame.
func textFrame(s string) []byte {
	enc, b := encodeText(s)
	return append([]byte{enc}, b...)
}

// textValue reads the value of a text frame body (v2.3 or v2.4): multiple
// values are joined with "/" as v2.3 does.
func textValue(body []byte) string {
	if len(body) == 0 {
		return ""
	}
	return strings.Join(decodeStrings(body[0], body[1:]), "/")
}
