package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/pipeline"
)

// completeEpisodes makes every command that takes an EPISODE complete the
// slugs in the show's episodes folder, and its flags after a "-" as the
// library does. The shell filters them by what has been typed.
func completeEpisodes(c *cli.Command, gopts *globalOptions) {
	if strings.Contains(c.ArgsUsage, "EPISODE") {
		c.ShellComplete = func(ctx context.Context, cmd *cli.Command) {
			episodeCompletions(ctx, cmd, gopts)
		}
	}
	for _, sub := range c.Commands {
		completeEpisodes(sub, gopts)
	}
}

func episodeCompletions(ctx context.Context, cmd *cli.Command, gopts *globalOptions) {
	args := cmd.Args().Slice()
	if n := len(args); n > 0 && strings.HasPrefix(args[n-1], "-") {
		cli.DefaultCompleteWithFlags(ctx, cmd)
		return
	}
	// Only publish episode takes more than one.
	if len(args) > 0 && !strings.HasSuffix(cmd.ArgsUsage, "...") {
		return
	}
	// A show that does not load completes nothing: completion must not
	// print errors into the user's command line.
	cfg, err := config.Load(gopts.config)
	if err != nil {
		return
	}
	srcs, err := pipeline.ListEpisodes(cfg)
	if err != nil {
		return
	}
	for _, s := range srcs {
		if !slices.Contains(args, s.Slug) {
			fmt.Fprintln(cmd.Root().Writer, s.Slug)
		}
	}
}
