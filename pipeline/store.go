package pipeline

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/podpipe/podpipe/config"
	"github.com/podpipe/podpipe/storage"
	"github.com/podpipe/podpipe/storage/local"
	"github.com/podpipe/podpipe/storage/s3"
)

// OpenStore opens the store that storage.url names: a local directory
// (relative to the config file) or s3://bucket/prefix.
func OpenStore(ctx context.Context, cfg *config.Config) (storage.Store, error) {
	if !strings.HasPrefix(cfg.Storage.URL, "s3://") {
		return local.New(cfg.LocalStorageDir())
	}
	u, err := url.Parse(cfg.Storage.URL)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("%s: storage.url: want s3://bucket/prefix, got %q", cfg.File, cfg.Storage.URL)
	}
	return s3.New(ctx, s3.Options{
		Bucket:    u.Host,
		Prefix:    strings.Trim(u.Path, "/"),
		Endpoint:  cfg.Storage.Endpoint,
		Region:    cfg.Storage.Region,
		PathStyle: cfg.Storage.PathStyle,
		ACL:       cfg.Storage.ACL,
	})
}
