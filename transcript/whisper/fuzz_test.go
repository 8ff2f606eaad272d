package whisper_test

import (
	"testing"

	"github.com/podpipe/podpipe/transcript/internal/ttest"
	"github.com/podpipe/podpipe/transcript/whisper"
)

// FuzzRead reads any input as Whisper JSON and writes what it accepts in every
// timed format, under a time limit for each input (ttest.FuzzRead).
func FuzzRead(f *testing.F) {
	ttest.FuzzRead(f, ttest.Format{File: "fuzz.json", Read: whisper.Read, Write: whisper.Write},
		// A speaker name of 36 CJK characters looped the SRT layout for ever.
		[]byte(`{"segments":[{"start":0,"end":5,"text":"大家好，今天聊可觀測性。","speaker":"主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人"},{"start":5,"end":9,"text":"A: 像名字的一句話。","speaker":"主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人"}]}`),
	)
}
