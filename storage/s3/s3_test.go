package s3

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/podpipe/podpipe/internal/s3test"
	"github.com/podpipe/podpipe/storage"
	"github.com/podpipe/podpipe/storage/storagetest"
)

// TestStore runs the shared suite against versitygw. Each subtest gets a
// fresh prefix in the one bucket, which also checks that prefixes keep
// stores apart.
func TestStore(t *testing.T) {
	endpoint, bucket := s3test.Start(t)
	n := 0
	storagetest.Run(t, func(t *testing.T) storage.Store {
		n++
		st, err := New(context.Background(), Options{
			Bucket:    bucket,
			Prefix:    fmt.Sprintf("shows/%d", n),
			Endpoint:  endpoint,
			Region:    s3test.Region,
			PathStyle: true,
			PartSize:  minPartSize, // so that the suite's objects take several parts
		})
		if err != nil {
			t.Fatal(err)
		}
		return st
	})
}

// TestNoPrefix checks the store at the bucket's root, with the ACL set.
func TestNoPrefix(t *testing.T) {
	endpoint, bucket := s3test.Start(t)
	ctx := context.Background()
	st, err := New(ctx, Options{Bucket: bucket, Endpoint: endpoint, PathStyle: true, ACL: "private"})
	if err != nil {
		t.Fatal(err)
	}
	if got := st.String(); got != "s3://"+bucket {
		t.Errorf("String() = %q", got)
	}
	if _, err := st.Put(ctx, "feed.xml", strings.NewReader("<rss/>"), 6, storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	info, err := st.Stat(ctx, "feed.xml")
	if err != nil {
		t.Fatal(err)
	}
	// Without a Content-Type in the options the key's extension decides.
	if info.ContentType != "application/rss+xml" || info.Size != 6 {
		t.Errorf("Stat = %+v", info)
	}
}

// TestOpenErrors checks that New reports a missing bucket, wrong
// credentials and an unreachable endpoint in one line that names the
// store and contains no secret.
func TestOpenErrors(t *testing.T) {
	endpoint, bucket := s3test.Start(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	l.Close()

	tests := []struct {
		name    string
		opts    Options
		env     map[string]string
		want    error
		message string
	}{
		{"no bucket", Options{Bucket: "no-such-bucket", Endpoint: endpoint}, nil, ErrNoBucket, "s3://no-such-bucket at " + endpoint},
		{"wrong secret", Options{Bucket: bucket, Endpoint: endpoint}, map[string]string{"AWS_SECRET_ACCESS_KEY": "wrong-secret-value"}, ErrAccessDenied, "s3://" + bucket},
		{"unknown key", Options{Bucket: bucket, Endpoint: endpoint}, map[string]string{"AWS_ACCESS_KEY_ID": "unknown-key-id"}, ErrAccessDenied, "s3://" + bucket},
		{"no credentials", Options{Bucket: bucket, Endpoint: endpoint}, map[string]string{"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": ""}, ErrNoCredentials, "AWS_ACCESS_KEY_ID"},
		{"unreachable", Options{Bucket: bucket, Endpoint: closed}, nil, ErrUnreachable, closed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			tt.opts.PathStyle = true
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			start := time.Now()
			_, err := New(ctx, tt.opts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("New: %v, want %v", err, tt.want)
			}
			msg := err.Error()
			t.Logf("%s in %v", msg, time.Since(start).Round(time.Millisecond))
			if strings.Contains(msg, "\\n") || !strings.Contains(msg, tt.message) {
				t.Errorf("message %q is not one line naming %q", msg, tt.message)
			}
			for _, secret := range []string{s3test.SecretKey, "wrong-secret-value", s3test.AccessKey} {
				if strings.Contains(msg, secret) {
					t.Errorf("message %q contains a credential", msg)
				}
			}
		})
	}
}
