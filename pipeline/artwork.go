package pipeline

import (
	"fmt"
	"os"

	"github.com/podpipe/podpipe/rules"
)

// artwork reads the header of the artwork f: what is not the JPEG or PNG
// its name claims is never published (rules.ReadArtwork), and errors name
// the file as the show knows it.
func artwork(f sourceFile) (rules.Artwork, error) {
	r, err := os.Open(f.path)
	if err != nil {
		return rules.Artwork{}, fmt.Errorf("%s: %w", f.name, unwrapPath(err))
	}
	defer r.Close()
	return rules.ReadArtwork(f.name, r)
}
