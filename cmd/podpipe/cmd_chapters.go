package main

import (
	"context"
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/urfave/cli/v3"

	"github.com/podpipe/podpipe/transcript"
)

var chaptersShowCommand = &cli.Command{
	Name:      "show",
	Usage:     "print an episode's chapters and the source they came from",
	ArgsUsage: "EPISODE",
	UsageText: "podpipe chapters show 02-kubernetes-cost",
	Description: "Chapters come from, in order of precedence: EPISODE.chapters.txt or\n" +
		".chapters.json beside the episode, the transcript's front matter, the\n" +
		"transcript's headings, chapters already embedded in the source MP3.",
	Flags: []cli.Flag{alignFlag},
	Action: func(ctx context.Context, cmd *cli.Command) error {
		if cmd.NArg() != 1 {
			return usagef("chapters show: name one EPISODE")
		}
		_, p, err := openPipeline(ctx, cmd)
		if err != nil {
			return err
		}
		list, source, warnings, err := p.Chapters(ctx, cmd.Args().First())
		if err != nil {
			return err
		}
		for _, w := range warnings {
			fmt.Fprintln(os.Stderr, "warning:", w)
		}
		fmt.Printf("source: %s\n", source)
		tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "START\tEND\tTITLE")
		for _, c := range list {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", transcript.FormatTimestamp(c.Start), transcript.FormatTimestamp(c.End), c.Title)
		}
		return tw.Flush()
	},
}

var chaptersRegenerateCommand = &cli.Command{
	Name:      "regenerate",
	Usage:     "rebuild an episode's chapters, retag its audio and re-upload only what changed",
	ArgsUsage: "EPISODE",
	UsageText: "podpipe chapters regenerate 02-kubernetes-cost",
	Description: "After an edit to the chapters file or the transcript's headings: rebuilds\n" +
		"the chapters JSON and the audio's ID3 chapters, uploads what changed (the\n" +
		"audio and the chapters JSON; the HTML page when its chapter list changed),\n" +
		"then updates the manifest and the feed. Nothing unchanged is uploaded.",
	Flags: []cli.Flag{dryRunFlag, alignFlag},
	Action: func(ctx context.Context, cmd *cli.Command) error {
		if cmd.NArg() != 1 {
			return usagef("chapters regenerate: name one EPISODE")
		}
		return runPublish(ctx, cmd, cmd.Args().Slice())
	},
}

func init() {
	chaptersCommand.Commands = append(chaptersCommand.Commands, chaptersShowCommand, chaptersRegenerateCommand)
}
