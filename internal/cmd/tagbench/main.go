// Command tagbench runs podpipe's MP3 probe and tagger outside `go test`,
// one operation per process, so that scripts/bench-tag.sh can measure each
// with /usr/bin/time beside cp, ffmpeg and mutagen.
//
//	tagbench gen -mb 500 -header Info /tmp/in.mp3
//	tagbench probe /tmp/in.mp3
//	tagbench tag -chapters 20 /tmp/in.mp3 /tmp/out.mp3
//	tagbench retag -chapters 21 /tmp/out.mp3
//	tagbench ffmeta -chapters 20 /tmp/in.mp3 > chapters.ffmeta
//	tagbench mutagen -chapters 20 /tmp/in.mp3 > chapters.py
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/id3"
	"github.com/podpipe/podpipe/mp3"
	"github.com/podpipe/podpipe/mp3/mp3test"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: tagbench gen|probe|tag|retag|ffmeta|mutagen [flags] FILE...")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	mb := fs.Int("mb", 500, "gen: size of the file in MiB")
	header := fs.String("header", "Info", "gen: Info, Xing, VBRI or none")
	n := fs.Int("chapters", 20, "tag, retag, ffmeta, mutagen: number of chapters")
	fs.Parse(os.Args[2:])
	if err := run(os.Args[1], fs.Args(), *mb, *header, *n); err != nil {
		fmt.Fprintln(os.Stderr, "tagbench:", err)
		os.Exit(1)
	}
}

func run(op string, args []string, mb int, header string, n int) error {
	need := map[string]int{"gen": 1, "probe": 1, "tag": 2, "retag": 1, "ffmeta": 1, "mutagen": 1}
	if want, ok := need[op]; !ok || len(args) != want {
		return fmt.Errorf("%s needs %d file arguments", op, need[op])
	}
	start := time.Now()
	defer func() { fmt.Fprintf(os.Stderr, "%s: %v\n", op, time.Since(start)) }()
	switch op {
	case "gen":
		if header == "none" {
			header = mp3test.None
		}
		// 48 kHz, 128 kbit/s: 384-byte frames.
		o := mp3test.Options{Frames: mb << 20 / 384, Header: header}
		f, err := os.Create(args[0])
		if err != nil {
			return err
		}
		if _, err := mp3test.Write(f, o); err != nil {
			f.Close()
			return err
		}
		return f.Close()
	case "probe":
		info, err := probe(args[0])
		if err != nil {
			return err
		}
		fmt.Printf("duration %v, %d frames, %d bit/s, VBR %v\n", info.Duration, info.Frames, info.Bitrate, info.VBR)
		return nil
	case "tag":
		tag, err := benchTag(args[0], n)
		if err != nil {
			return err
		}
		return id3.WriteFile(args[1], args[0], tag)
	case "retag":
		tag, err := benchTag(args[0], n)
		if err != nil {
			return err
		}
		inPlace, err := id3.Retag(args[0], tag)
		fmt.Printf("in place: %v\n", inPlace)
		return err
	case "ffmeta":
		list, err := benchChapters(args[0], n)
		if err != nil {
			return err
		}
		var b strings.Builder
		b.WriteString(";FFMETADATA1\ntitle=Benchmark episode\nartist=The Show\ngenre=Podcast\n")
		for _, c := range list {
			fmt.Fprintf(&b, "[CHAPTER]\nTIMEBASE=1/1000\nSTART=%d\nEND=%d\ntitle=%s\n", c.Start.Milliseconds(), c.End.Milliseconds(), c.Title)
		}
		_, err = os.Stdout.WriteString(b.String())
		return err
	case "mutagen":
		// A python script that inserts the same tag in place.
		list, err := benchChapters(args[0], n)
		if err != nil {
			return err
		}
		var b strings.Builder
		b.WriteString("import sys\nfrom mutagen.id3 import ID3, CHAP, CTOC, TIT2, TPE1, TCON, CTOCFlags\nt = ID3()\n")
		b.WriteString("t.add(TIT2(encoding=3, text='Benchmark episode'))\nt.add(TPE1(encoding=3, text='The Show'))\nt.add(TCON(encoding=3, text='Podcast'))\n")
		var ids []string
		for i, c := range list {
			fmt.Fprintf(&b, "t.add(CHAP(element_id='chp%d', start_time=%d, end_time=%d, sub_frames=[TIT2(encoding=3, text=%q)]))\n", i, c.Start.Milliseconds(), c.End.Milliseconds(), c.Title)
			ids = append(ids, fmt.Sprintf("'chp%d'", i))
		}
		fmt.Fprintf(&b, "t.add(CTOC(element_id='toc', flags=CTOCFlags.TOP_LEVEL | CTOCFlags.ORDERED, child_element_ids=[%s], sub_frames=[TIT2(encoding=3, text='Benchmark episode')]))\n", strings.Join(ids, ", "))
		b.WriteString("t.save(sys.argv[1], v2_version=3)\n")
		_, err = os.Stdout.WriteString(b.String())
		return err
	}
	return nil
}

func probe(path string) (mp3.Info, error) {
	f, err := os.Open(path)
	if err != nil {
		return mp3.Info{}, err
	}
	defer f.Close()
	return mp3.Probe(f)
}

// benchChapters spreads n chapters over the file's duration.
func benchChapters(path string, n int) ([]chapters.Chapter, error) {
	info, err := probe(path)
	if err != nil {
		return nil, err
	}
	list := make([]chapters.Chapter, n)
	for i := range list {
		list[i] = chapters.Chapter{Start: info.Duration / time.Duration(n) * time.Duration(i), Title: fmt.Sprintf("Chapter %d: a title of some length", i+1)}
	}
	list, _, err = chapters.Validate(list, info.Duration)
	return list, err
}

func benchTag(path string, n int) (id3.Tag, error) {
	list, err := benchChapters(path, n)
	return id3.Tag{Title: "Benchmark episode", Artist: "The Show", Genre: "Podcast", Chapters: list}, err
}
