//go:build race

package markdown_test

// raceEnabled: the race detector makes parsing up to ten times slower.
const raceEnabled = true
