package manifest

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// TestReadEndless checks that a manifest without end (a store that keeps
// sending) is refused at MaxSize, not read until memory runs out.
func TestReadEndless(t *testing.T) {
	endless := io.MultiReader(strings.NewReader(`{"version": 1, "guid": "`), xs{})
	if _, err := Read(endless); !errors.Is(err, ErrTooLarge) {
		t.Errorf("Read of an endless manifest: %v, want %v", err, ErrTooLarge)
	}
	if _, err := Read(strings.NewReader(`{"version": 1}`)); err != nil {
		t.Errorf("Read of a small manifest: %v", err)
	}
}

// xs is x over and over, for ever.
type xs struct{}

func (xs) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}
