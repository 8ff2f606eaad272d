package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/podpipe/podpipe/mp3"
	"github.com/podpipe/podpipe/mp4"
	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/formats"
)

func newTranscriptConvertCommand() *cli.Command {
	var o convertOptions
	return &cli.Command{
		Name:      "convert",
		Usage:     "convert a transcript between the editors' Markdown, WebVTT, SRT, JSON, HTML and text",
		UsageText: "podpipe transcript convert [--to vtt|srt|json|html|txt] [--audio FILE | --duration D] [--title T] IN [-o OUT]",
		Description: `Reads a transcript in any format podpipe knows (the editors' Markdown, WebVTT,
SRT, Podcast Index JSON, Whisper JSON; told apart by content) and writes it as
WebVTT, SRT, Podcast Index JSON, a standalone HTML page or plain text. The
format comes from --to, or from the extension of -o. Output goes to stdout
unless -o names a file, which is written whole or not at all.

An untimed transcript (Markdown) is timed by spreading the audio's duration
over the text in proportion to its length; give the audio with --audio (MP3
or M4A) or its length with --duration (1h2m3s or 1:02:03).

   podpipe transcript convert episodes/01-intro.md --audio episodes/01-intro.mp3 -o out/01-intro.vtt
   podpipe transcript convert --to html --duration 25m30s episodes/01-intro.md > 01-intro.html
   podpipe transcript convert --to srt whisper-output.json`,
		Flags: []cli.Flag{
			&cli.StringFlag{
				Name:        "to",
				Usage:       "output `FORMAT`: vtt, srt, json, html or txt; default from -o's extension",
				Sources:     cli.EnvVars("PODPIPE_TO"),
				Destination: &o.to,
			},
			&cli.StringFlag{
				Name:        "output",
				Aliases:     []string{"o"},
				Usage:       "write to `FILE` instead of stdout",
				Sources:     cli.EnvVars("PODPIPE_OUTPUT"),
				Destination: &o.out,
			},
			&cli.StringFlag{
				Name:        "audio",
				Usage:       "the episode's audio `FILE` (MP3 or M4A), for its duration and the HTML page's player",
				Sources:     cli.EnvVars("PODPIPE_AUDIO"),
				Destination: &o.audio,
			},
			&cli.StringFlag{
				Name:        "duration",
				Usage:       "the audio's `DURATION` (1h2m3s or 1:02:03) when there is no audio file at hand",
				Sources:     cli.EnvVars("PODPIPE_DURATION"),
				Destination: &o.durationText,
			},
			&cli.StringFlag{
				Name:        "title",
				Usage:       "the page's and the text's `TITLE`; default: the transcript's own, else its file name without the content hash",
				Sources:     cli.EnvVars("PODPIPE_TITLE"),
				Destination: &o.title,
			},
			&cli.StringFlag{
				Name:        "audio-url",
				Usage:       "the `URL` the HTML page plays; default: the --audio file relative to -o",
				Sources:     cli.EnvVars("PODPIPE_AUDIO_URL"),
				Destination: &o.audioURL,
			},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runTranscriptConvert(ctx, o, cmd.Args().Slice(), cmd.Root().Writer)
		},
	}
}

type convertOptions struct {
	out, to         string // -o and --to
	audio, audioURL string // --audio and --audio-url
	durationText    string // --duration as given
	title           string // --title

	in       string        // the input file, from the arguments
	duration time.Duration // durationText parsed
}

// contentHash is the hash podpipe appends to a published object's name
// (01-x-0123456789ab.vtt).
var contentHash = regexp.MustCompile(`-[0-9a-f]{12}$`)

// formatOf names the output format an output file's extension implies.
func formatOf(name string) string {
	if f := formats.ByExt(filepath.Ext(name)); f != nil && f.Write != nil {
		return f.Name
	}
	return ""
}

// oneOf lists choices as "a, b or c".
func oneOf(choices []string) string {
	if len(choices) < 2 {
		return strings.Join(choices, "")
	}
	return strings.Join(choices[:len(choices)-1], ", ") + " or " + choices[len(choices)-1]
}

func parseDuration(s string) (time.Duration, error) {
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return d, nil
	}
	if d, err := transcript.ParseClock(s); err == nil && d > 0 {
		return d, nil
	}
	return 0, fmt.Errorf("%q is not a duration like 25m30s or 25:30", s)
}

// audioDuration reads an audio file's duration from its headers.
func audioDuration(name string) (time.Duration, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	switch strings.ToLower(filepath.Ext(name)) {
	case ".m4a", ".mp4", ".aac":
		return mp4.Duration(f)
	}
	info, err := mp3.Probe(f)
	if err != nil {
		return 0, err
	}
	return info.Duration, nil
}

// runTranscriptConvert converts the transcript args names, to the -o file
// or else to stdout.
func runTranscriptConvert(ctx context.Context, o convertOptions, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return usagef("transcript convert: want one input file, got %d arguments", len(args))
	}
	o.in = args[0]
	if o.audio != "" && o.durationText != "" {
		return usagef("transcript convert: give --audio or --duration, not both")
	}
	if d := o.durationText; d != "" {
		var err error
		if o.duration, err = parseDuration(d); err != nil {
			return usagef("transcript convert: --duration: %v", err)
		}
	}
	if o.to == "" {
		o.to = formatOf(o.out)
		if o.to == "" {
			return usagef("transcript convert: say the format with --to (%s) or an -o file extension", strings.Join(formats.Writable(), ", "))
		}
	}
	out := formats.ByName(o.to)
	if out == nil || out.Write == nil {
		return usagef("transcript convert: --to %q: want %s", o.to, oneOf(formats.Writable()))
	}

	f, err := os.Open(o.in)
	if err != nil {
		return fmt.Errorf("transcript convert: %w", err)
	}
	t, err := formats.Read(o.in, f)
	f.Close()
	if err != nil {
		return err
	}
	if o.title != "" {
		t.Title = o.title
	} else if strings.TrimSpace(t.Title) == "" {
		// Timed formats seldom carry a title; a page needs one (its
		// <title> and <h1>), and so does the text's first line. A
		// published file's name ends in its content hash, which is no
		// part of a title.
		base := strings.TrimSuffix(filepath.Base(o.in), filepath.Ext(o.in))
		t.Title = contentHash.ReplaceAllString(base, "")
	}
	if t.Timing == transcript.Untimed && out.Times != formats.NoTimes {
		d := o.duration
		if o.audio != "" {
			if d, err = audioDuration(o.audio); err != nil {
				return fmt.Errorf("transcript convert: audio %s: %w", o.audio, err)
			}
		}
		switch {
		case d > 0:
			if err := (transcript.Proportional{}).Time(ctx, t, transcript.Audio{Path: o.audio, Duration: d}); err != nil {
				return transcript.InFile(o.in, err)
			}
		case out.Times == formats.Timed:
			return fmt.Errorf("transcript convert: %s has no times: give the audio with --audio FILE or its length with --duration D", o.in)
		}
	}

	url := o.audioURL
	if url == "" && o.audio != "" {
		url = filepath.ToSlash(o.audio)
		if o.out != "" {
			if abs, err := filepath.Abs(o.audio); err == nil {
				if outDir, err := filepath.Abs(filepath.Dir(o.out)); err == nil {
					if rel, err := filepath.Rel(outDir, abs); err == nil {
						url = filepath.ToSlash(rel)
					}
				}
			}
		}
	}
	var buf bytes.Buffer
	if err := out.Write(&buf, t, formats.Options{AudioURL: url}); err != nil {
		return transcript.InFile(o.in, err)
	}
	if o.out == "" {
		_, err = stdout.Write(buf.Bytes())
		return err
	}
	if err := writeFileAtomic(o.out, buf.Bytes()); err != nil {
		return fmt.Errorf("transcript convert: %w", err)
	}
	return nil
}
