package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v3"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/pipeline"
)

var (
	dryRunFlag = &cli.BoolFlag{
		Name:    "dry-run",
		Usage:   "build and print the plan; write nothing",
		Sources: cli.EnvVars("PODPIPE_DRY_RUN"),
	}
	forceFlag = &cli.BoolFlag{
		Name:    "force",
		Usage:   "upload everything, even what is already published unchanged",
		Sources: cli.EnvVars("PODPIPE_FORCE"),
	}
	alignFlag = &cli.StringFlag{
		Name:    "align",
		Value:   "auto",
		Usage:   "how to time untimed transcripts: auto (best available), tts, pauses or none (proportional estimate)",
		Sources: cli.EnvVars("PODPIPE_ALIGN"),
		Validator: func(s string) error {
			switch s {
			case "auto", "tts", "pauses", "none":
				return nil
			}
			return usagef("--align: want auto, tts, pauses or none, got %q", s)
		},
	}
)

var publishCommand = &cli.Command{
	Name:  "publish",
	Usage: "publish episodes: build every file, upload what changed, update the feed",
	UsageText: "podpipe publish episode 01-some-slug\n" +
		"podpipe publish show",
	Commands: []*cli.Command{
		{
			Name:      "episode",
			Usage:     "publish one or more episodes",
			ArgsUsage: "EPISODE...",
			UsageText: "podpipe publish episode 01-some-slug\npodpipe publish episode --dry-run episodes/01-some-slug.md",
			Description: "EPISODE is a slug (the transcript's file name without .md) or a path.\n" +
				"Builds the tagged audio, the transcripts (vtt, srt, json, html, txt) and the\n" +
				"chapters JSON, uploads what changed, updates the manifest and uploads the\n" +
				"feed last. An unchanged episode uploads nothing.",
			Flags: []cli.Flag{dryRunFlag, forceFlag, alignFlag},
			Action: func(ctx context.Context, cmd *cli.Command) error {
				if cmd.NArg() == 0 {
					return usagef("publish episode: name at least one EPISODE")
				}
				return runPublish(ctx, cmd, cmd.Args().Slice())
			},
		},
		{
			Name:        "show",
			Usage:       "publish every episode in the episodes folder",
			UsageText:   "podpipe publish show\npodpipe --config shows/other/config.toml publish show --dry-run",
			Description: "Publishes every episodes/*.md with its audio, then the feed.",
			Flags:       []cli.Flag{dryRunFlag, forceFlag, alignFlag},
			Action: func(ctx context.Context, cmd *cli.Command) error {
				if cmd.NArg() != 0 {
					return usagef("publish show takes no arguments")
				}
				return runPublish(ctx, cmd, nil)
			},
		},
	},
}

var unpublishCommand = &cli.Command{
	Name:      "unpublish",
	Usage:     "remove an episode from the feed",
	UsageText: "podpipe unpublish episode 01-some-slug",
	Commands: []*cli.Command{{
		Name:      "episode",
		Usage:     "remove an episode from the feed; with --delete also its objects",
		ArgsUsage: "EPISODE",
		UsageText: "podpipe unpublish episode 01-some-slug\npodpipe unpublish episode --delete 01-some-slug",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "delete", Usage: "also delete the episode's published objects", Sources: cli.EnvVars("PODPIPE_DELETE")},
			dryRunFlag,
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.NArg() != 1 {
				return usagef("unpublish episode: name one EPISODE")
			}
			cfg, p, err := openPipeline(ctx, cmd)
			if err != nil {
				return err
			}
			res, err := p.Unpublish(ctx, cmd.Args().First(), cmd.Bool("delete"))
			if err != nil {
				return err
			}
			printResult(cfg, res)
			return nil
		},
	}},
}

var feedBuildCommand = &cli.Command{
	Name:      "build",
	Usage:     "rebuild the feed from the manifest and the config alone",
	UsageText: "podpipe feed build",
	Description: "Use it after changing the show's part of config.toml: no episode is\n" +
		"rebuilt, only the feed.",
	Flags: []cli.Flag{dryRunFlag},
	Action: func(ctx context.Context, cmd *cli.Command) error {
		cfg, p, err := openPipeline(ctx, cmd)
		if err != nil {
			return err
		}
		res, err := p.BuildFeed(ctx)
		if err != nil {
			return err
		}
		printResult(cfg, res)
		return nil
	},
}

func init() {
	register(publishCommand)
	register(unpublishCommand)
	feedCommand.Commands = append(feedCommand.Commands, feedBuildCommand)
}

// loadConfig reads the config named by the root --config flag.
func loadConfig(cmd *cli.Command) (*config.Config, error) {
	return config.Load(cmd.Root().String("config"))
}

func openPipeline(ctx context.Context, cmd *cli.Command) (*config.Config, *pipeline.Pipeline, error) {
	cfg, err := loadConfig(cmd)
	if err != nil {
		return nil, nil, err
	}
	opt := pipeline.Options{Log: os.Stdout}
	for _, f := range cmd.Flags {
		switch f.Names()[0] {
		case "dry-run":
			opt.DryRun = cmd.Bool("dry-run")
		case "force":
			opt.Force = cmd.Bool("force")
		case "align":
			opt.Align = cmd.String("align")
		}
	}
	p, err := pipeline.New(ctx, cfg, opt)
	if err != nil {
		return nil, nil, err
	}
	return cfg, p, nil
}

func runPublish(ctx context.Context, cmd *cli.Command, episodes []string) error {
	cfg, p, err := openPipeline(ctx, cmd)
	if err != nil {
		return err
	}
	var res *pipeline.Result
	if episodes == nil {
		res, err = p.PublishAll(ctx)
	} else {
		res, err = p.Publish(ctx, episodes)
	}
	if err != nil {
		return err
	}
	printResult(cfg, res)
	return nil
}

func printResult(cfg *config.Config, res *pipeline.Result) {
	verb := ""
	if res.DryRun {
		verb = "would be "
	}
	fmt.Printf("%d %suploaded (%s), %d unchanged", len(res.Uploaded), verb, pipeline.FormatBytes(res.BytesUploaded), len(res.Skipped))
	if len(res.Deleted) > 0 {
		fmt.Printf(", %d %sdeleted", len(res.Deleted), verb)
	}
	fmt.Println()
	if dir := cfg.LocalStorageDir(); dir != "" {
		rel := dir
		if wd, err := os.Getwd(); err == nil {
			if r, err := filepath.Rel(wd, dir); err == nil {
				rel = r
			}
		}
		fmt.Printf("feed: %s (file %s; `podpipe serve` serves it)\n", res.FeedURL, filepath.Join(rel, config.FeedKey))
		return
	}
	fmt.Printf("feed: %s\n", res.FeedURL)
}
