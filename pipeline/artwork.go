package pipeline

import (
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // artworkProblem reads JPEG and PNG sizes
	_ "image/png"
	"os"
	"path/filepath"
	"strings"
)

// artworkProblem says what Apple would reject in the artwork at path:
// square, 1400 to 3000 px, in RGB, JPEG or PNG; "" when nothing.
func artworkProblem(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	c, format, err := image.DecodeConfig(f)
	if err != nil {
		return "not a JPEG or PNG image Apple can read: " + err.Error()
	}
	switch {
	case c.Width != c.Height || c.Width < 1400 || c.Width > 3000:
		return fmt.Sprintf("%d×%d px; Apple asks for square artwork of 1400 to 3000 px", c.Width, c.Height)
	case c.ColorModel == color.CMYKModel || c.ColorModel == color.GrayModel || c.ColorModel == color.Gray16Model:
		return fmt.Sprintf("a %s without RGB colour; Apple asks for RGB", format)
	}
	return ""
}

// imageType is the Content-Type of the artwork at p, by its extension.
func imageType(p string) string {
	switch strings.ToLower(filepath.Ext(p)) {
	case ".png":
		return "image/png"
	default:
		return "image/jpeg"
	}
}
