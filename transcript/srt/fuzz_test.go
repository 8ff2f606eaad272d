package srt_test

import (
	"testing"

	"github.com/podpipe/podpipe/transcript/internal/ttest"
	"github.com/podpipe/podpipe/transcript/srt"
)

// FuzzRead reads any input as SRT and writes what it accepts in every
// timed format, under a time limit for each input (ttest.FuzzRead).
func FuzzRead(f *testing.F) {
	ttest.FuzzRead(f, ttest.Format{File: "fuzz.srt", Read: srt.Read, Write: srt.Write},
		// A name SRT does not take for one (over 24 columns) stays text.
		[]byte("1\n00:00:00,000 --> 00:00:05,000\n主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人主持人: 大家好，今天聊可觀測性。\n"),
	)
}
