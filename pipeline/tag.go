package pipeline

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/podpipe/podpipe/id3"
)

// tagging is what the published audio's tag says besides the episode
// (step 4, tag).
type tagging struct {
	artist  string     // show.author
	album   string     // show.title
	pageURL string     // the episode's page
	artwork sourceFile // the episode's own, else the show's cover
}

// tagAudio writes the published copy of the episode's audio into work:
// an MP3 with its ID3v2.3 tag and chapters (the source is only read), an
// MPEG-4 file as it is.
func tagAudio(e *episode, chs chapterList, tg tagging, work string) (*artifact, error) {
	ext := e.audio.ext()
	a := &artifact{role: "audio", path: filepath.Join(work, e.slug+".audio"+ext)}
	if ext == ".mp3" {
		tag, err := id3Tag(e, chs, tg)
		if err != nil {
			return nil, err
		}
		if err := id3.WriteFile(a.path, e.audio.path, tag); err != nil {
			return nil, fmt.Errorf("%s: tagging: %w", e.audio.name, err)
		}
		a.contentType = "audio/mpeg"
	} else {
		// MPEG-4 audio is published as it is: its chapters would need a
		// QuickTime chapter track, which podpipe does not write yet.
		if err := copyFile(a.path, e.audio.path); err != nil {
			return nil, fmt.Errorf("%s: %w", e.audio.name, err)
		}
		a.contentType = "audio/x-m4a"
	}
	if err := a.finish(episodeDir(e.slug), e.slug, ext, true); err != nil {
		return nil, err
	}
	return a, nil
}

// id3Tag is the ID3 tag of the published audio.
func id3Tag(e *episode, chs chapterList, tg tagging) (id3.Tag, error) {
	t := e.t
	tag := id3.Tag{
		Title:    t.Title,
		Artist:   tg.artist,
		Album:    tg.album,
		Genre:    "Podcast",
		Comment:  t.Description,
		URL:      tg.pageURL,
		Chapters: chs.list,
	}
	if !t.Date.IsZero() {
		tag.Year = strconv.Itoa(t.Date.Year())
	}
	if n := e.number; n > 0 {
		tag.Track = strconv.Itoa(n)
	}
	if t.Episode > 0 {
		tag.Track = strconv.Itoa(t.Episode)
	}
	art, err := artwork(tg.artwork)
	if err != nil {
		return tag, err
	}
	data, err := os.ReadFile(tg.artwork.path)
	if err != nil {
		return tag, fmt.Errorf("%s: %w", tg.artwork.name, unwrapPath(err))
	}
	tag.Artwork, tag.ArtworkMIME = data, art.MIME()
	return tag, nil
}
