package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/podpipe/podpipe/mp3"
	"github.com/podpipe/podpipe/mp4"
	"github.com/podpipe/podpipe/rules"
	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/markdown"
)

// An episode is its sources read and checked (step 1, load), before
// anything is timed or written.
type episode struct {
	slug     string
	number   int    // from the file name; the front matter's episode wins
	dir      string // the folder of its transcript, whose siblings its page links
	md       sourceFile
	audio    sourceFile
	chapters sourceFile // none when !ok()
	image    sourceFile // its own artwork, front matter image else <slug>.jpg|.png; none when !ok()
	t        *transcript.Transcript
	info     mp3.Info
}

// load reads and checks an episode's sources: the transcript, the audio's
// duration, and that every source is a file of the show.
func load(show *showFolder, src *Source) (*episode, error) {
	md, err := show.file(src.Markdown)
	if err != nil {
		return nil, err
	}
	data, err := md.read(markdownLimit)
	if err != nil {
		return nil, err
	}
	// An episode of show notes and no turns publishes without a
	// transcript (an imported show's old episodes): see hasSpeech.
	t, err := markdown.ParseWith(md.name, data, markdown.Options{NotesOnly: true})
	if err != nil {
		return nil, err
	}
	e := &episode{slug: src.Slug, number: src.Number, dir: filepath.Dir(src.Markdown), md: md, t: t}
	if t.Image != "" {
		if e.image, err = frontMatterFile(show, md, "image", t.Image); err != nil {
			return nil, err
		}
		if err := rules.CheckArtworkName(t.Image); err != nil {
			return nil, fmt.Errorf("%s: front matter image: %w", md.name, err)
		}
	} else if src.Image != "" {
		if e.image, err = show.file(src.Image); err != nil {
			return nil, err
		}
	}
	if t.Audio != "" {
		if e.audio, err = frontMatterFile(show, md, "audio", t.Audio); err != nil {
			return nil, err
		}
	} else if src.Audio != "" {
		if e.audio, err = show.file(src.Audio); err != nil {
			return nil, err
		}
	} else {
		return nil, fmt.Errorf("%s: no audio: put %s.mp3 beside it or set audio in the front matter", md.name, src.Slug)
	}
	if src.Chapters != "" {
		if e.chapters, err = show.file(src.Chapters); err != nil {
			return nil, err
		}
	}
	if e.info, err = probe(e.audio); err != nil {
		return nil, err
	}
	return e, nil
}

// frontMatterFile is the file a front matter key names, relative to the
// transcript's folder.
func frontMatterFile(show *showFolder, md sourceFile, key, value string) (sourceFile, error) {
	if filepath.IsAbs(value) || filepath.VolumeName(value) != "" {
		return sourceFile{}, fmt.Errorf("%s: front matter %s %q: an absolute path; give it relative to this file's folder, inside the show's folder", md.name, key, value)
	}
	p := filepath.Join(filepath.Dir(md.name), filepath.FromSlash(value))
	if !exists(p) {
		return sourceFile{}, fmt.Errorf("%s: front matter %s %q: no such file", md.name, key, value)
	}
	f, err := show.file(p)
	if err != nil {
		// The front matter's value names the file: the problem alone.
		var se *sourceError
		if errors.As(err, &se) {
			err = se.err
		}
		return f, fmt.Errorf("%s: front matter %s %q: %w", md.name, key, value, err)
	}
	return f, nil
}

// probe reads the audio's duration.
func probe(audio sourceFile) (mp3.Info, error) {
	var info mp3.Info
	f, err := os.Open(audio.path)
	if err != nil {
		return info, fmt.Errorf("%s: %w", audio.name, unwrapPath(err))
	}
	defer f.Close()
	switch audio.ext() {
	case ".mp3":
		info, err = mp3.Probe(f)
	case ".m4a":
		info.Duration, err = mp4.Duration(f)
	default:
		return info, fmt.Errorf("%s: audio must be .mp3 or .m4a", audio.name)
	}
	if err != nil {
		return info, fmt.Errorf("%s: %w", audio.name, err)
	}
	if info.Duration <= 0 {
		return info, fmt.Errorf("%s: the audio has no duration", audio.name)
	}
	return info, nil
}
