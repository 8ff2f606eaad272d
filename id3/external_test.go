package id3_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/id3"
	"github.com/podpipe/podpipe/internal/testtool"
	"github.com/podpipe/podpipe/mp3"
	"github.com/podpipe/podpipe/mp3/mp3test"
)

// mutagenPython finds a python3 that can import mutagen: the one in PATH,
// or Debian's (python3-mutagen installs into /usr/bin/python3's modules,
// which a pyenv python3 earlier in PATH does not see).
func mutagenPython(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if p, err := exec.LookPath(py); err == nil && exec.Command(p, "-c", "import mutagen.id3").Run() == nil {
			return p
		}
	}
	testtool.Missing(t, "no python3 with mutagen (Debian python3-mutagen)")
	return ""
}

func runTool(t *testing.T, name string, args ...string) []byte {
	t.Helper()
	cmd := exec.Command(name, args...)
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		if ee, ok := err.(*exec.ExitError); ok {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, stderr)
	}
	return out
}

// sources returns MP3s to tag: generated, and encoded by ffmpeg's libmp3lame
// when ffmpeg is there.
func sources(t *testing.T) map[string]string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: no external tools")
	}
	dir := t.TempDir()
	files := map[string]string{"generated.mp3": writeTemp(t, "generated.mp3", genAudio(t, audioOpts))}
	ffmpeg := testtool.Need(t, "ffmpeg")
	p := filepath.Join(dir, "ffmpeg.mp3")
	runTool(t, ffmpeg, "-v", "error", "-f", "lavfi", "-i", "sine=frequency=300:duration=10", "-c:a", "libmp3lame", "-q:a", "5", p)
	files["ffmpeg.mp3"] = p
	return files
}

func near(a, b float64) bool { return math.Abs(a-b) <= 0.001 }

// ffprobe reads the chapters and the fields we wrote.
func TestFFprobeReadsOurTag(t *testing.T) {
	ffprobe := testtool.Need(t, "ffprobe")
	for name, src := range sources(t) {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.mp3")
			if err := id3.WriteFile(out, src, sampleTag); err != nil {
				t.Fatal(err)
			}
			var got struct {
				Chapters []struct {
					StartTime string            `json:"start_time"`
					EndTime   string            `json:"end_time"`
					Tags      map[string]string `json:"tags"`
				}
				Format struct {
					Tags map[string]string
				}
			}
			if err := json.Unmarshal(runTool(t, ffprobe, "-v", "error", "-show_chapters", "-show_format", "-of", "json", out), &got); err != nil {
				t.Fatal(err)
			}
			want := wantChapters(probe(t, src).Duration)
			if len(got.Chapters) != len(want) {
				t.Fatalf("ffprobe lists %d chapters, want %d: %+v", len(got.Chapters), len(want), got.Chapters)
			}
			for i, c := range got.Chapters {
				start, _ := strconv.ParseFloat(c.StartTime, 64)
				end, _ := strconv.ParseFloat(c.EndTime, 64)
				if !near(start, want[i].Start.Seconds()) || !near(end, want[i].End.Seconds()) || c.Tags["title"] != want[i].Title {
					t.Errorf("chapter %d: ffprobe %s-%s %q, want %v-%v %q", i, c.StartTime, c.EndTime, c.Tags["title"], want[i].Start, want[i].End, want[i].Title)
				}
			}
			for k, v := range map[string]string{"title": sampleTag.Title, "artist": sampleTag.Artist, "album": sampleTag.Album, "genre": "Podcast", "track": "1", "comment": sampleTag.Comment} {
				if got.Format.Tags[k] != v {
					t.Errorf("ffprobe tag %s = %q, want %q", k, got.Format.Tags[k], v)
				}
			}
		})
	}
}

const mutagenDump = `
import sys, json
from mutagen.id3 import ID3
t = ID3(sys.argv[1], translate=False)
def text(fs, id):
    f = fs.get(id)
    return str(f) if f is not None else None
out = {"version": list(t.version), "title": text(t, "TIT2"), "chapters": [], "tocs": []}
for f in t.getall("CHAP"):
    urls = f.sub_frames.getall("WXXX")
    out["chapters"].append({"id": f.element_id, "start": f.start_time, "end": f.end_time,
        "startOffset": f.start_offset, "title": text(f.sub_frames, "TIT2"), "url": urls[0].url if urls else ""})
for f in t.getall("CTOC"):
    out["tocs"].append({"id": f.element_id, "flags": int(f.flags), "children": list(f.child_element_ids),
        "title": text(f.sub_frames, "TIT2")})
print(json.dumps(out))
`

type mutagenTag struct {
	Version  []int
	Title    string
	Chapters []struct {
		ID          string
		Start, End  int
		StartOffset int64
		Title, URL  string
	}
	TOCs []struct {
		ID       string
		Flags    int
		Children []string
		Title    string
	}
}

func readMutagen(t *testing.T, py, path string) mutagenTag {
	t.Helper()
	var m mutagenTag
	if err := json.Unmarshal(runTool(t, py, "-c", mutagenDump, path), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

// mutagen reads the chapters, their order, the CTOC and its title.
func TestMutagenReadsOurTag(t *testing.T) {
	py := mutagenPython(t)
	for name, src := range sources(t) {
		t.Run(name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.mp3")
			if err := id3.WriteFile(out, src, sampleTag); err != nil {
				t.Fatal(err)
			}
			m := readMutagen(t, py, out)
			if fmt.Sprint(m.Version) != "[2 3 0]" || m.Title != sampleTag.Title {
				t.Errorf("mutagen reads version %v, title %q", m.Version, m.Title)
			}
			want := wantChapters(probe(t, src).Duration)
			if len(m.Chapters) != len(want) {
				t.Fatalf("mutagen lists %d chapters, want %d", len(m.Chapters), len(want))
			}
			var visible []string
			for i, c := range m.Chapters {
				w := want[i]
				if c.ID != fmt.Sprintf("chp%d", i) || !near(float64(c.Start)/1000, w.Start.Seconds()) ||
					!near(float64(c.End)/1000, w.End.Seconds()) || c.Title != w.Title || c.URL != w.URL || c.StartOffset != 0xFFFFFFFF {
					t.Errorf("chapter %d: mutagen %+v, want %+v", i, c, w)
				}
				if !w.Hidden {
					visible = append(visible, c.ID)
				}
			}
			if len(m.TOCs) != 1 || m.TOCs[0].Flags != 3 || fmt.Sprint(m.TOCs[0].Children) != fmt.Sprint(visible) || m.TOCs[0].Title != sampleTag.Title {
				t.Errorf("CTOC %+v, want one, flags 3, children %v, title %q", m.TOCs, visible, sampleTag.Title)
			}
		})
	}
}

// Tags other programs wrote (mutagen's v2.4 with chapters, ffmpeg's v2.4
// from an ffmetadata file) are read, and converted to v2.3 with their
// chapters intact.
func TestReadOthersTags(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no external tools")
	}
	py := mutagenPython(t)
	ffmpeg := testtool.Need(t, "ffmpeg")
	dir := t.TempDir()
	src := writeTemp(t, "plain.mp3", genAudio(t, audioOpts))
	want := []chapters.Chapter{
		{Start: 0, End: 1500 * time.Millisecond, Title: "Eins"},
		{Start: 1500 * time.Millisecond, End: 4 * time.Second, Title: "Zwei ü 二"},
		{Start: 4 * time.Second, End: 8 * time.Second, Title: "Drei"},
	}

	byMutagen := filepath.Join(dir, "mutagen.mp3")
	data, _ := os.ReadFile(src)
	os.WriteFile(byMutagen, data, 0o644)
	script := `
import sys
from mutagen.id3 import ID3, CHAP, CTOC, TIT2, TPE1, CTOCFlags
t = ID3()
t.add(TIT2(encoding=3, text="Mutagen title"))
t.add(TPE1(encoding=3, text="Someone"))
t.add(CTOC(element_id="toc", flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=["a", "b", "c"], sub_frames=[TIT2(encoding=3, text="TOC")]))
t.add(CHAP(element_id="b", start_time=1500, end_time=4000, sub_frames=[TIT2(encoding=3, text="Zwei ü 二")]))
t.add(CHAP(element_id="a", start_time=0, end_time=1500, sub_frames=[TIT2(encoding=3, text="Eins")]))
t.add(CHAP(element_id="c", start_time=4000, end_time=8000, sub_frames=[TIT2(encoding=3, text="Drei")]))
t.save(sys.argv[1], v2_version=4)
`
	runTool(t, py, "-c", script, byMutagen)

	meta := filepath.Join(dir, "chapters.ffmeta")
	var b strings.Builder
	b.WriteString(";FFMETADATA1\ntitle=FFmpeg title\n")
	for _, c := range want {
		fmt.Fprintf(&b, "[CHAPTER]\nTIMEBASE=1/1000\nSTART=%d\nEND=%d\ntitle=%s\n", c.Start.Milliseconds(), c.End.Milliseconds(), c.Title)
	}
	os.WriteFile(meta, []byte(b.String()), 0o644)
	byFFmpeg := filepath.Join(dir, "ffmpeg.mp3")
	runTool(t, ffmpeg, "-v", "error", "-i", src, "-i", meta, "-map_metadata", "1", "-map_chapters", "1", "-codec", "copy", "-id3v2_version", "4", byFFmpeg)

	for name, p := range map[string]string{"mutagen": byMutagen, "ffmpeg": byFFmpeg} {
		t.Run(name, func(t *testing.T) {
			f, err := os.Open(p)
			if err != nil {
				t.Fatal(err)
			}
			got, err := id3.ReadChapters(f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(stripPos(got)) != fmt.Sprint(want) {
				t.Errorf("ReadChapters:\n got %+v\nwant %+v", got, want)
			}
			// Converted to v2.3, chapters kept as they were.
			out := filepath.Join(t.TempDir(), "out.mp3")
			if err := id3.WriteFile(out, p, id3.Tag{Album: "Album"}); err != nil {
				t.Fatal(err)
			}
			m := readMutagen(t, py, out)
			if fmt.Sprint(m.Version) != "[2 3 0]" || len(m.Chapters) != 3 {
				t.Fatalf("mutagen reads v%v with %d chapters", m.Version, len(m.Chapters))
			}
			titles := map[string]bool{}
			for _, c := range m.Chapters {
				titles[c.Title] = true
			}
			for _, c := range want {
				if !titles[c.Title] {
					t.Errorf("chapter %q lost in the conversion: %+v", c.Title, m.Chapters)
				}
			}
		})
	}
}

// The duration ffprobe counts is the one we keep after tagging.
func TestTaggedDurationFFprobe(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no external tools")
	}
	ffprobe := testtool.Need(t, "ffprobe")
	o := mp3test.Options{Frames: 1000, SampleRate: 44100}
	src := writeTemp(t, "src.mp3", genAudio(t, o))
	out := filepath.Join(t.TempDir(), "out.mp3")
	if err := id3.WriteFile(out, src, sampleTag); err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(strings.TrimSpace(string(runTool(t, ffprobe, "-v", "error", "-count_frames", "-select_streams", "a:0",
		"-show_entries", "stream=nb_read_frames", "-of", "default=nw=1:nk=1", out))))
	if n != o.Frames {
		t.Errorf("ffprobe counts %d frames in the tagged file, want %d", n, o.Frames)
	}
}

func probe(t *testing.T, path string) mp3.Info {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	info, err := mp3.Probe(f)
	if err != nil {
		t.Fatal(err)
	}
	return info
}
