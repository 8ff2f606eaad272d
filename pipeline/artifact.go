package pipeline

import (
	"path"

	"github.com/podpipe/podpipe/manifest"
	"github.com/podpipe/podpipe/storage"
)

// artifact is one file built for publishing, waiting in the work folder
// (or the store's staging place), or the tagged audio to be streamed from
// its source (stream).
type artifact struct {
	role   string // audio, page, vtt, srt, json, txt, chapters, image, feed
	path   string // the built file
	key    string // where it goes in storage
	size   int64
	sha256 string // of the content; "" when recipe names it
	// recipe names the tagged audio instead of its SHA-256, which is not
	// computed (recipeSum).
	recipe       string
	contentType  string
	cacheControl string
	// sameIsCurrent: for a stable-name page whose content alone says
	// whether it changed (the home page), the same bytes published from
	// an older manifest are not uploaded again.
	sameIsCurrent bool
	// staged: the file was written in the store's staging place
	// (storage.Stager), and the store takes it by storage.FilePutter;
	// whoever drops the artifact unstored removes it.
	staged bool
	// stream: the tagged audio, written nowhere but into the store's Put;
	// path is then "".
	stream *taggedAudio
}

func (a *artifact) object() manifest.Object {
	return manifest.Object{Key: a.key, Size: a.size, SHA256: a.sha256, Recipe: a.recipe, ContentType: a.contentType}
}

// sum is the hex SHA-256 that names the content: the recipe's, else the
// content's own.
func (a *artifact) sum() string {
	if a.recipe != "" {
		return a.recipe
	}
	return a.sha256
}

// metadata is the user metadata stored with the object, by which a later
// publish knows the content under the key: "sha256", or "recipe" for an
// object named by its recipe.
func (a *artifact) metadata() map[string]string {
	if a.recipe != "" {
		return map[string]string{recipeKey: a.recipe}
	}
	return map[string]string{sha256Key: a.sha256}
}

// storedAs says whether info is of this artifact's content.
func (a *artifact) storedAs(info storage.ObjectInfo) bool {
	if info.Size != a.size {
		return false
	}
	if a.recipe != "" {
		return info.Metadata[recipeKey] == a.recipe
	}
	return info.Metadata[sha256Key] == a.sha256
}

// The user metadata that names an object's content (artifact.metadata).
const (
	sha256Key = "sha256"
	recipeKey = "recipe"
)

// finish hashes the built file and names it: under a content-hashed key
// when hashed is true (so an edit gets a new URL and caches never serve a
// stale copy), else under stable.
func (a *artifact) finish(dir, stem, ext string, hashed bool) error {
	sum, size, err := hashFile(a.path)
	if err != nil {
		return err
	}
	a.sha256, a.size = sum, size
	a.name(dir, stem, ext, hashed)
	return nil
}

// name gives the artifact, hashed, its key and its caching.
func (a *artifact) name(dir, stem, ext string, hashed bool) {
	if hashed {
		a.key = path.Join(dir, stem+"-"+a.sum()[:12]+ext)
		a.cacheControl = storage.CacheImmutable
	} else {
		a.key = path.Join(dir, stem+ext)
		a.cacheControl = storage.CacheShort
	}
}

// episodesFolder is the folder of the episodes' objects in storage.
const episodesFolder = "episodes"

// episodeDir is the folder of an episode's content-hashed objects.
func episodeDir(slug string) string { return episodesFolder + "/" + slug }

// pageKey is the stable key of an episode's page, which other pages link.
func pageKey(slug string) string { return episodesFolder + "/" + slug + ".html" }
