// Package conformance holds only tests: they convert the sample talk
// (transcript/testdata/talk.md, 20 KB of zh-TW in the editors' format) to
// every output format, compare each with a golden file, and read each back
// with a parser podpipe did not write (go-astisub for WebVTT and SRT,
// encoding/json for JSON, golang.org/x/net/html for the page) as well as
// with podpipe's own readers.
//
//	go test ./transcript/internal/conformance -update
package conformance
