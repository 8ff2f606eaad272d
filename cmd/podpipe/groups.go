package main

import "github.com/urfave/cli/v3"

// The command groups. Each cmd_*.go file appends its subcommands to a group
// from init (package-level variables are set before any init runs).
var (
	transcriptCommand = &cli.Command{
		Name:  "transcript",
		Usage: "convert and align transcripts",
		UsageText: "podpipe transcript convert --to vtt episodes/01-x.md --audio episodes/01-x.mp3 -o 01-x.vtt\n" +
			"podpipe transcript align episodes/01-x.md",
	}
	chaptersCommand = &cli.Command{
		Name:  "chapters",
		Usage: "show and regenerate an episode's chapters",
		UsageText: "podpipe chapters show 02-kubernetes-cost\n" +
			"podpipe chapters regenerate 02-kubernetes-cost",
	}
	feedCommand = &cli.Command{
		Name:  "feed",
		Usage: "build and validate the RSS feed",
		UsageText: "podpipe feed build\n" +
			"podpipe feed validate https://example.org/feed.xml",
	}
)

func init() {
	register(transcriptCommand)
	register(chaptersCommand)
	register(feedCommand)
}
