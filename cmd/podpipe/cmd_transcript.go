package main

import "github.com/urfave/cli/v3"

func newTranscriptCommand(gopts *globalOptions) *cli.Command {
	return &cli.Command{
		Name:  "transcript",
		Usage: "convert and align transcripts",
		UsageText: "podpipe transcript convert --to vtt episodes/01-x.md --audio episodes/01-x.mp3 -o 01-x.vtt\n" +
			"podpipe transcript align episodes/01-x.md",
		Commands: []*cli.Command{
			newTranscriptAlignCommand(gopts),
			newTranscriptConvertCommand(),
		},
	}
}
