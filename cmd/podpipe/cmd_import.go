package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/importer"
)

type importOptions struct {
	download bool
}

func newImportCommand(gopts *globalOptions) *cli.Command {
	var o importOptions
	return &cli.Command{
		Name:      "import",
		Usage:     "start from a show another host published: its feed becomes config.toml and episodes",
		ArgsUsage: "FEED [DIR]",
		UsageText: "podpipe import https://host.example/feed.xml my-show --download",
		Description: `Reads the feed (a URL or a file) and writes, in DIR (default: the current
folder, created when missing), config.toml with the show's podcast:guid, the cover, and for
each item episodes/<date>-<title>.md with its title, date, guid, numbering
and show notes, the transcript the feed links (as speaker turns) and its
chapters (<slug>.chapters.json). After publish show, the new feed lists the
same guids and dates, so no app sees the episodes as new. --download also
fetches each episode's audio beside it, which publish needs. No file that
is already there is overwritten: an import that stopped half-way (before
it wrote config.toml) goes on where it stopped when run again.`,
		Flags: []cli.Flag{
			&cli.BoolFlag{
				Name:        "download",
				Usage:       "fetch every episode's audio beside its source",
				Sources:     cli.EnvVars("PODPIPE_DOWNLOAD"),
				Destination: &o.download,
			},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			return runImport(ctx, o, *gopts, cmd.Args().Slice(), cmd.Root().Writer)
		},
	}
}

// runImport imports the show of the feed args[0] into args[1] (or the
// current folder) and says what is left to do on out.
func runImport(ctx context.Context, o importOptions, gopts globalOptions, args []string, out io.Writer) error {
	if len(args) < 1 || len(args) > 2 {
		return usagef("import: give one feed, a URL or a file, and optionally the new show's folder")
	}
	dir := "."
	if len(args) == 2 {
		dir = args[1]
	} else if p, ok := config.Find("."); ok {
		// Inside a show already (its episodes folder, say): a second
		// show there is never what was meant.
		return fmt.Errorf("import: this folder is inside the show of %s; give the new show's folder: podpipe import FEED DIR", p)
	}
	res, err := importer.Import(ctx, args[0], importer.Options{Dir: dir, Download: o.download, Log: out})
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	fmt.Fprintf(out, "imported %d episodes (%d transcripts, %d chapter lists", res.Episodes, res.Transcripts, res.Chapters)
	if o.download {
		fmt.Fprintf(out, ", %d audio files", res.Downloaded)
	}
	if res.Kept > 0 {
		fmt.Fprintf(out, "; %d sources kept as they were", res.Kept)
	}
	fmt.Fprintln(out, ")")
	for _, w := range res.Warnings {
		fmt.Fprintf(out, "warning: %s\n", w)
	}
	ready := true
	if len(res.NoTranscript) > len(res.NoNotes) {
		fmt.Fprintf(out, "%d episodes have no transcript (their feed linked none): publish publishes them with their show notes only\n",
			len(res.NoTranscript)-len(res.NoNotes))
	}
	if len(res.NoNotes) > 0 {
		ready = false
		fmt.Fprintf(out, "publish needs a transcript (**Name:** turns) or show notes in %d episodes whose feed gave neither (%s): write them in, or import their transcripts with podpipe transcript convert\n",
			len(res.NoNotes), strings.Join(first(res.NoNotes, 3), ", "))
	}
	if len(res.Missing) > 0 {
		ready = false
		fmt.Fprintf(out, "publish needs the audio of %d episodes beside their sources (%s): run import with --download, or put each <slug>.mp3 there\n",
			len(res.Missing), strings.Join(first(res.Missing, 3), ", "))
	}
	if !ready {
		return nil
	}
	fmt.Fprintln(out, "next: set publish.base_url in config.toml, then podpipe publish show")
	return nil
}

func first(s []string, n int) []string {
	if len(s) <= n {
		return s
	}
	return append(append([]string(nil), s[:n]...), "…")
}
