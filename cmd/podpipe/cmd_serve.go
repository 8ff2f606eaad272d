package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/urfave/cli/v3"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/serve"
)

type serveOptions struct {
	addr string // --addr
	dir  string // --dir; default: the config's storage directory
}

func newServeCommand(gopts *globalOptions) *cli.Command {
	var opts serveOptions
	return &cli.Command{
		Name:  "serve",
		Usage: "serve the local published directory over HTTP for a browser or a podcast app",
		UsageText: `podpipe serve                            # the config's storage directory on 127.0.0.1:8080
podpipe serve --addr 0.0.0.0:8080        # reachable from phones on the LAN
podpipe serve --dir public --addr :9000`,
		Description: `Serves the directory podpipe publishes to (storage.url when it is a local
directory, resolved against the config file; or --dir) until interrupted.
Each file goes out with the Content-Type and Cache-Control it was published
with, answers HEAD and byte-range requests (podcast apps seek with them) and
carries Access-Control-Allow-Origin: * so web players can fetch it.
podpipe's own hidden .podpipe folder is never served.

To subscribe from a phone on the LAN, publish with base_url set to this
machine's address (e.g. PODPIPE_BASE_URL=http://192.168.1.20:8080/) and serve
with --addr 0.0.0.0:8080.`,
		Flags: []cli.Flag{
			&cli.StringFlag{
				Name:        "addr",
				Value:       "127.0.0.1:8080",
				Usage:       "listen on `HOST:PORT`",
				Sources:     cli.EnvVars("PODPIPE_ADDR"),
				Destination: &opts.addr,
			},
			&cli.StringFlag{
				Name:        "dir",
				Usage:       "serve `DIR` instead of the config's storage directory",
				Sources:     cli.EnvVars("PODPIPE_DIR", "PODPIPE_SERVE_DIR"),
				Destination: &opts.dir,
			},
		},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
			defer stop()
			return runServe(ctx, opts, *gopts, cmd.Args().Slice(), cmd.Root().Writer)
		},
	}
}

// runServe serves opts.dir (or the config's local storage directory) on
// opts.addr until ctx is done, and says where on w.
func runServe(ctx context.Context, opts serveOptions, gopts globalOptions, args []string, w io.Writer) error {
	if len(args) > 0 {
		return usagef("serve: no arguments expected, got %q", args[0])
	}
	dir, addr := opts.dir, opts.addr
	feedKey := config.FeedKey
	var baseURL string // the config's publish.base_url, when there is a config
	if dir == "" {
		cfg, err := config.Load(gopts.config)
		if err != nil {
			return err
		}
		if dir = cfg.LocalStorageDir(); dir == "" {
			return fmt.Errorf("serve: storage.url is %s, not a local directory: serve it with --dir DIR", cfg.Storage.URL)
		}
		baseURL = cfg.Publish.BaseURL
	} else if cfg, err := config.Load(gopts.config); err == nil && sameDir(cfg.LocalStorageDir(), dir) {
		baseURL = cfg.Publish.BaseURL
	}
	if fi, err := os.Stat(dir); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("serve: %s does not exist: publish an episode first", dir)
		}
		return fmt.Errorf("serve: %w", err)
	} else if !fi.IsDir() {
		return fmt.Errorf("serve: %s is not a directory", dir)
	}

	l, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	srv := &http.Server{
		Handler:           serve.Handler(dir),
		ReadHeaderTimeout: 10 * time.Second,
		// No write timeout: a podcast app may take its time over an episode.
	}
	base := "http://" + l.Addr().String() + "/"
	fmt.Fprintf(w, "serving %s at %s\n", dir, base)
	// Before the feed's line, which a reader waits for.
	if baseURL != "" {
		if msg := baseURLMismatch(baseURL, l.Addr().String(), gopts.config); msg != "" {
			fmt.Fprint(w, msg)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err == nil {
		fmt.Fprintf(w, "home page: %s\n", base)
	}
	if _, err := os.Stat(filepath.Join(dir, feedKey)); err == nil {
		fmt.Fprintf(w, "feed: %s%s\n", base, feedKey)
	}

	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		srv.Close()
	}
	return nil
}

// sameDir reports whether a and b name the same folder.
func sameDir(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	fa, err1 := os.Stat(a)
	fb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(fa, fb)
}

// baseURLMismatch says, when the feed's URLs (under baseURL) do not lead to
// this server listening on addr, that podcast apps will not find the audio,
// and gives the command that republishes for this address; "" when they
// agree. A server on every interface (0.0.0.0, ::) matches any host on its
// port; one on loopback only matches a loopback base_url.
func baseURLMismatch(baseURL, addr, configPath string) string {
	u, err := url.Parse(baseURL)
	if err != nil || u.Host == "" {
		return ""
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	bport := u.Port()
	if bport == "" {
		bport = map[string]string{"http": "80", "https": "443"}[u.Scheme]
	}
	bhost := u.Hostname()
	agree := bport == port && u.Scheme == "http" && (u.Path == "" || u.Path == "/")
	if agree {
		ip := net.ParseIP(host)
		switch {
		case ip == nil || ip.IsUnspecified():
		case ip.IsLoopback():
			agree = bhost == "localhost" || isLoopback(bhost)
		default:
			agree = bhost == host
		}
	}
	if agree {
		return ""
	}
	// The URL to publish for: this server as a browser on this machine
	// reaches it, or as phones on the LAN do when it listens everywhere.
	pubHost := host
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		pubHost = "YOUR-LAN-IP"
	}
	fix := "http://" + net.JoinHostPort(pubHost, port) + "/"
	cfgFlag := ""
	if configPath != "" && configPath != config.FileName {
		cfgFlag = " --config " + configPath
	}
	return fmt.Sprintf("warning: the feed's episode URLs point at base_url %s, not at this server (%s): a podcast app will not find the audio.\n"+
		"  republish for this address:  PODPIPE_BASE_URL=%s podpipe%s publish show\n"+
		"  or set base_url = %q in [publish] of the config and publish again\n", baseURL, addr, fix, cfgFlag, fix)
}

func isLoopback(host string) bool {
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
