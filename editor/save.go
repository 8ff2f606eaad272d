package editor

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/transcript"
)

// encodeText checks list as a publish would (chapters.Validate against the
// audio's duration) and returns it in the chapters text format, one
// `00:00:00.000 Title <url>` a line in time order, with Validate's
// warnings. The text is read back with chapters.Parse, and a chapter it
// would not give back as it is (a title the format would take for a link
// or a separator) is an error naming it.
func encodeText(list []chapters.Chapter, duration time.Duration, name string) ([]byte, []string, error) {
	for i, c := range list {
		if strings.ContainsFunc(c.Title, unicode.IsControl) {
			return nil, nil, fmt.Errorf("chapter %d (%q): a title is one line, without control characters", i+1, c.Title)
		}
		if strings.ContainsFunc(c.URL, func(r rune) bool { return unicode.IsControl(r) || unicode.IsSpace(r) || r == '<' || r == '>' }) {
			return nil, nil, fmt.Errorf("chapter %d (%q): link %q holds a space or an angle bracket", i+1, c.Title, c.URL)
		}
	}
	fixed, warnings, err := chapters.Validate(list, duration)
	if err != nil {
		return nil, warnings, err
	}
	// Validate adds a chapter at 0 when none starts there; the file keeps
	// the editor's own list, which a publish corrects the same way.
	want := slices.Clone(list)
	for i := range want {
		want[i].Title = strings.TrimSpace(want[i].Title)
	}
	slices.SortStableFunc(want, func(a, b chapters.Chapter) int { return cmp.Compare(a.Start, b.Start) })
	if len(fixed) > len(want) {
		warnings = append(warnings, fmt.Sprintf("no chapter starts at 00:00:00: a publish adds %q there", fixed[0].Title))
	}
	var b bytes.Buffer
	for _, c := range want {
		b.WriteString(transcript.FormatTimestamp(c.Start))
		// A title that starts like a separator keeps it behind one.
		if r, _ := utf8.DecodeRuneInString(c.Title); strings.ContainsRune("-–—|:", r) {
			b.WriteString(" -")
		}
		b.WriteString(" " + c.Title)
		if c.URL != "" {
			b.WriteString(" <" + c.URL + ">")
		}
		b.WriteString("\n")
	}
	back, err := chapters.Parse(name, bytes.NewReader(b.Bytes()))
	if err != nil {
		return nil, warnings, err
	}
	for i, c := range back {
		w := want[i]
		if c.Start != w.Start || c.Title != w.Title || c.URL != w.URL {
			return nil, warnings, fmt.Errorf("chapter at %s (%q): the chapters text format would read it back as %q <%s>: change the title", transcript.FormatTimestamp(w.Start), w.Title, c.Title, c.URL)
		}
	}
	return b.Bytes(), warnings, nil
}

// versionOf names a content of the chapters file.
func versionOf(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// fileVersion is the version of the chapters file on disk, "" when there
// is none. A folder, a FIFO or a device in its place is an error, never
// opened.
func fileVersion(name string) (string, error) {
	st, err := os.Stat(name)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if !st.Mode().IsRegular() {
		return "", fmt.Errorf("%s: %w", displayPath(name), errNotRegular)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return "", err
	}
	return versionOf(data), nil
}

// writeAtomic replaces name with data: a temporary file in the same
// folder, synced, renamed over it, then the folder synced, so that a
// crash leaves the old file or the new one, never half of one. A link in
// name's place is replaced, its target left alone.
func writeAtomic(name string, data []byte) (err error) {
	dir := filepath.Dir(name)
	f, err := os.CreateTemp(dir, "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return fmt.Errorf("save %s: %w", displayPath(name), err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return fmt.Errorf("save %s: %w", displayPath(name), err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("save %s: %w", displayPath(name), err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("save %s: %w", displayPath(name), err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("save %s: %w", displayPath(name), err)
	}
	if err = os.Rename(f.Name(), name); err != nil {
		return fmt.Errorf("save %s: %w", displayPath(name), err)
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
