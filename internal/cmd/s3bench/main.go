// Command s3bench uploads one file with podpipe's S3 store and prints the
// time it took, for scripts/bench-s3.sh to compare with `aws s3 cp`.
// Credentials come from the AWS standard chain, as in podpipe.
//
//	s3bench -endpoint http://127.0.0.1:7070 -bucket bench -file /tmp/500M.bin
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/podpipe/podpipe/storage"
	"github.com/podpipe/podpipe/storage/s3"
)

func main() {
	endpoint := flag.String("endpoint", "", "S3 endpoint URL")
	bucket := flag.String("bucket", "", "bucket")
	file := flag.String("file", "", "file to upload")
	key := flag.String("key", "", "object key (default: the file's name)")
	partSize := flag.Int64("part-size", 0, "multipart part size in bytes (default: the store's)")
	concurrency := flag.Int("concurrency", 0, "parts in flight (default: the store's)")
	flag.Parse()
	if err := run(*endpoint, *bucket, *file, *key, *partSize, *concurrency); err != nil {
		fmt.Fprintln(os.Stderr, "s3bench:", err)
		os.Exit(1)
	}
}

func run(endpoint, bucket, file, key string, partSize int64, concurrency int) error {
	if bucket == "" || file == "" {
		return fmt.Errorf("-bucket and -file are required")
	}
	if key == "" {
		key = filepath.Base(file)
	}
	ctx := context.Background()
	st, err := s3.New(ctx, s3.Options{
		Bucket: bucket, Endpoint: endpoint, PathStyle: true,
		PartSize: partSize, Concurrency: concurrency,
	})
	if err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	start := time.Now()
	info, err := st.Put(ctx, key, f, fi.Size(), storage.PutOptions{ContentType: storage.ContentTypeFor(key)})
	if err != nil {
		return err
	}
	d := time.Since(start)
	fmt.Printf("uploaded %d bytes to %s/%s in %.2f s: %.1f MB/s\n", info.Size, st, key, d.Seconds(), float64(info.Size)/1e6/d.Seconds())
	return nil
}
