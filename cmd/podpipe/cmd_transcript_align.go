package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/podpipe/podpipe/align"
	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/pipeline"
	"github.com/podpipe/podpipe/transcript"
	"github.com/podpipe/podpipe/transcript/markdown"
)

type transcriptAlignOptions struct {
	audio    string // the audio file; default: the transcript's
	align    string // the tier's name
	language string // the transcript's language when it does not say
}

func newTranscriptAlignCommand(gopts *globalOptions) *cli.Command {
	var opts transcriptAlignOptions
	return &cli.Command{
		Name:      "align",
		Usage:     "time an untimed transcript against its audio and show how sure each turn is",
		UsageText: "podpipe transcript align EPISODE [--audio FILE] [--align auto|none|pauses|tts]",
		Description: `Aligns the editors' Markdown transcript to the audio (by default the .mp3 next
to the .md) and prints every turn with its start time and confidence, then
the turns the aligner is least sure of, so an editor can fix them with an
[mm:ss] anchor.

   podpipe transcript align episodes/02-kubernetes-cost.md
   podpipe transcript align episodes/02-kubernetes-cost.md --align pauses`,
		Flags: []cli.Flag{
			&cli.StringFlag{
				Name:        "audio",
				Usage:       "the episode's audio `FILE` (MP3 or WAV); default: EPISODE.mp3",
				Sources:     cli.EnvVars("PODPIPE_AUDIO"),
				Destination: &opts.audio,
			},
			&cli.StringFlag{
				Name:        "align",
				Value:       "auto",
				Usage:       "alignment `TIER`: auto (best available), none (proportional), pauses, tts (espeak-ng)",
				Sources:     cli.EnvVars("PODPIPE_ALIGN"),
				Destination: &opts.align,
			},
			&cli.StringFlag{
				Name:        "language",
				Usage:       "the transcript's `LANG` (BCP 47) when its front matter does not say; default zh-TW",
				Sources:     cli.EnvVars("PODPIPE_LANGUAGE"),
				Destination: &opts.language,
			},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runTranscriptAlign(ctx, opts, *gopts, cmd.Args().Slice(), cmd.Root().Writer, cmd.Root().ErrWriter)
		},
	}
}

// runTranscriptAlign aligns the transcript args names (a path, or a slug
// or file name in the show's episodes folder) and prints each unit's time
// and confidence to stdout; the aligner logs to stderr.
func runTranscriptAlign(ctx context.Context, opts transcriptAlignOptions, gopts globalOptions, args []string, stdout, stderr io.Writer) error {
	if len(args) != 1 {
		return usagef("transcript align: want one EPISODE.md, got %d arguments", len(args))
	}
	tier, err := align.ParseTier(opts.align)
	if err != nil {
		return usagef("transcript align: --align: %v", err)
	}
	mdPath, audioPath, lang := args[0], opts.audio, opts.language
	if _, err := os.Stat(mdPath); err != nil {
		// Not a file here: an episode of the show, as publish names them.
		cfg, cerr := config.Load(gopts.config)
		if cerr != nil {
			return fmt.Errorf("transcript align: %s: no such file, and no show to find it in: %w", mdPath, cerr)
		}
		ep, ferr := pipeline.FindEpisode(cfg, mdPath)
		if ferr != nil {
			return fmt.Errorf("transcript align: %w", ferr)
		}
		mdPath = ep.Markdown
		if audioPath == "" {
			audioPath = ep.Audio
		}
	}
	src, err := os.ReadFile(mdPath)
	if err != nil {
		return err
	}
	t, err := markdown.Parse(mdPath, src)
	if err != nil {
		return err
	}
	if audioPath == "" {
		audioPath = strings.TrimSuffix(mdPath, filepath.Ext(mdPath)) + ".mp3"
		if t.Audio != "" {
			audioPath = filepath.Join(filepath.Dir(mdPath), t.Audio)
		}
	}
	if _, err := os.Stat(audioPath); err != nil {
		return fmt.Errorf("transcript align: audio: %w (give it with --audio)", err)
	}
	a := align.New(align.Options{Tier: tier, Language: lang, Log: stderr})
	if err := a.Time(ctx, t, transcript.Audio{Path: audioPath}); err != nil {
		if errors.Is(err, align.ErrMismatch) {
			return fmt.Errorf("transcript align: %s: %w; --align none times it without aligning", mdPath, err)
		}
		return fmt.Errorf("transcript align: %w", err)
	}
	rep := a.Report()
	fmt.Fprintf(stdout, "%s aligned to %s with tier %s in %s\n\n", mdPath, audioPath, rep.Tier, rep.Elapsed.Round(time.Millisecond))
	line := func(i int) {
		u := t.Units[i]
		who := u.Speaker
		if u.Kind == transcript.Cue {
			who = "(cue)"
		}
		mark := ""
		if u.Anchor {
			mark = " anchored"
		}
		fmt.Fprintf(stdout, "  %s:%-4d %s  %.2f  %s: %s%s\n", mdPath, u.Line, transcript.FormatTimestamp(u.Start), u.Confidence, who, excerpt(u.Text, 30), mark)
	}
	sec := -2
	for i, u := range t.Units {
		if u.Section != sec && u.Section >= 0 && u.Section < len(t.Sections) {
			s := t.Sections[u.Section]
			fmt.Fprintf(stdout, "%s %s %s\n", strings.Repeat("#", s.Level), transcript.FormatTimestamp(s.Start), s.Title)
		}
		sec = u.Section
		line(i)
	}
	if len(rep.LowConfidence) == 0 {
		fmt.Fprintf(stdout, "\nno unit below confidence %.2f\n", align.LowConfidence)
		return nil
	}
	fmt.Fprintf(stdout, "\n%d units below confidence %.2f; check them and add an [mm:ss] anchor where they are wrong:\n",
		len(rep.LowConfidence), align.LowConfidence)
	for _, i := range rep.LowConfidence {
		line(i)
	}
	return nil
}

func excerpt(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
