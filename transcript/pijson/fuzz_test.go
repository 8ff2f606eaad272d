package pijson_test

import (
	"testing"

	"github.com/podpipe/podpipe/transcript/internal/ttest"
	"github.com/podpipe/podpipe/transcript/pijson"
)

// FuzzRead reads any input as Podcasting 2.0 JSON and writes what it accepts in every
// timed format, under a time limit for each input (ttest.FuzzRead).
func FuzzRead(f *testing.F) {
	ttest.FuzzRead(f, ttest.Format{File: "fuzz.json", Read: pijson.Read, Write: pijson.Write},
		// A speaker name of 36 CJK characters looped the SRT layout for ever.
		[]byte(`{"version":"1.0.0","segments":[{"speaker":"主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人","startTime":0,"endTime":5,"body":"大家好，今天聊可觀測性。"},{"speaker":"主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人","startTime":5,"endTime":9,"body":"A: 像名字的一句話。"}]}`),
	)
}
