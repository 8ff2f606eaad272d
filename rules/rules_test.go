package rules

import (
	"bytes"
	"errors"
	"image"
	"image/jpeg"
	"image/png"
	"math"
	"strings"
	"testing"
	"time"
)

func TestCheckURL(t *testing.T) {
	tests := []struct {
		in   string
		want string // a part of the error; "" for none
	}{
		{"https://example.com/a", ""},
		{"http://127.0.0.1:8080/feed.xml", ""},
		{"https://example.com/%E4%B8%AD?q=1#x", ""},
		{"javascript:alert(1)", "not an absolute http or https URL"},
		{"JavaScript:alert(1)", "not an absolute http or https URL"},
		{"data:text/html,<script>alert(1)</script>", "not an absolute http or https URL"},
		{"file:///etc/passwd", "not an absolute http or https URL"},
		{"ftp://example.com/x", "not an absolute http or https URL"},
		{"mailto:a@example.com", "not an absolute http or https URL"},
		{"//example.com/x", "not an absolute http or https URL"},
		{"/episodes/x.html", "not an absolute http or https URL"},
		{"https:/example.com", "not an absolute http or https URL"},
		{"http:example.com", "not an absolute http or https URL"},
		{"", "not an absolute http or https URL"},
		{" https://example.com/", "not an absolute http or https URL"},
		{"https://example.com/a b", "space or control character"},
		{"https://example.com/a\tb", "not an absolute http or https URL"},
		{"https://example.com/a\u0085b", "space or control character"},
		// A password would be published, and quoted in the message.
		{"https://user:s3cret@example.com/", "user name or password"},
		{"https://s3cret@example.com/", "user name or password"},
		{"https://user:s3cret@ex ample.com/", "user name or password"},
		{"https://medium.com/@someone", ""},
	}
	for _, tt := range tests {
		err := CheckURL(tt.in)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("CheckURL(%q) = %v, want nil", tt.in, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("CheckURL(%q) = %v, want an error with %q", tt.in, err, tt.want)
		case err != nil && strings.Contains(err.Error(), "s3cret"):
			t.Errorf("CheckURL(%q) = %v: repeats the password", tt.in, err)
		}
	}
}

func TestCheckValues(t *testing.T) {
	tests := []struct {
		name  string
		check func(string) error
		ok    []string
		bad   []string
	}{
		{"language", CheckLanguage, []string{"en", "zh-TW", "en-us", "sr-Latn-RS", "yue"}, []string{"", "e", "english", "zh_TW", "en-", "zh-TW-toolongpart", "中文"}},
		{"medium", CheckMedium, []string{"podcast", "music", "musicL", "audiobook", "mixed"}, []string{"", "Podcast", "radio", "L", "podcastLL"}},
		{"show type", CheckShowType, []string{"episodic", "serial"}, []string{"", "Serial", "daily"}},
		{"episode type", CheckEpisodeType, []string{"full", "trailer", "bonus"}, []string{"", "Full", "teaser"}},
		{"explicit", CheckExplicit, []string{"true", "false"}, []string{"", "True", "1", "maybe", "yes", "clean"}},
		{"person", CheckPersonName, []string{"Ann", strings.Repeat("字", 128)}, []string{"", "  ", strings.Repeat("字", 129)}},
		{"enclosure type", CheckEnclosureType, []string{"audio/mpeg", "audio/x-m4a", "video/mp4"}, []string{"", "audio/mp3", "audio/ogg"}},
		{"description", CheckDescription, []string{"", strings.Repeat("a", 4000)}, []string{strings.Repeat("a", 4001), strings.Repeat("字", 1334)}},
	}
	for _, tt := range tests {
		for _, s := range tt.ok {
			if err := tt.check(s); err != nil {
				t.Errorf("%s %q: %v, want nil", tt.name, s, err)
			}
		}
		for _, s := range tt.bad {
			if err := tt.check(s); err == nil {
				t.Errorf("%s %q: nil, want an error", tt.name, s)
			}
		}
	}
	for _, s := range []string{"yes", "no", "clean", "explicit"} {
		if err := CheckExplicit(s); !errors.Is(err, ErrOldExplicit) {
			t.Errorf("CheckExplicit(%q) = %v, want ErrOldExplicit", s, err)
		}
	}
	if err := CheckExplicit("maybe"); errors.Is(err, ErrOldExplicit) {
		t.Errorf("CheckExplicit(maybe) = %v, which is not an old value", err)
	}
}

func TestCheckNumbers(t *testing.T) {
	for _, n := range []int64{1, 2, 365, MaxNumber} {
		if err := CheckEpisodeNumber(n); err != nil {
			t.Errorf("CheckEpisodeNumber(%d) = %v", n, err)
		}
		if err := CheckSeason(n); err != nil {
			t.Errorf("CheckSeason(%d) = %v", n, err)
		}
	}
	for _, n := range []int64{0, -5, MaxNumber + 1, math.MaxInt64, math.MinInt64} {
		if err := CheckEpisodeNumber(n); err == nil || !strings.Contains(err.Error(), "episode") {
			t.Errorf("CheckEpisodeNumber(%d) = %v, want an error naming the episode", n, err)
		}
		if err := CheckSeason(n); err == nil || !strings.Contains(err.Error(), "season") {
			t.Errorf("CheckSeason(%d) = %v, want an error naming the season", n, err)
		}
	}
}

func TestCheckDate(t *testing.T) {
	day := func(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC) }
	for _, d := range []time.Time{day(1970, 1, 1), day(2025, 9, 24), day(2099, 12, 31)} {
		if err := CheckDate(d); err != nil {
			t.Errorf("CheckDate(%v) = %v", d, err)
		}
	}
	for _, d := range []time.Time{{}, day(1, 1, 1), day(1969, 12, 31), day(2100, 1, 1), day(9999, 12, 31)} {
		if err := CheckDate(d); err == nil {
			t.Errorf("CheckDate(%v) = nil, want an error", d)
		}
	}
}

func encode(t *testing.T, format string, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	var err error
	if format == "png" {
		err = png.Encode(&b, img)
	} else {
		err = jpeg.Encode(&b, img, nil)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestReadArtwork(t *testing.T) {
	square := image.NewRGBA(image.Rect(0, 0, 1400, 1400))
	small := image.NewRGBA(image.Rect(0, 0, 300, 200))
	gray := image.NewGray(image.Rect(0, 0, 1400, 1400))
	pngSquare, jpgSquare := encode(t, "png", square), encode(t, "jpeg", square)
	tests := []struct {
		name   string
		data   []byte
		err    string // a part of the error
		mime   string
		advice string // a part of the advice
	}{
		{"cover.png", pngSquare, "", "image/png", ""},
		{"cover.JPG", jpgSquare, "", "image/jpeg", ""},
		{"cover.jpeg", jpgSquare, "", "image/jpeg", ""},
		{"small.png", encode(t, "png", small), "", "image/png", "300×200 px"},
		{"gray.png", encode(t, "png", gray), "", "image/png", "without RGB"},
		{"cover.jpg", []byte("<html>not an image</html>"), "cover.jpg: not a JPEG or PNG", "", ""},
		{"cover.png", []byte{}, "cover.png: not a JPEG or PNG", "", ""},
		{"cover.png", pngSquare[:20], "cover.png: not a JPEG or PNG", "", ""},
		{"cover.jpg", pngSquare, "cover.jpg: is a PNG image named as a JPEG one", "", ""},
		{"cover.png", jpgSquare, "cover.png: is a JPEG image named as a PNG one", "", ""},
		{"cover.gif", pngSquare, "cover.gif: Apple takes artwork as JPEG or PNG", "", ""},
		{"cover", pngSquare, "cover: Apple takes artwork as JPEG or PNG", "", ""},
	}
	for _, tt := range tests {
		a, err := ReadArtwork(tt.name, bytes.NewReader(tt.data))
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("ReadArtwork(%s) = %v, want an error with %q", tt.name, err, tt.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("ReadArtwork(%s): %v", tt.name, err)
			continue
		}
		if a.MIME() != tt.mime {
			t.Errorf("ReadArtwork(%s).MIME() = %q, want %q", tt.name, a.MIME(), tt.mime)
		}
		if adv := a.Advice(); tt.advice == "" && adv != "" || !strings.Contains(adv, tt.advice) {
			t.Errorf("ReadArtwork(%s).Advice() = %q, want %q", tt.name, adv, tt.advice)
		}
	}
}
