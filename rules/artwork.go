package rules

import (
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // artwork is JPEG
	_ "image/png"  // or PNG
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ArtworkFormats is how Apple's artwork formats are named in every message.
const ArtworkFormats = "JPEG or PNG"

// Artwork is what the header of an artwork file says.
type Artwork struct {
	Format        string // "jpeg" or "png", as read from the bytes
	Width, Height int
	Model         color.Model
}

// MIME is the artwork's content type, from its bytes.
func (a Artwork) MIME() string { return "image/" + a.Format }

// Advice says what Apple asks of artwork that a is not, "" when nothing:
// square, 1400 to 3000 px, RGB. Apple lists such a show badly or not at
// all, but the image is still an image, so this is a warning.
func (a Artwork) Advice() string {
	switch {
	case a.Width != a.Height || a.Width < 1400 || a.Width > 3000:
		return fmt.Sprintf("%d×%d px; Apple asks for square artwork of 1400 to 3000 px", a.Width, a.Height)
	case a.Model == color.CMYKModel || a.Model == color.GrayModel || a.Model == color.Gray16Model:
		return fmt.Sprintf("a %s without RGB colour; Apple asks for RGB", strings.ToUpper(a.Format))
	}
	return ""
}

// artworkFormat is the format an artwork's name claims, by its extension;
// "" when it claims none Apple takes.
func artworkFormat(name string) string {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".jpg", ".jpeg":
		return "jpeg"
	case ".png":
		return "png"
	}
	return ""
}

// CheckArtworkName accepts the name (a path or a URL's path) of artwork in
// a format Apple takes, by its extension.
func CheckArtworkName(name string) error {
	if artworkFormat(name) == "" {
		return fmt.Errorf("%s: Apple takes artwork as %s (.jpg, .jpeg or .png)", name, ArtworkFormats)
	}
	return nil
}

// ReadArtwork reads the header of the artwork named name from r: it must
// be an image of the format its name claims, with a size. The error names
// the file; nothing that fails here may be published as artwork.
func ReadArtwork(name string, r io.Reader) (Artwork, error) {
	claim := artworkFormat(name)
	if claim == "" {
		return Artwork{}, CheckArtworkName(name)
	}
	c, format, err := image.DecodeConfig(r)
	if err != nil {
		return Artwork{}, fmt.Errorf("%s: not a %s image (%s)", name, ArtworkFormats, strings.TrimPrefix(err.Error(), "image: "))
	}
	if format != claim {
		return Artwork{}, fmt.Errorf("%s: is a %s image named as a %s one: rename it", name, strings.ToUpper(format), strings.ToUpper(claim))
	}
	if c.Width < 1 || c.Height < 1 {
		return Artwork{}, fmt.Errorf("%s: a %s image of %d×%d px", name, strings.ToUpper(format), c.Width, c.Height)
	}
	return Artwork{Format: format, Width: c.Width, Height: c.Height, Model: c.ColorModel}, nil
}

// ArtworkFile is ReadArtwork of the file at path.
func ArtworkFile(path string) (Artwork, error) {
	f, err := os.Open(path)
	if err != nil {
		return Artwork{}, err
	}
	defer f.Close()
	return ReadArtwork(path, f)
}
