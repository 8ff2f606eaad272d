package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"

	"github.com/urfave/cli/v3"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/pipeline"
)

// pipelineOptions holds the flags of the commands that run the pipeline;
// a command without one of the flags leaves its field at the zero value,
// the pipeline's default.
type pipelineOptions struct {
	dryRun bool
	force  bool
	align  string
	jobs   int
	shard  string // publish show only: "K/N"
}

func newJobsFlag(dst *int) cli.Flag {
	return &cli.IntFlag{
		Name:    "jobs",
		Aliases: []string{"j"},
		Value:   runtime.NumCPU(),
		Usage:   "build `N` episodes at once (upload, manifest and feed stay one at a time, last)",
		Sources: cli.EnvVars("PODPIPE_JOBS"),
		Validator: func(n int) error {
			if n < 1 {
				return usagef("--jobs: want at least 1, got %d", n)
			}
			return nil
		},
		Destination: dst,
	}
}

func newShardFlag(dst *string) cli.Flag {
	return &cli.StringFlag{
		Name:    "shard",
		Usage:   "publish only share `K/N` of the episodes, for N machines publishing the show into one store at once",
		Sources: cli.EnvVars("PODPIPE_SHARD"),
		Validator: func(s string) error {
			if _, err := pipeline.ParseShard(s); err != nil {
				return usagef("--shard: %v", err)
			}
			return nil
		},
		Destination: dst,
	}
}

func newDryRunFlag(dst *bool) cli.Flag {
	return &cli.BoolFlag{
		Name:        "dry-run",
		Usage:       "build and print the plan; write nothing",
		Sources:     cli.EnvVars("PODPIPE_DRY_RUN"),
		Destination: dst,
	}
}

func newForceFlag(dst *bool) cli.Flag {
	return &cli.BoolFlag{
		Name:        "force",
		Usage:       "upload everything, even what is already published unchanged",
		Sources:     cli.EnvVars("PODPIPE_FORCE"),
		Destination: dst,
	}
}

func newAlignFlag(dst *string) cli.Flag {
	return &cli.StringFlag{
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
		Destination: dst,
	}
}

func newPublishCommand(gopts *globalOptions) *cli.Command {
	return &cli.Command{
		Name:  "publish",
		Usage: "publish episodes: build every file, upload what changed, update the feed",
		UsageText: "podpipe publish episode 01-some-slug\n" +
			"podpipe publish show",
		Commands: []*cli.Command{
			newPublishEpisodeCommand(gopts),
			newPublishShowCommand(gopts),
		},
	}
}

func newPublishEpisodeCommand(gopts *globalOptions) *cli.Command {
	var opts pipelineOptions
	return &cli.Command{
		Name:      "episode",
		Usage:     "publish one or more episodes",
		ArgsUsage: "EPISODE...",
		UsageText: "podpipe publish episode 01-some-slug\npodpipe publish episode --dry-run episodes/01-some-slug.md",
		Description: "EPISODE is a slug (the transcript's file name without .md) or a path.\n" +
			"Builds the tagged audio, the transcripts (vtt, srt, json, html, txt) and the\n" +
			"chapters JSON, uploads what changed, updates the manifest and uploads the\n" +
			"feed last. An unchanged episode uploads nothing.",
		Flags: []cli.Flag{newDryRunFlag(&opts.dryRun), newForceFlag(&opts.force), newAlignFlag(&opts.align), newJobsFlag(&opts.jobs)},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runPublishEpisode(ctx, opts, *gopts, cmd.Args().Slice(), cmd.Root().Writer)
		},
	}
}

// runPublishEpisode publishes the episodes named in args.
func runPublishEpisode(ctx context.Context, opts pipelineOptions, gopts globalOptions, args []string, out io.Writer) error {
	if len(args) == 0 {
		return usagef("publish episode: name at least one EPISODE")
	}
	return publish(ctx, opts, gopts, args, out)
}

func newPublishShowCommand(gopts *globalOptions) *cli.Command {
	var opts pipelineOptions
	return &cli.Command{
		Name:      "show",
		Usage:     "publish every episode in the episodes folder",
		UsageText: "podpipe publish show\npodpipe --config shows/other/config.toml publish show --dry-run",
		Description: "Publishes every episodes/*.md with its audio, then the feed. Episodes are built\n" +
			"--jobs at a time, each one's lines printed together once it is built.\n" +
			"With --shard K/N, N machines publish one show into the same store at once,\n" +
			"each building its share (the episodes whose slug hashes to K); the\n" +
			"manifest's conditional writes merge the shares and the feed ends with\n" +
			"every episode.",
		Flags: []cli.Flag{newDryRunFlag(&opts.dryRun), newForceFlag(&opts.force), newAlignFlag(&opts.align), newJobsFlag(&opts.jobs), newShardFlag(&opts.shard)},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runPublishShow(ctx, opts, *gopts, cmd.Args().Slice(), cmd.Root().Writer)
		},
	}
}

// runPublishShow publishes every episode of the show.
func runPublishShow(ctx context.Context, opts pipelineOptions, gopts globalOptions, args []string, out io.Writer) error {
	if len(args) != 0 {
		return usagef("publish show takes no arguments")
	}
	return publish(ctx, opts, gopts, nil, out)
}

// openPipeline loads the show's config and opens its pipeline, which logs
// its steps to out (as --quiet and --verbose say) and the progress of long
// work to stderr.
func openPipeline(ctx context.Context, opts pipelineOptions, gopts globalOptions, out io.Writer) (*config.Config, *pipeline.Pipeline, error) {
	var shard pipeline.Shard
	if opts.shard != "" {
		s, err := pipeline.ParseShard(opts.shard)
		if err != nil {
			return nil, nil, usagef("--shard: %v", err)
		}
		shard = s
	}
	cfg, err := config.Load(gopts.config)
	if err != nil {
		return nil, nil, err
	}
	p, err := pipeline.New(ctx, cfg, pipeline.Options{
		Log:      logWriter(out, gopts),
		DryRun:   opts.dryRun,
		Force:    opts.force,
		Align:    opts.align,
		Jobs:     opts.jobs,
		Shard:    shard,
		Progress: gopts.progress.reporter(),
	})
	if err != nil {
		return nil, nil, err
	}
	return cfg, p, nil
}

// publish publishes the named episodes, or every episode when episodes is
// nil, and prints the summary to out.
func publish(ctx context.Context, opts pipelineOptions, gopts globalOptions, episodes []string, out io.Writer) error {
	cfg, p, err := openPipeline(ctx, opts, gopts, out)
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
	printResult(out, cfg, res)
	return nil
}

func printResult(out io.Writer, cfg *config.Config, res *pipeline.Result) {
	verb := ""
	if res.DryRun {
		verb = "would be "
	}
	fmt.Fprintf(out, "%d %suploaded (%s), %d unchanged", len(res.Uploaded), verb, pipeline.FormatBytes(res.BytesUploaded), len(res.Skipped))
	if len(res.Deleted) > 0 {
		fmt.Fprintf(out, ", %d %sdeleted", len(res.Deleted), verb)
	}
	if len(res.Removed) > 0 {
		fmt.Fprintf(out, ", %d left by interrupted runs %sremoved", len(res.Removed), verb)
	}
	fmt.Fprintln(out)
	if dir := cfg.LocalStorageDir(); dir != "" {
		rel := dir
		if wd, err := os.Getwd(); err == nil {
			if r, err := filepath.Rel(wd, dir); err == nil {
				rel = r
			}
		}
		fmt.Fprintf(out, "feed: %s (file %s; `podpipe serve` serves it)\n", res.FeedURL, filepath.Join(rel, config.FeedKey))
		return
	}
	fmt.Fprintf(out, "feed: %s\n", res.FeedURL)
}
