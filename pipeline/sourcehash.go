package pipeline

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/podpipe/podpipe/config"
)

// formatVersion changes whenever podpipe writes an episode's files
// differently, so that a republish rebuilds what an older podpipe built.
const formatVersion = "1"

// showInputs is what an episode is built from besides its own files.
type showInputs struct {
	timing  string      // the tier that times it
	show    config.Show // in effect (the file and the environment's overrides): it goes into the tags and the page
	baseURL string
	cover   sourceFile
}

// sourceHash identifies everything an episode is built from, so that an
// unchanged episode is neither rebuilt nor re-uploaded. siblings are the
// published episodes its page links (previous/next): when one is
// published or unpublished, the page changes. audioSum is the audio's
// sum (blockSums.treeSum), which the caller has (hashAudio, or tagging
// as it copies the audio): the audio is read once per publish, and this
// is not where.
//
// The hash is marked (treeHashMark) as made from the audio's tree sum:
// an unmarked one, made by an older podpipe from the SHA-256 of the
// whole audio file, is compared with sourceHashOf's.
func sourceHash(e *episode, in showInputs, siblings []string, audioSum string) (string, error) {
	h, err := sourceHashOf(e, in, siblings, audioSum)
	if err != nil {
		return "", err
	}
	return treeHashMark + h, nil
}

// treeHashMark begins a source hash made from the audio's tree sum.
const treeHashMark = "tree:"

// sourceHashOf is the source hash unmarked: as podpipes before the
// audio's tree sum made it when audioSum is the SHA-256 of the whole
// audio file.
func sourceHashOf(e *episode, in showInputs, siblings []string, audioSum string) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "podpipe %s\ntiming %s\n", formatVersion, in.timing)
	show, err := json.Marshal(in.show)
	if err != nil {
		return "", err
	}
	fmt.Fprintf(h, "show %s\nbase %s\n", show, in.baseURL)
	for i, f := range []sourceFile{e.md, e.audio, e.chapters, e.image, in.cover} {
		if !f.ok() {
			continue
		}
		if i == 1 {
			if audioSum == "" {
				return "", fmt.Errorf("%s: no sum of the audio to hash", f.name)
			}
			fmt.Fprintf(h, "%s %s\n", filepath.Base(f.name), audioSum)
			continue
		}
		sum, _, err := hashFile(f.path)
		if err != nil {
			return "", fmt.Errorf("%s: %w", f.name, unwrapPath(err))
		}
		fmt.Fprintf(h, "%s %s\n", filepath.Base(f.name), sum)
	}
	for _, s := range siblings {
		fmt.Fprintf(h, "episode %s\n", s)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
