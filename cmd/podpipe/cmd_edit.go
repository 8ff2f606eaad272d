package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/podpipe/podpipe/editor"
)

type editOptions struct {
	pipelineOptions        // --align, for the transcript shown and for regenerate
	addr            string // --addr; a loopback address only
	open            bool   // --open: start the system's browser on the page
}

func newEditCommand(gopts *globalOptions) *cli.Command {
	var opts editOptions
	return &cli.Command{
		Name:      "edit",
		Usage:     "edit an episode's chapters in the browser, over its waveform and timed transcript",
		ArgsUsage: "EPISODE",
		UsageText: "podpipe edit 02-kubernetes-cost\n" +
			"podpipe edit --open --align none episodes/01-p99-observability.md",
		Description: `Times the episode's transcript, then serves a page on 127.0.0.1 until
interrupted, and prints its address. The page plays the audio over its
waveform, lists the timed transcript and shows the chapters as markers: add
one at the playhead or at a turn, drag it, rename it, delete it, hear a few
seconds around it. Save writes EPISODE.chapters.txt beside the transcript
(that file only, atomically); Regenerate then runs podpipe chapters
regenerate EPISODE.

The address holds a token for this session: the page sends it with every
request, and requests from other pages or origins are refused.`,
		Flags: []cli.Flag{
			&cli.StringFlag{
				Name:        "addr",
				Value:       "127.0.0.1:0",
				Usage:       "listen on `HOST:PORT`, a loopback address (port 0: any free port)",
				Sources:     cli.EnvVars("PODPIPE_ADDR", "PODPIPE_EDIT_ADDR"),
				Destination: &opts.addr,
			},
			&cli.BoolFlag{
				Name:        "open",
				Usage:       "open the page in the system's browser",
				Sources:     cli.EnvVars("PODPIPE_OPEN", "PODPIPE_EDIT_OPEN"),
				Destination: &opts.open,
			},
			newAlignFlag(&opts.align),
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runEdit(ctx, opts, *gopts, cmd.Args().Slice(), cmd.Root().Writer)
		},
	}
}

// runEdit serves the chapter editor of the episode args names until ctx is
// done; it prints the page's address to out, and the log of every
// regenerate the page runs.
func runEdit(ctx context.Context, opts editOptions, gopts globalOptions, args []string, out io.Writer) error {
	if len(args) != 1 {
		return usagef("edit: name one EPISODE")
	}
	if err := checkLoopback(opts.addr); err != nil {
		return err
	}
	_, p, err := openPipeline(ctx, opts.pipelineOptions, gopts, out)
	if err != nil {
		return err
	}
	ed, err := p.Edit(ctx, args[0])
	if err != nil {
		return err
	}
	for _, w := range ed.Warnings {
		fmt.Fprintln(out, "warning:", w)
	}
	regenerate := func(ctx context.Context, log io.Writer) error {
		// The page's button runs the command itself, logging to the
		// terminal as well as to the page.
		return runChaptersRegenerate(ctx, opts.pipelineOptions, gopts, []string{args[0]}, io.MultiWriter(out, log))
	}
	h, err := editor.New(ed, editor.Options{Regenerate: regenerate})
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", opts.addr)
	if err != nil {
		return fmt.Errorf("edit: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	pageURL := "http://" + l.Addr().String() + h.Path()
	fmt.Fprintf(out, "editing %s (%d chapters from %s, timing: %s); Save writes %s\n", ed.Slug, len(ed.Chapters), ed.ChaptersSource, ed.Timing, displayRel(ed.ChaptersFile))
	fmt.Fprintf(out, "open %s\n", pageURL)
	if opts.open {
		if err := openBrowser(pageURL); err != nil {
			fmt.Fprintf(out, "warning: could not open a browser (%v): open the address above\n", err)
		}
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return fmt.Errorf("edit: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close()
	}
	return nil
}

// checkLoopback refuses an --addr other machines could reach: the editor
// writes the show's files for whoever holds its token.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("edit: --addr %q: %v", addr, err)
	}
	if strings.EqualFold(host, "localhost") {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return usagef("edit: --addr %q: the editor listens on a loopback address only (127.0.0.1, [::1] or localhost)", addr)
}

// openBrowser asks the system to open u.
func openBrowser(u string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", u)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", u)
	default:
		cmd = exec.Command("xdg-open", u)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go cmd.Wait()
	return nil
}

// displayRel shortens a path for the terminal: relative to the working
// directory when it is below it.
func displayRel(p string) string {
	if wd, err := os.Getwd(); err == nil {
		if r, err := filepath.Rel(wd, p); err == nil && !strings.HasPrefix(r, "..") {
			return r
		}
	}
	return p
}
