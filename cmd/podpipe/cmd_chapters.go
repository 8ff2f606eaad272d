package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/urfave/cli/v3"

	"github.com/podpipe/podpipe/chapters"
	"github.com/podpipe/podpipe/transcript"
)

func newChaptersCommand(gopts *globalOptions) *cli.Command {
	return &cli.Command{
		Name:  "chapters",
		Usage: "show and regenerate an episode's chapters",
		UsageText: "podpipe chapters show 02-kubernetes-cost\n" +
			"podpipe chapters suggest 04-platform-engineering -o episodes/04-platform-engineering.chapters.txt\n" +
			"podpipe chapters regenerate 02-kubernetes-cost",
		Commands: []*cli.Command{
			newChaptersShowCommand(gopts),
			newChaptersSuggestCommand(gopts),
			newChaptersRegenerateCommand(gopts),
		},
	}
}

func newChaptersShowCommand(gopts *globalOptions) *cli.Command {
	var opts pipelineOptions
	return &cli.Command{
		Name:      "show",
		Usage:     "print an episode's chapters and the source they came from",
		ArgsUsage: "EPISODE",
		UsageText: "podpipe chapters show 02-kubernetes-cost",
		Description: "Chapters come from, in order of precedence: EPISODE.chapters.txt or\n" +
			".chapters.json beside the episode, the transcript's front matter, the\n" +
			"transcript's headings when it has two spoken sections or more, chapters\n" +
			"already embedded in the source MP3, and else chapters suggested from the\n" +
			"transcript (see chapters suggest). A single chapter covering the whole\n" +
			"episode is never published. The timing of an unchanged episode comes\n" +
			"from the cache its last alignment left.",
		Flags: []cli.Flag{newAlignFlag(&opts.align)},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runChaptersShow(ctx, opts, *gopts, cmd.Args().Slice(), cmd.Root().Writer, cmd.Root().ErrWriter)
		},
	}
}

// runChaptersShow prints the chapters of the episode args names to out,
// and the warnings met while finding them to errOut.
func runChaptersShow(ctx context.Context, opts pipelineOptions, gopts globalOptions, args []string, out, errOut io.Writer) error {
	if len(args) != 1 {
		return usagef("chapters show: name one EPISODE")
	}
	_, p, err := openPipeline(ctx, opts, gopts, out)
	if err != nil {
		return err
	}
	list, source, warnings, err := p.Chapters(ctx, args[0])
	if err != nil {
		return err
	}
	for _, w := range warnings {
		fmt.Fprintln(errOut, "warning:", w)
	}
	fmt.Fprintf(out, "source: %s\n", source)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "START\tEND\tTITLE")
	for _, c := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\n", transcript.FormatTimestamp(c.Start), transcript.FormatTimestamp(c.End), c.Title)
	}
	return tw.Flush()
}

func newChaptersRegenerateCommand(gopts *globalOptions) *cli.Command {
	var opts pipelineOptions
	return &cli.Command{
		Name:      "regenerate",
		Usage:     "rebuild an episode's chapters, retag its audio and re-upload only what changed",
		ArgsUsage: "EPISODE",
		UsageText: "podpipe chapters regenerate 02-kubernetes-cost",
		Description: "After an edit to the chapters file or the transcript's headings: rebuilds\n" +
			"the chapters JSON and the audio's ID3 chapters, uploads what changed (the\n" +
			"audio and the chapters JSON; the HTML page when its chapter list changed),\n" +
			"then updates the manifest and the feed. Nothing unchanged is uploaded: the\n" +
			"transcript's timing comes from the cache, so the transcripts stay as\n" +
			"published.",
		Flags: []cli.Flag{newDryRunFlag(&opts.dryRun), newAlignFlag(&opts.align)},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runChaptersRegenerate(ctx, opts, *gopts, cmd.Args().Slice(), cmd.Root().Writer)
		},
	}
}

// runChaptersRegenerate republishes the episode args names; the pipeline
// uploads only what the new chapters changed.
func runChaptersRegenerate(ctx context.Context, opts pipelineOptions, gopts globalOptions, args []string, out io.Writer) error {
	if len(args) != 1 {
		return usagef("chapters regenerate: name one EPISODE")
	}
	return publish(ctx, opts, gopts, args, out)
}

type chaptersSuggestOptions struct {
	pipelineOptions
	output string
}

func newChaptersSuggestCommand(gopts *globalOptions) *cli.Command {
	var opts chaptersSuggestOptions
	return &cli.Command{
		Name:      "suggest",
		Usage:     "propose chapters from an episode's timed transcript, as a chapters text list",
		ArgsUsage: "EPISODE",
		UsageText: "podpipe chapters suggest 04-platform-engineering\n" +
			"podpipe chapters suggest 04-platform-engineering -o episodes/04-platform-engineering.chapters.txt",
		Description: "Times the transcript (or takes its timing from the cache), then starts a\n" +
			"chapter at each speaker turn where the conversation turns to a new subject:\n" +
			"where the words before and after it differ most, and a host asks after a\n" +
			"long answer. About one chapter per four minutes, none under a minute,\n" +
			"each titled by the host's question made short, else by the clause with the\n" +
			"chapter's key terms. Writes `00:00:00.000 Title` lines to stdout, or to\n" +
			"FILE: saved as EPISODE.chapters.txt beside the episode, edited, and\n" +
			"committed, it is the episode's chapters. An episode shorter than six\n" +
			"minutes gets none. Publishing an episode with no chapters of its own and\n" +
			"fewer than two spoken sections uses this suggestion.",
		Flags: []cli.Flag{
			newAlignFlag(&opts.align),
			&cli.StringFlag{
				Name:        "output",
				Aliases:     []string{"o"},
				Usage:       "write to `FILE` instead of stdout",
				Sources:     cli.EnvVars("PODPIPE_OUTPUT"),
				Destination: &opts.output,
			},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runChaptersSuggest(ctx, opts, *gopts, cmd.Args().Slice(), cmd.Root().Writer, cmd.Root().ErrWriter)
		},
	}
}

// runChaptersSuggest writes the chapters suggested for the episode args
// names to opts.output, or to out; progress and warnings go to errOut, so
// that out holds only the list.
func runChaptersSuggest(ctx context.Context, opts chaptersSuggestOptions, gopts globalOptions, args []string, out, errOut io.Writer) error {
	if len(args) != 1 {
		return usagef("chapters suggest: name one EPISODE")
	}
	_, p, err := openPipeline(ctx, opts.pipelineOptions, gopts, errOut)
	if err != nil {
		return err
	}
	s, err := p.Suggest(ctx, args[0])
	if err != nil {
		return err
	}
	for _, w := range s.Warnings {
		fmt.Fprintln(errOut, "warning:", w)
	}
	if len(s.Chapters) == 0 {
		return fmt.Errorf("%s: too short for two chapters of a few minutes: nothing to suggest", args[0])
	}
	var b bytes.Buffer
	if err := chapters.WriteText(&b, s.Chapters); err != nil {
		return err
	}
	fmt.Fprintf(errOut, "%d chapters suggested (timing: %s)\n", len(s.Chapters), s.Timing)
	if opts.output == "" {
		_, err = out.Write(b.Bytes())
		return err
	}
	if err := writeFileAtomic(opts.output, b.Bytes()); err != nil {
		return fmt.Errorf("chapters suggest: %w", err)
	}
	return nil
}
