package webvtt_test

import (
	"testing"

	"github.com/podpipe/podpipe/transcript/internal/ttest"
	"github.com/podpipe/podpipe/transcript/webvtt"
)

// FuzzRead reads any input as WebVTT and writes what it accepts in every
// timed format, under a time limit for each input (ttest.FuzzRead).
func FuzzRead(f *testing.F) {
	ttest.FuzzRead(f, ttest.Format{File: "fuzz.vtt", Read: webvtt.Read, Write: webvtt.Write},
		// A voice name of 36 CJK characters looped the SRT layout for ever.
		[]byte("WEBVTT\n\n00:00.000 --> 00:05.000\n<v 主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人>大家好，今天聊可觀測性。\n\n00:05.000 --> 00:09.000\n<v 主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人>第二段話，還是同一個人。\n"),
	)
}
