package id3_test

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/podpipe/podpipe/id3"
	"github.com/podpipe/podpipe/mp3"
)

// TestEncodeIsWriteFile checks that Encode's tag followed by the source
// from its audio offset is byte for byte what WriteFile writes, for
// untagged and tagged sources: a caller copying the audio itself publishes
// the same file.
func TestEncodeIsWriteFile(t *testing.T) {
	audio := genAudio(t, audioOpts)
	for _, src := range []struct {
		name string
		data []byte
	}{
		{"untagged", audio},
		{"v2.3-tagged", append(rawTag(3, 0, rawFrame(3, "TIT2", 0, []byte("\x00Old title")), 100), audio...)},
		{"v2.4-tagged", append(rawTag(4, 0, rawFrame(4, "TIT2", 0, utf8Text("Old title")), 0), audio...)},
	} {
		t.Run(src.name, func(t *testing.T) {
			in := writeTemp(t, "in.mp3", src.data)
			out := writeTemp(t, "out.mp3", nil)
			if err := id3.WriteFile(out, in, sampleTag); err != nil {
				t.Fatal(err)
			}
			want, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			tag, off, err := id3.Encode(bytes.NewReader(src.data), sampleTag)
			if err != nil {
				t.Fatal(err)
			}
			if end, _ := mp3.SkipID3v2(bytes.NewReader(src.data)); off != end {
				t.Errorf("Encode says the audio starts at %d, the source's tag ends at %d", off, end)
			}
			if got := append(tag, src.data[off:]...); !bytes.Equal(got, want) {
				t.Errorf("Encode's tag and the audio (%d bytes) differ from WriteFile's file (%d bytes)", len(got), len(want))
			}
		})
	}
}

func TestEncodeRefusesNonMP3(t *testing.T) {
	_, _, err := id3.Encode(bytes.NewReader([]byte("not an mp3 at all, just some text")), sampleTag)
	if err == nil {
		t.Fatal("Encode of a text file succeeded")
	}
	if !errors.Is(err, mp3.ErrNotMP3) {
		t.Errorf("Encode: %v, want an error matching mp3.ErrNotMP3", err)
	}
}
