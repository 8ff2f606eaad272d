package main

import "github.com/urfave/cli/v3"

// The command groups. Each cmd_*.go file appends its subcommands to a group
// from init (package-level variables are set before any init runs).
var (
	transcriptCommand = &cli.Command{
		Name:  "transcript",
		Usage: "convert and align transcripts",
	}
	chaptersCommand = &cli.Command{
		Name:  "chapters",
		Usage: "show and regenerate an episode's chapters",
	}
	feedCommand = &cli.Command{
		Name:  "feed",
		Usage: "build and validate the RSS feed",
	}
)

func init() {
	register(transcriptCommand)
	register(chaptersCommand)
	register(feedCommand)
}
