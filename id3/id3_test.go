package id3_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/bogem/id3v2/v2"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/id3"
	"github.com/podpipe/podpipe/mp3"
	"github.com/podpipe/podpipe/mp3/mp3test"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// audio is 10 s of generated silence with an Info header.
var audioOpts = mp3test.Options{Frames: 417, Header: mp3test.Info, SampleRate: 48000}

func genAudio(t testing.TB, o mp3test.Options) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := mp3test.Write(&b, o); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func writeTemp(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func sum(t testing.TB, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

// tag builds a raw ID3v2 tag of the given version around frames, with
// padding zero bytes after them.
func rawTag(version, flags byte, frames []byte, padding int) []byte {
	n := len(frames) + padding
	h := []byte{'I', 'D', '3', version, 0, flags, byte(n >> 21 & 0x7f), byte(n >> 14 & 0x7f), byte(n >> 7 & 0x7f), byte(n & 0x7f)}
	return append(append(h, frames...), make([]byte, padding)...)
}

// rawFrame builds a v2.3 or v2.4 frame (v2.4 sizes are synchsafe).
func rawFrame(version byte, id string, flags uint16, body []byte) []byte {
	b := []byte(id)
	n := uint32(len(body))
	if version == 4 {
		n = n&0x7f | (n>>7&0x7f)<<8 | (n>>14&0x7f)<<16 | (n>>21&0x7f)<<24
	}
	b = binary.BigEndian.AppendUint32(b, n)
	b = binary.BigEndian.AppendUint16(b, flags)
	return append(b, body...)
}

func utf8Text(s string) []byte { return append([]byte{3}, s...) }

var sampleChapters = []chapters.Chapter{
	{Start: 0, Title: "Intro"},
	{Start: 2500 * time.Millisecond, Title: "熱門話題：晶片", URL: "https://example.com/chips"},
	{Start: 5 * time.Second, Title: "Sponsor", Hidden: true},
	{Start: 6*time.Second + 1*time.Millisecond, Title: "Outro", Image: "https://example.com/outro.jpg"},
}

var sampleTag = id3.Tag{
	Title:       "Episode 1: Ünïcode & 中文",
	Artist:      "The Hosts",
	Album:       "The Show",
	Year:        "2026",
	Track:       "1",
	Comment:     "Show notes here",
	URL:         "https://example.com/ep1",
	Artwork:     []byte("\x89PNG\r\n\x1a\nnot really a png"),
	ArtworkMIME: "image/png",
	Chapters:    sampleChapters,
}

// wantChapters is sampleChapters as they come back: ends filled in.
func wantChapters(d time.Duration) []chapters.Chapter {
	list, _, err := chapters.Validate(sampleChapters, d)
	if err != nil {
		panic(err)
	}
	return list
}

func stripPos(list []chapters.Chapter) []chapters.Chapter {
	out := append([]chapters.Chapter(nil), list...)
	for i := range out {
		out[i].Pos = ""
	}
	return out
}

// audioPart returns the bytes of f after its ID3v2 tags.
func audioPart(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	end, err := mp3.SkipID3v2(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return b[end:]
}

func TestWriteFileRoundTrip(t *testing.T) {
	audio := genAudio(t, audioOpts)
	for _, src := range []struct {
		name string
		data []byte
	}{
		{"untagged", audio},
		{"v2.3-tagged", append(rawTag(3, 0, rawFrame(3, "TIT2", 0, []byte("\x00Old title")), 100), audio...)},
		{"v2.4-tagged", append(rawTag(4, 0, rawFrame(4, "TIT2", 0, utf8Text("Old title")), 0), audio...)},
	} {
		t.Run(src.name, func(t *testing.T) {
			in := writeTemp(t, "in.mp3", src.data)
			before := sum(t, in)
			out := filepath.Join(t.TempDir(), "out.mp3")
			if err := id3.WriteFile(out, in, sampleTag); err != nil {
				t.Fatal(err)
			}
			if sum(t, in) != before {
				t.Fatal("WriteFile modified its source")
			}
			if !bytes.Equal(audioPart(t, out), audio) {
				t.Fatal("the audio bytes differ from the source's")
			}
			f, err := os.Open(out)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			info, err := mp3.Probe(f)
			if err != nil {
				t.Fatal(err)
			}
			if info.Duration != audioOpts.Duration() {
				t.Errorf("duration %v after tagging, want %v", info.Duration, audioOpts.Duration())
			}
			got, err := id3.Read(f)
			if err != nil {
				t.Fatal(err)
			}
			want := sampleTag
			want.Genre, want.Language = "Podcast", "eng"
			want.Chapters = wantChapters(info.Duration)
			got.Chapters = stripPos(got.Chapters)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("read back:\n got %+v\nwant %+v", got, want)
			}
			hdr := make([]byte, 10)
			f.ReadAt(hdr, 0)
			if hdr[3] != 3 {
				t.Errorf("wrote ID3v2.%d, want ID3v2.3", hdr[3])
			}
		})
	}
}

// The tag bytes for a fixed input are a golden file: any change to the
// layout shows in review.
func TestTagGolden(t *testing.T) {
	in := writeTemp(t, "in.mp3", genAudio(t, audioOpts))
	out := filepath.Join(t.TempDir(), "out.mp3")
	if err := id3.WriteFile(out, in, sampleTag); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	end, _ := mp3.SkipID3v2(bytes.NewReader(b))
	got := b[:end]
	golden := filepath.Join("testdata", "sample.id3")
	if *update {
		os.MkdirAll("testdata", 0o755)
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("tag differs from %s (go test -update to accept)", golden)
	}
	if len(got)-bytes.LastIndexFunc(got, func(r rune) bool { return r != 0 }) < id3.Padding {
		t.Errorf("less than %d bytes of padding", id3.Padding)
	}
}

// bogem/id3v2 is an ID3 implementation we did not write: it must see the
// fields, the CHAP frames (which it parses) and the CTOC (which it keeps
// raw) as we meant them.
func TestBogemReadsOurTag(t *testing.T) {
	in := writeTemp(t, "in.mp3", genAudio(t, audioOpts))
	out := filepath.Join(t.TempDir(), "out.mp3")
	if err := id3.WriteFile(out, in, sampleTag); err != nil {
		t.Fatal(err)
	}
	tag, err := id3v2.Open(out, id3v2.Options{Parse: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tag.Close()
	if tag.Version() != 3 {
		t.Errorf("version %d", tag.Version())
	}
	for got, want := range map[string]string{
		tag.Title(): sampleTag.Title, tag.Artist(): sampleTag.Artist, tag.Album(): sampleTag.Album,
		tag.Year(): sampleTag.Year, tag.Genre(): "Podcast",
	} {
		if got != want {
			t.Errorf("bogem reads %q, want %q", got, want)
		}
	}
	comments := tag.GetFrames(tag.CommonID("Comments"))
	if len(comments) != 1 || comments[0].(id3v2.CommentFrame).Text != sampleTag.Comment {
		t.Errorf("comments %+v", comments)
	}
	pics := tag.GetFrames(tag.CommonID("Attached picture"))
	if len(pics) != 1 || !bytes.Equal(pics[0].(id3v2.PictureFrame).Picture, sampleTag.Artwork) || pics[0].(id3v2.PictureFrame).MimeType != "image/png" {
		t.Errorf("pictures %+v", pics)
	}
	want := wantChapters(audioOpts.Duration())
	chaps := tag.GetFrames("CHAP")
	if len(chaps) != len(want) {
		t.Fatalf("bogem sees %d CHAP frames, want %d", len(chaps), len(want))
	}
	for i, f := range chaps {
		c := f.(id3v2.ChapterFrame)
		if c.ElementID != fmt.Sprintf("chp%d", i) || c.StartTime != want[i].Start || c.EndTime != want[i].End ||
			c.StartOffset != id3v2.IgnoredOffset || c.EndOffset != id3v2.IgnoredOffset || c.Title == nil || c.Title.Text != want[i].Title {
			t.Errorf("CHAP %d: %+v, title %+v; want %+v", i, c, c.Title, want[i])
		}
	}
	tocs := tag.GetFrames("CTOC")
	if len(tocs) != 1 {
		t.Fatalf("%d CTOC frames", len(tocs))
	}
	body := tocs[0].(id3v2.UnknownFrame).Body
	wantHead := []byte("toc\x00\x03\x03chp0\x00chp1\x00chp3\x00TIT2")
	if !bytes.HasPrefix(body, wantHead) {
		t.Errorf("CTOC body %q, want it to start %q", body, wantHead)
	}
}

func TestRetag(t *testing.T) {
	audio := genAudio(t, audioOpts)
	dir := t.TempDir()
	src := writeTemp(t, "src.mp3", audio)
	pub := filepath.Join(dir, "pub.mp3")
	if err := id3.WriteFile(pub, src, sampleTag); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(pub)

	// One more chapter and a new title fit the padding: rewritten in place.
	tag := sampleTag
	tag.Title = "Episode 1, renamed"
	tag.Chapters = append(append([]chapters.Chapter(nil), sampleChapters...), chapters.Chapter{Start: 8 * time.Second, Title: "Bonus"})
	inPlace, err := id3.Retag(pub, tag)
	if err != nil {
		t.Fatal(err)
	}
	if !inPlace {
		t.Error("Retag rewrote the file although the tag had room")
	}
	st2, _ := os.Stat(pub)
	if st2.Size() != st.Size() || !os.SameFile(st, st2) {
		t.Errorf("in-place retag changed the file: size %d -> %d, same file %v", st.Size(), st2.Size(), os.SameFile(st, st2))
	}
	f, _ := os.Open(pub)
	got, err := id3.Read(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != tag.Title || len(got.Chapters) != 5 || got.Chapters[4].Title != "Bonus" {
		t.Errorf("after retag: %q with %d chapters", got.Title, len(got.Chapters))
	}
	if !bytes.Equal(audioPart(t, pub), audio) {
		t.Fatal("the audio bytes changed")
	}

	// Artwork larger than the padding: a new file through a rename.
	tag.Artwork = bytes.Repeat([]byte{0xAB}, 3*id3.Padding)
	inPlace, err = id3.Retag(pub, tag)
	if err != nil {
		t.Fatal(err)
	}
	if inPlace {
		t.Error("Retag claims in place for a tag that cannot fit")
	}
	f, _ = os.Open(pub)
	got, err = id3.Read(f)
	f.Close()
	if err != nil || !bytes.Equal(got.Artwork, tag.Artwork) {
		t.Errorf("artwork not written: %v", err)
	}
	if !bytes.Equal(audioPart(t, pub), audio) {
		t.Fatal("the audio bytes changed")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("files left beside the output: %v", entries)
	}
}

// Frames of the source tag that podpipe does not set are kept; v2.4 ones
// are converted, or dropped with a reason.
func TestKeepAndConvert(t *testing.T) {
	audio := genAudio(t, audioOpts)
	priv := []byte("com.example\x00\x01\x02\xff\x00binary")
	unsyncBody := []byte{0, 0, 0, 6} // data length indicator: 6 bytes once resynchronised
	unsyncBody = append(unsyncBody, 0, 'd', 0, 'v', 0xFF, 0x00, 0xE0)
	// A v2.4 CHAP with a UTF-8 title in v2.4 sub-frames, and a CTOC.
	chap := append([]byte("ch1\x00"), 0, 0, 0, 0, 0, 0, 0x03, 0xE8, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)
	chap = append(chap, rawFrame(4, "TIT2", 0, utf8Text("Kapitel ä"))...)
	chap2 := append([]byte("ch2\x00"), 0, 0, 0x03, 0xE8, 0, 0, 0x07, 0xD0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)
	chap2 = append(chap2, rawFrame(4, "TIT2", 0, utf8Text("第二章"))...)
	ctoc := append([]byte("toc\x00\x03\x02ch1\x00ch2\x00"), rawFrame(4, "TIT2", 0, utf8Text("TOC"))...)
	frames := bytes.Join([][]byte{
		rawFrame(4, "TIT2", 0, utf8Text("Titel ä")),
		rawFrame(4, "TPE1", 0, utf8Text("Eins\x00Zwei")),
		rawFrame(4, "TDRC", 0, utf8Text("2024-05-06")),
		rawFrame(4, "RVA2", 0, []byte("track\x00\x01\x00\x00\x00")),
		rawFrame(4, "PRIV", 0, priv),
		rawFrame(4, "TXXX", 0x0003, unsyncBody), // unsynchronised, with a data length indicator
		rawFrame(4, "TCOM", 0x4000, utf8Text("discard me")),
		rawFrame(4, "CTOC", 0, ctoc),
		rawFrame(4, "CHAP", 0, chap),
		rawFrame(4, "CHAP", 0, chap2),
	}, nil)
	src := writeTemp(t, "src.mp3", append(rawTag(4, 0, frames, 50), audio...))

	f, _ := os.Open(src)
	dropped, err := id3.Dropped(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	if len(dropped) != 2 || !strings.HasPrefix(dropped[0], "RVA2: ") || !strings.HasPrefix(dropped[1], "TCOM: ") {
		t.Errorf("dropped %q, want RVA2 and TCOM", dropped)
	}

	out := filepath.Join(t.TempDir(), "out.mp3")
	if err := id3.WriteFile(out, src, id3.Tag{Album: "New album"}); err != nil {
		t.Fatal(err)
	}
	tag, err := id3v2.Open(out, id3v2.Options{Parse: true})
	if err != nil {
		t.Fatal(err)
	}
	defer tag.Close()
	if tag.Version() != 3 || tag.Title() != "Titel ä" || tag.Artist() != "Eins/Zwei" || tag.Year() != "2024" || tag.Album() != "New album" {
		t.Errorf("bogem reads v%d %q %q %q %q", tag.Version(), tag.Title(), tag.Artist(), tag.Year(), tag.Album())
	}
	if fs := tag.GetFrames("PRIV"); len(fs) != 1 || !bytes.Equal(fs[0].(id3v2.UnknownFrame).Body, priv) {
		t.Errorf("PRIV not kept byte for byte: %+v", fs)
	}
	if fs := tag.GetFrames("TXXX"); len(fs) != 1 || fs[0].(id3v2.UserDefinedTextFrame).Description != "d" || fs[0].(id3v2.UserDefinedTextFrame).Value != "vÿà" {
		t.Errorf("TXXX %+v", fs)
	}
	if len(tag.GetFrames("RVA2")) != 0 || len(tag.GetFrames("TDRC")) != 0 || len(tag.GetFrames("TCOM")) != 0 {
		t.Error("v2.4-only or discardable frames were kept")
	}
	chaps := tag.GetFrames("CHAP")
	if len(chaps) != 2 || chaps[0].(id3v2.ChapterFrame).Title.Text != "Kapitel ä" || chaps[1].(id3v2.ChapterFrame).Title.Text != "第二章" {
		t.Errorf("chapters not converted: %+v", chaps)
	}
	if !bytes.Equal(audioPart(t, out), audio) {
		t.Fatal("the audio bytes differ")
	}
	g, _ := os.Open(out)
	defer g.Close()
	list, err := id3.ReadChapters(g)
	if err != nil || len(list) != 2 || list[1].Start != time.Second || list[1].End != 2*time.Second || list[0].Title != "Kapitel ä" {
		t.Errorf("ReadChapters = %+v, %v", list, err)
	}
}

func TestReadOlderTags(t *testing.T) {
	audio := genAudio(t, mp3test.Options{Frames: 10})
	// v2.2: TT2 and a PIC.
	v22 := append([]byte("TT2\x00\x00\x06\x00Old22"), []byte("PIC\x00\x00\x09\x00JPG\x03\x00\xff\xd8\xff")...)
	// v2.3 unsynchronised: the 0xFF 0x00 pair in the title is one 0xFF.
	v23 := rawFrame(3, "TIT2", 0, []byte{0, 'a', 0xFF, 'b'})
	v23 = append(v23, rawFrame(3, "TALB", 0, []byte("\x01\xff\xfeA\x00l\x00b\x00"))...)
	v23 = bytes.ReplaceAll(v23, []byte{0xFF}, []byte{0xFF, 0})
	tests := []struct {
		name string
		file []byte
		want id3.Tag
	}{
		{"v2.2", append(rawTag(2, 0, v22, 10), audio...), id3.Tag{Title: "Old22", Artwork: []byte{0xff, 0xd8, 0xff}, ArtworkMIME: "image/jpeg"}},
		{"v2.3-unsync", append(rawTag(3, 0x80, v23, 10), audio...), id3.Tag{Title: "a\xc3\xbfb", Album: "Alb"}},
		{"none", audio, id3.Tag{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := id3.Read(bytes.NewReader(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// Bad input: a clear error, no output, no file left behind, the source as
// it was.
func TestWriteFileBad(t *testing.T) {
	audio := genAudio(t, audioOpts)
	many := make([]chapters.Chapter, 256)
	for i := range many {
		many[i] = chapters.Chapter{Start: time.Duration(i) * 30 * time.Millisecond, Title: fmt.Sprint("c", i)}
	}
	badFrame := append(rawTag(3, 0, rawFrame(3, "TIT2", 0, []byte("\x00x")), 20), audio...)
	badFrame[14] = 0x7F // TIT2 claims 2 GiB
	tests := []struct {
		name string
		src  []byte
		tag  id3.Tag
		want error
		msg  string
	}{
		{"not mp3", []byte(strings.Repeat("<html>not audio</html>\n", 300)), sampleTag, mp3.ErrNotMP3, "not an MP3"},
		{"truncated", audio[:len(audio)/3], sampleTag, mp3.ErrTruncated, "truncated"},
		{"tag past end", rawTag(3, 0, rawFrame(3, "TIT2", 0, []byte("\x00x")), 5000)[:200], sampleTag, mp3.ErrTruncated, "truncated"},
		{"frame past tag", badFrame, sampleTag, id3.ErrCorrupt, "frame TIT2"},
		{"chapter past end", audio, id3.Tag{Chapters: []chapters.Chapter{{Title: "a"}, {Start: time.Hour, Title: "late"}}}, nil, "after the end of the audio"},
		{"duplicate chapters", audio, id3.Tag{Chapters: []chapters.Chapter{{Title: "a"}, {Title: "b"}}}, nil, `"b" starts at 00:00:00.000, as "a" does`},
		{"too many chapters", audio, id3.Tag{Chapters: many}, id3.ErrTooManyChapters, "256 chapters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := writeTemp(t, "src.mp3", tt.src)
			before := sum(t, src)
			dir := t.TempDir()
			out := filepath.Join(dir, "out.mp3")
			err := id3.WriteFile(out, src, tt.tag)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not say %q", err, tt.msg)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("files left: %v", entries)
			}
			if sum(t, src) != before {
				t.Error("the source was modified")
			}
			if _, err := id3.Retag(src, tt.tag); err == nil {
				t.Error("Retag: no error")
			}
			if sum(t, src) != before {
				t.Error("Retag modified the file despite the error")
			}
		})
	}
	if err := id3.WriteFile(filepath.Join(t.TempDir(), "o.mp3"), filepath.Join(t.TempDir(), "missing.mp3"), sampleTag); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing source: %v", err)
	}
}

// Unsorted chapters are written in time order.
func TestChaptersSorted(t *testing.T) {
	src := writeTemp(t, "src.mp3", genAudio(t, audioOpts))
	out := filepath.Join(t.TempDir(), "out.mp3")
	tag := id3.Tag{Chapters: []chapters.Chapter{{Start: 3 * time.Second, Title: "b"}, {Title: "a"}}}
	if err := id3.WriteFile(out, src, tag); err != nil {
		t.Fatal(err)
	}
	bt, err := id3v2.Open(out, id3v2.Options{Parse: true})
	if err != nil {
		t.Fatal(err)
	}
	defer bt.Close()
	fs := bt.GetFrames("CHAP")
	if len(fs) != 2 || fs[0].(id3v2.ChapterFrame).Title.Text != "a" || fs[1].(id3v2.ChapterFrame).StartTime != 3*time.Second {
		t.Errorf("CHAP frames not in time order: %+v", fs)
	}
}

func FuzzRead(f *testing.F) {
	audio := genAudio(f, mp3test.Options{Frames: 2})
	f.Add(append(rawTag(3, 0, rawFrame(3, "TIT2", 0, []byte("\x00x")), 4), audio...))
	f.Add(append(rawTag(4, 0x80, rawFrame(4, "CHAP", 3, []byte("\x00\x00\x00\x10c\x00\x00\x00\x00\x00\x00\x00\x00\x01\xff\xff\xff\xff\xff\xff\xff\xff")), 0), audio...))
	f.Add(append(rawTag(2, 0, []byte("TT2\x00\x00\x02\x00x"), 4), audio...))
	f.Add(append(rawTag(3, 0x40, append([]byte{0, 0, 0, 6, 0, 0, 0, 0, 0, 0}, rawFrame(3, "CTOC", 0, []byte("t\x00\x03\x01c\x00"))...), 0), audio...))
	f.Fuzz(func(t *testing.T, b []byte) {
		tag, err := id3.Read(bytes.NewReader(b))
		if err != nil {
			return
		}
		if _, err := id3.ReadChapters(bytes.NewReader(b)); err != nil {
			t.Fatalf("Read worked, ReadChapters failed: %v", err)
		}
		for _, c := range tag.Chapters {
			if c.Start < 0 || c.End < 0 {
				t.Fatalf("negative time %+v", c)
			}
		}
	})
}

// FuzzWriteFile tags a file whose leading tag is fuzzed: WriteFile either
// fails with nothing left behind, or writes a file whose tag reads back
// and whose bytes after the tags are the source's, byte for byte.
func FuzzWriteFile(f *testing.F) {
	audio := genAudio(f, mp3test.Options{Frames: 3})
	f.Add(rawTag(3, 0, rawFrame(3, "TIT2", 0, []byte("\x00x")), 4))
	f.Add(rawTag(4, 0, rawFrame(4, "CHAP", 0, append([]byte("c\x00\x00\x00\x00\x00\x00\x00\x00\x01\xff\xff\xff\xff\xff\xff\xff\xff"), rawFrame(4, "TIT2", 0, utf8Text("t"))...)), 0))
	f.Add(rawTag(2, 0, []byte("PIC\x00\x00\x06\x00PNG\x03\x00\x01"), 4))
	f.Add(rawTag(4, 0x10, rawFrame(4, "TXXX", 1, []byte("\x00\x00\x00\x03\x03a\x00b")), 0))
	dir := f.TempDir()
	src := filepath.Join(dir, "src.mp3")
	out := filepath.Join(dir, "out.mp3")
	tag := id3.Tag{Title: "T", Chapters: []chapters.Chapter{{Title: "a"}}}
	f.Fuzz(func(t *testing.T, head []byte) {
		file := append(append([]byte(nil), head...), audio...)
		if err := os.WriteFile(src, file, 0o644); err != nil {
			t.Fatal(err)
		}
		os.Remove(out)
		if err := id3.WriteFile(out, src, tag); err != nil {
			if _, serr := os.Stat(out); serr == nil {
				t.Fatalf("WriteFile failed (%v) and left %s", err, out)
			}
			return
		}
		got, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		gotEnd, err := mp3.SkipID3v2(bytes.NewReader(got))
		if err != nil {
			t.Fatalf("our output's tag: %v", err)
		}
		srcEnd, _ := mp3.SkipID3v2(bytes.NewReader(file))
		if !bytes.Equal(got[gotEnd:], file[srcEnd:]) {
			t.Fatalf("the bytes after the tag differ: %d bytes written, %d in the source", len(got)-int(gotEnd), len(file)-int(srcEnd))
		}
		back, err := id3.Read(bytes.NewReader(got))
		if err != nil || back.Title != "T" || len(back.Chapters) != 1 {
			t.Fatalf("our tag reads back as %+v, %v", back, err)
		}
	})
}
