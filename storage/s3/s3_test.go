package s3

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/podpipe/podpipe/internal/faultproxy"
	"github.com/podpipe/podpipe/internal/hostile"
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

// TestACL checks that the canned ACL is sent with every object when
// configured, and no ACL header at all when not. versitygw does not answer
// GetObjectAcl, so the test watches the requests on their way to it.
func TestACL(t *testing.T) {
	endpoint, bucket := s3test.Start(t)
	ctx := context.Background()
	for _, acl := range []string{"public-read", ""} {
		st, err := New(ctx, Options{Bucket: bucket, Prefix: "acl" + acl, Endpoint: endpoint, PathStyle: true, ACL: acl})
		if err != nil {
			t.Fatal(err)
		}
		rec := &aclRecorder{}
		st.client = awss3.New(st.client.Options(), func(o *awss3.Options) {
			o.HTTPClient = &http.Client{Transport: rec}
		})
		for _, size := range []int64{6, 6 << 20} { // one PutObject, a multipart upload
			key := fmt.Sprintf("%d.mp3", size)
			if _, err := st.Put(ctx, key, strings.NewReader(strings.Repeat("x", int(size))), size, storage.PutOptions{}); err != nil {
				t.Fatal(err)
			}
		}
		want := []string{acl, acl} // the PutObject, the CreateMultipartUpload
		if got := rec.creates(); !reflect.DeepEqual(got, want) {
			t.Errorf("ACL %q: x-amz-acl on the object-creating requests = %q, want %q", acl, got, want)
		}
	}
}

// aclRecorder passes requests on to the server and keeps the x-amz-acl
// header of those that create an object.
type aclRecorder struct {
	mu   sync.Mutex
	acls []string
}

func (a *aclRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	q := r.URL.Query()
	creates := (r.Method == http.MethodPut && !q.Has("partNumber")) || (r.Method == http.MethodPost && q.Has("uploads"))
	if creates {
		a.mu.Lock()
		a.acls = append(a.acls, r.Header.Get("X-Amz-Acl"))
		a.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(r)
}

func (a *aclRecorder) creates() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.acls
}

// TestAbort checks that a multipart upload whose content fails midway is
// aborted: no object, and no parts left behind on the server.
func TestAbort(t *testing.T) {
	endpoint, bucket := s3test.Start(t)
	ctx := context.Background()
	st, err := New(ctx, Options{Bucket: bucket, Endpoint: endpoint, PathStyle: true, PartSize: minPartSize})
	if err != nil {
		t.Fatal(err)
	}
	short := io.LimitReader(zeros{}, 7<<20)
	if _, err := st.Put(ctx, "broken.mp3", short, 12<<20, storage.PutOptions{}); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("Put of 7 MiB said to be 12: %v, want io.ErrUnexpectedEOF", err)
	}
	if _, err := st.Stat(ctx, "broken.mp3"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Stat after the failed Put: %v", err)
	}
	out, err := st.client.ListMultipartUploads(ctx, &awss3.ListMultipartUploadsInput{Bucket: &st.bucket})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Uploads) != 0 {
		t.Errorf("%d multipart uploads left behind", len(out.Uploads))
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// BenchmarkPutFile uploads a 64 MiB file from disk to versitygw; the
// 500 MB comparison with the aws CLI is scripts/bench-s3.sh.
func BenchmarkPutFile(b *testing.B) {
	endpoint, bucket := s3test.Start(b)
	ctx := context.Background()
	st, err := New(ctx, Options{Bucket: bucket, Endpoint: endpoint, PathStyle: true})
	if err != nil {
		b.Fatal(err)
	}
	const size = 64 << 20
	name := filepath.Join(b.TempDir(), "bench.mp3")
	if err := os.WriteFile(name, bytes.Repeat([]byte("podpipe!"), size/8), 0o644); err != nil {
		b.Fatal(err)
	}
	f, err := os.Open(name)
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			b.Fatal(err)
		}
		if _, err := st.Put(ctx, "bench.mp3", f, size, storage.PutOptions{ContentType: "audio/mpeg"}); err != nil {
			b.Fatal(err)
		}
	}
}

func TestCheckKey(t *testing.T) {
	tests := []struct {
		key string
		ok  bool
	}{
		{"feed.xml", true},
		{"episodes/01-hello/audio.3f2a.mp3", true},
		{"a/.../b", true},
		{"", false},
		{"/feed.xml", false},
		{"a/", false},
		{"a//b", false},
		{".", false},
		{"a/../b", false},
		{"./a", false},
	}
	for _, tt := range tests {
		if err := checkKey(tt.key); (err == nil) != tt.ok {
			t.Errorf("checkKey(%q) = %v, want ok %v", tt.key, err, tt.ok)
		}
	}
}

// TestStreamMemory checks that a stream of unknown size, which cannot be
// read at offsets, is buffered a few parts at a time and not whole.
func TestStreamMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("uploads 64 MiB")
	}
	endpoint, bucket := s3test.Start(t)
	ctx := context.Background()
	st, err := New(ctx, Options{Bucket: bucket, Endpoint: endpoint, PathStyle: true, PartSize: minPartSize})
	if err != nil {
		t.Fatal(err)
	}
	const size = 64 << 20
	peak := storagetest.WatchHeap()
	info, err := st.Put(ctx, "stream.mp3", io.LimitReader(zeros{}, size), -1, storage.PutOptions{})
	grew := peak()
	if err != nil {
		t.Fatal(err)
	}
	if info.Size != size {
		t.Errorf("Size = %d, want %d", info.Size, size)
	}
	// Five 5 MiB buffers, and what the HTTP client and the signer allocate
	// and the collector has not yet reclaimed.
	t.Logf("heap grew by at most %d MiB while streaming %d MiB", grew>>20, size>>20)
	if limit := uint64(5*minPartSize + 16<<20); grew > limit {
		t.Errorf("heap grew by %d MiB streaming %d MiB; want at most %d MiB", grew>>20, size>>20, limit>>20)
	}
}

// TestSweeper: a multipart upload a killed writer never completed nor
// aborted is a leftover, and the sweep aborts it and nothing else.
func TestSweeper(t *testing.T) {
	endpoint, bucket := s3test.Start(t)
	ctx := context.Background()
	st, err := New(ctx, Options{Bucket: bucket, Prefix: "show", Endpoint: endpoint, PathStyle: true})
	if err != nil {
		t.Fatal(err)
	}
	storagetest.RunSweeper(t, st, func(t *testing.T, key string) {
		// What a multipart Put had done when it was killed: created the
		// upload and sent a part.
		up, err := st.client.CreateMultipartUpload(ctx, &awss3.CreateMultipartUploadInput{Bucket: &st.bucket, Key: aws.String(st.prefix + key)})
		if err != nil {
			t.Fatal(err)
		}
		part := bytes.Repeat([]byte("x"), minPartSize)
		_, err = st.client.UploadPart(ctx, &awss3.UploadPartInput{Bucket: &st.bucket, Key: aws.String(st.prefix + key), UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: bytes.NewReader(part)})
		if err != nil {
			t.Fatal(err)
		}
	})
}

// TestHostileEndpoint checks that New gives up on a broken or hostile
// endpoint in bounded time and memory, in one line that names the store
// and no credential: one that sends a listing without end, one that
// accepts the connection and never answers, one that trickles a byte at a
// time, one that stops in the middle.
func TestHostileEndpoint(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "hostile-test-key-id")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "hostile-test-secret")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	// Each case shortens only the limit it tests: the others keep their
	// defaults, so that a server answering late on a loaded machine (the
	// race detector, a busy CI) is not taken for the fault tested.
	tests := []struct {
		mode     hostile.Mode
		timeouts Timeouts
		want     error
		message  string
		within   time.Duration
	}{
		// Read up to the cap, not for ever (3.5 GB and more before). The
		// bound is on the size read; the time is a guard against a hang
		// (reading 8 MiB of XML takes a minute and more under the race
		// detector on a loaded machine).
		{hostile.Endless, Timeouts{}, ErrBadAnswer, "larger than 8 MiB", 5 * time.Minute},
		// Given up after FirstByte, tried once (6 minutes before).
		{hostile.Silent, Timeouts{Connect: 10 * time.Second, FirstByte: 500 * time.Millisecond}, ErrUnreachable, "no answer for 500ms", 30 * time.Second},
		// A byte every 50 ms is progress: only the bound on an answer
		// read whole ends it.
		{hostile.Trickle, Timeouts{Idle: 3 * time.Second, Answer: 2 * time.Second}, ErrBadAnswer, "an answer still arriving after 2s", 30 * time.Second},
		// The first bytes come at once, then none: Idle ends it.
		{hostile.Stall, Timeouts{Idle: 500 * time.Millisecond}, ErrUnreachable, "no data for 500ms", 30 * time.Second},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode), func(t *testing.T) {
			srv, err := hostile.Start(tt.mode)
			if err != nil {
				t.Fatal(err)
			}
			defer srv.Close()
			ctx, cancel := context.WithTimeout(context.Background(), tt.within+time.Minute)
			defer cancel()
			start := time.Now()
			_, err = New(ctx, Options{Bucket: "shows", Endpoint: srv.URL, PathStyle: true, Timeouts: tt.timeouts})
			took := time.Since(start)
			if !errors.Is(err, tt.want) {
				t.Fatalf("New: %v, want %v", err, tt.want)
			}
			msg := err.Error()
			t.Logf("%s; in %v after %d bytes", msg, took.Round(time.Millisecond), srv.Sent())
			if !strings.Contains(msg, tt.message) || !strings.Contains(msg, "s3://shows at "+srv.URL) || strings.Contains(msg, "\n") {
				t.Errorf("message %q is not one line naming the store and %q", msg, tt.message)
			}
			if strings.Contains(msg, "hostile-test-secret") || strings.Contains(msg, "hostile-test-key-id") {
				t.Errorf("message %q contains a credential", msg)
			}
			if took > tt.within {
				t.Errorf("gave up after %v, want within %v", took, tt.within)
			}
			// The cap is on what is read: the kernel's buffers and the
			// client's may hold a few MiB more than it.
			if sent := srv.Sent(); sent > maxAnswer+16<<20 {
				t.Errorf("the server sent %d MiB before the client gave up, want about %d", sent>>20, maxAnswer>>20)
			}
		})
	}
}

// TestSlowUpload checks that the timeouts are on progress, not on the
// total: an upload through a link far slower than the idle timeout
// allows for the whole object still completes.
func TestSlowUpload(t *testing.T) {
	endpoint, bucket := s3test.Start(t)
	const rate = 2 << 20 // bytes per second
	slow := throttle(t, strings.TrimPrefix(endpoint, "http://"), rate)
	ctx := context.Background()
	st, err := New(ctx, Options{
		Bucket: bucket, Endpoint: "http://" + slow, PathStyle: true, PartSize: minPartSize, Concurrency: 2,
		// Idle is well above the proxy's 50 ms steps, so that a loaded
		// machine's scheduling delays are not taken for a stall; the
		// server's answers get seconds.
		Timeouts: Timeouts{Connect: 5 * time.Second, FirstByte: 10 * time.Second, Idle: time.Second, Answer: 10 * time.Second},
	})
	if err != nil {
		t.Fatal(err)
	}
	const size = 3 * minPartSize
	start := time.Now()
	info, err := st.Put(ctx, "slow.mp3", io.LimitReader(zeros{}, size), size, storage.PutOptions{})
	took := time.Since(start)
	if err != nil {
		t.Fatalf("Put through a slow link: %v", err)
	}
	t.Logf("%d MiB in %v", size>>20, took.Round(time.Millisecond))
	if info.Size != size {
		t.Errorf("Size = %d, want %d", info.Size, size)
	}
	// Two parts at a time, each at rate: the test is void if the upload
	// did not take many times the idle timeout.
	if took < 3*time.Second {
		t.Errorf("the upload took %v: the link was not slow", took)
	}
}

// throttle starts a TCP proxy to addr that passes each connection's
// requests on at rate bytes a second, with small buffers: a slow link.
func throttle(t *testing.T, addr string, rate int) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	t.Cleanup(func() { l.Close(); wg.Wait() })
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", addr)
			if err != nil {
				c.Close()
				continue
			}
			c.(*net.TCPConn).SetReadBuffer(64 << 10)
			wg.Add(2)
			go func() {
				defer wg.Done()
				defer s.Close()
				buf := make([]byte, rate/20)
				for {
					n, err := c.Read(buf)
					if n > 0 {
						if _, err := s.Write(buf[:n]); err != nil {
							return
						}
						time.Sleep(time.Duration(n) * time.Second / time.Duration(rate))
					}
					if err != nil {
						return
					}
				}
			}()
			go func() {
				defer wg.Done()
				defer c.Close()
				io.Copy(c, s)
			}()
		}
	}()
	return l.Addr().String()
}

// TestOpenErrorPlain checks that a failure below HTTP (here TLS to a
// server that speaks plain HTTP) is said in one short line, without the
// SDK's paragraph around it (operation, attempts, empty request IDs, the
// request's URL a second time).
func TestOpenErrorPlain(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "hostile-test-key-id")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "hostile-test-secret")
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONFIG_FILE", os.DevNull)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", os.DevNull)
	srv, err := hostile.Start(hostile.Endless)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	endpoint := "https://" + strings.TrimPrefix(srv.URL, "http://")
	_, err = New(context.Background(), Options{Bucket: "shows", Endpoint: endpoint, PathStyle: true})
	if err == nil {
		t.Fatal("New over TLS to a plain HTTP server succeeded")
	}
	want := "s3: open s3://shows at " + endpoint + ": http: server gave HTTP response to HTTPS client"
	if err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

// TestLostCreateAnswer: the answer to the CreateMultipartUpload of a
// large Put is lost (the connection reset once the server had begun the
// upload); the SDK tries again and the Put completes, and the upload the
// lost try began is aborted rather than left to be billed.
func TestLostCreateAnswer(t *testing.T) {
	endpoint, bucket := s3test.Start(t)
	ctx := context.Background()
	var mu sync.Mutex
	creates := 0
	proxy, err := faultproxy.Start(endpoint, faultproxy.Options{
		Share: 1, Faults: []faultproxy.Fault{faultproxy.ResetAnswer},
		Match: func(r *http.Request) bool {
			mu.Lock()
			defer mu.Unlock()
			if r.Method != http.MethodPost || !r.URL.Query().Has("uploads") {
				return false
			}
			creates++
			return creates == 1
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	st, err := New(ctx, Options{Bucket: bucket, Prefix: "lost", Endpoint: proxy.URL, PathStyle: true, PartSize: minPartSize, MaxBackoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	size := int64(minPartSize + 1<<20)
	if _, err := st.Put(ctx, "big.mp3", io.LimitReader(zeros{}, size), size, storage.PutOptions{}); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	n := creates
	mu.Unlock()
	if r := proxy.Injected()[faultproxy.ResetAnswer]; r != 1 || n != 2 {
		t.Fatalf("%d answers reset of %d creates; want the first of 2", r, n)
	}
	if info, err := st.Stat(ctx, "big.mp3"); err != nil || info.Size != size {
		t.Fatalf("stat: %+v, %v", info, err)
	}
	left, err := st.Leftovers(ctx, time.Now().Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 0 {
		t.Errorf("left behind: %+v", left)
	}
}

// TestRetriedErrorSays: a Put every try of which meets a 5xx fails with
// one line giving S3's code and saying it was tried again.
func TestRetriedErrorSays(t *testing.T) {
	endpoint, bucket := s3test.Start(t)
	ctx := context.Background()
	proxy, err := faultproxy.Start(endpoint, faultproxy.Options{
		Share: 1, Faults: []faultproxy.Fault{faultproxy.Status},
		Match: func(r *http.Request) bool { return r.Method == http.MethodPut },
	})
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	st, err := New(ctx, Options{Bucket: bucket, Endpoint: proxy.URL, PathStyle: true, MaxBackoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.Put(ctx, "feed.xml", strings.NewReader("<rss/>"), 6, storage.PutOptions{})
	if err == nil {
		t.Fatal("put succeeded through a proxy failing every put")
	}
	msg := err.Error()
	if !strings.Contains(msg, "feed.xml") || !strings.Contains(msg, "tried 3 times)") ||
		!strings.Contains(msg, "InternalError") && !strings.Contains(msg, "SlowDown") || strings.Contains(msg, "\n") {
		t.Errorf("err = %q", msg)
	}
	if n := proxy.Injected()[faultproxy.Status]; n != 3 {
		t.Errorf("%d puts failed, want 3 tries", n)
	}
}

// TestOpenRetriesQuickFailures: New tries the bucket again after a 5xx or
// a reset, which the next try may well not meet, and says how often it
// tried when every try fails.
func TestOpenRetriesQuickFailures(t *testing.T) {
	endpoint, bucket := s3test.Start(t)
	ctx := context.Background()
	for _, tt := range []struct {
		fault faultproxy.Fault
		every bool // every try fails, not only the first
	}{
		{faultproxy.Status, false},
		{faultproxy.ResetRequest, false},
		{faultproxy.Status, true},
	} {
		t.Run(fmt.Sprintf("%s/every=%v", tt.fault, tt.every), func(t *testing.T) {
			var mu sync.Mutex
			n := 0
			proxy, err := faultproxy.Start(endpoint, faultproxy.Options{
				Share: 1, Faults: []faultproxy.Fault{tt.fault},
				Match: func(*http.Request) bool {
					mu.Lock()
					defer mu.Unlock()
					n++
					return n == 1 || tt.every
				},
			})
			if err != nil {
				t.Fatal(err)
			}
			defer proxy.Close()
			_, err = New(ctx, Options{Bucket: bucket, Endpoint: proxy.URL, PathStyle: true, MaxBackoff: 10 * time.Millisecond})
			if !tt.every && err != nil {
				t.Errorf("New after one failed try: %v", err)
			}
			if tt.every && (err == nil || !strings.Contains(err.Error(), "tried 3 times)")) {
				t.Errorf("New = %v, want it to say it tried 3 times", err)
			}
		})
	}
}

// TestConditionalPutRace: another writer creates the object between the
// HEAD that finds it missing and the PutObject, and the connection of the
// PutObject breaks before its answer (as when a server refuses early and
// closes it on the body): the Put says the precondition failed, not that
// the endpoint is unreachable, and the other writer's object stays.
func TestConditionalPutRace(t *testing.T) {
	endpoint, bucket := s3test.Start(t)
	ctx := context.Background()
	direct, err := New(ctx, Options{Bucket: bucket, Prefix: "race", Endpoint: endpoint, PathStyle: true})
	if err != nil {
		t.Fatal(err)
	}
	theirs := []byte("the other writer's feed")
	var once sync.Once
	proxy, err := faultproxy.Start(endpoint, faultproxy.Options{
		Share: 1, Faults: []faultproxy.Fault{faultproxy.ResetRequest},
		Match: func(r *http.Request) bool { return r.Method == http.MethodPut },
		Hook: func(r *http.Request) {
			if r.Method != http.MethodPut {
				return
			}
			once.Do(func() {
				if _, err := direct.Put(ctx, "feed.xml", bytes.NewReader(theirs), int64(len(theirs)), storage.PutOptions{}); err != nil {
					t.Error(err)
				}
			})
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer proxy.Close()
	st, err := New(ctx, Options{Bucket: bucket, Prefix: "race", Endpoint: proxy.URL, PathStyle: true, MaxBackoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ours := bytes.Repeat([]byte("x"), 1<<20)
	_, err = st.Put(ctx, "feed.xml", bytes.NewReader(ours), int64(len(ours)), storage.PutOptions{IfNoneMatch: true})
	if !errors.Is(err, storage.ErrPreconditionFailed) {
		t.Fatalf("Put(IfNoneMatch) racing another writer: %v, want ErrPreconditionFailed", err)
	}
	if n := proxy.Injected()[faultproxy.ResetRequest]; n == 0 {
		t.Fatalf("no PutObject was reset: the test did not test the race")
	}
	rc, _, err := direct.Get(ctx, "feed.xml")
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(got, theirs) {
		t.Errorf("the object is %q, %v; want the other writer's", got, err)
	}

	// Without the race, a refused Put sends no body at all.
	before := proxy.Injected()[faultproxy.ResetRequest]
	_, err = st.Put(ctx, "feed.xml", bytes.NewReader(ours), int64(len(ours)), storage.PutOptions{IfNoneMatch: true})
	if !errors.Is(err, storage.ErrPreconditionFailed) {
		t.Fatalf("Put(IfNoneMatch) over an object: %v, want ErrPreconditionFailed", err)
	}
	if n := proxy.Injected()[faultproxy.ResetRequest]; n != before {
		t.Errorf("a Put refused up front still sent its body (%d more PUTs)", n-before)
	}
}

// readObject checks that key holds want, and returns its information.
func readObject(t *testing.T, st *Store, key string, want []byte) storage.ObjectInfo {
	t.Helper()
	rc, info, err := st.Get(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(rc)
	rc.Close()
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s: got %d bytes (%v), not what was put", key, len(got), err)
	}
	return info
}

// TestPartSums checks that the parts are signed with the sums the caller
// gives (PutOptions.PartSHA256) and that the server holds them to it: the
// right sums store the content, in one part and in several, and a wrong
// one is refused, leaving nothing.
func TestPartSums(t *testing.T) {
	endpoint, bucket := s3test.Start(t)
	ctx := context.Background()
	st, err := New(ctx, Options{Bucket: bucket, Endpoint: endpoint, PathStyle: true, PartSize: minPartSize})
	if err != nil {
		t.Fatal(err)
	}
	sums := func(data []byte) []string {
		size := st.PartSize(int64(len(data)))
		var out []string
		for off := int64(0); off < int64(len(data)); off += size {
			s := sha256.Sum256(data[off:min(off+size, int64(len(data)))])
			out = append(out, hex.EncodeToString(s[:]))
		}
		return out
	}
	for _, size := range []int{1 << 20, 2*minPartSize + 12345} {
		data := make([]byte, size)
		for i := range data {
			data[i] = byte(i * 7 / 5)
		}
		key := fmt.Sprintf("summed-%d.mp3", size)
		if _, err := st.Put(ctx, key, bytes.NewReader(data), int64(size), storage.PutOptions{PartSHA256: sums(data)}); err != nil {
			t.Fatalf("Put of %d bytes with their parts' sums: %v", size, err)
		}
		readObject(t, st, key, data)

		wrong := sums(data)
		last := len(wrong) - 1
		wrong[last] = wrong[0][1:] + "0"
		if len(wrong) == 1 {
			wrong[last] = strings.Repeat("ab", 32)
		}
		bad := "wrong-" + key
		if _, err := st.Put(ctx, bad, bytes.NewReader(data), int64(size), storage.PutOptions{PartSHA256: wrong}); err == nil {
			t.Fatalf("Put of %d bytes with a wrong part sum succeeded", size)
		}
		if _, err := st.Stat(ctx, bad); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Stat after the refused Put: %v", err)
		}
	}
}

// cutSums are the hex SHA-256 sums of data's parts cut as c, and etag the
// ETag S3 gives the object a multipart upload of those parts makes: the
// MD5 of the parts' MD5s, and the number of parts.
func cutSums(data []byte, c partCut) (sums []string, etag string) {
	total := int64(len(data))
	var md5s []byte
	for off := int64(0); off < total; {
		p := data[off : off+c.length(off, total)]
		s := sha256.Sum256(p)
		sums = append(sums, hex.EncodeToString(s[:]))
		m := md5.Sum(p)
		md5s = append(md5s, m[:]...)
		off += int64(len(p))
	}
	m := md5.Sum(md5s)
	return sums, fmt.Sprintf("%x-%d", m, len(sums))
}

// TestFirstPart checks that a Put from a file with PutOptions.FirstPart
// cuts the first part where it says and the others at PartSize after it,
// signing them with sums of that cut, which the server holds the parts
// to; and that a FirstPart S3 cannot honour, or a reader the parts are not
// sections of, has the parts cut at PartSize and sums of another cut never
// sent.
func TestFirstPart(t *testing.T) {
	endpoint, bucket := s3test.Start(t)
	ctx := context.Background()
	st, err := New(ctx, Options{Bucket: bucket, Endpoint: endpoint, PathStyle: true, PartSize: minPartSize})
	if err != nil {
		t.Fatal(err)
	}
	// No two parts alike, however cut.
	data := make([]byte, 3*minPartSize+12345)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range data {
		data[i] = byte(rng.Uint32())
	}
	size := int64(len(data))
	const first = minPartSize + 777
	asked := partCut{first, minPartSize}
	uniform := partCut{minPartSize, minPartSize}
	askedSums, askedETag := cutSums(data, asked)
	uniformSums, uniformETag := cutSums(data, uniform)
	if len(askedSums) != len(uniformSums) || askedETag == uniformETag {
		// The same number of parts, so that only where they are cut
		// tells the two apart.
		t.Fatalf("the test's cuts: %d and %d parts, ETags %s and %s", len(askedSums), len(uniformSums), askedETag, uniformETag)
	}
	// readBack checks that key holds data and has the ETag of the cut
	// want.
	readBack := func(key, want string) {
		t.Helper()
		info := readObject(t, st, key, data)
		if etag := strings.Trim(info.ETag, `"`); etag != want {
			t.Errorf("%s: ETag %s, want %s: the parts were not cut as expected", key, etag, want)
		}
	}

	// The cut asked for, with its sums: stored, cut there.
	if _, err := st.Put(ctx, "first.mp3", bytes.NewReader(data), size, storage.PutOptions{FirstPart: first, PartSHA256: askedSums}); err != nil {
		t.Fatalf("Put with FirstPart %d and its parts' sums: %v", first, err)
	}
	readBack("first.mp3", askedETag)
	// The cut asked for, and no sums: the SDK hashes the parts.
	if _, err := st.Put(ctx, "first-unsummed.mp3", bytes.NewReader(data), size, storage.PutOptions{FirstPart: first}); err != nil {
		t.Fatalf("Put with FirstPart %d and no sums: %v", first, err)
	}
	readBack("first-unsummed.mp3", askedETag)

	// A wrong sum for one part, or the sums of the uniform cut (as many
	// parts, cut elsewhere): refused, nothing left.
	wrong := slices.Clone(askedSums)
	wrong[2] = wrong[1]
	for name, sums := range map[string][]string{"a wrong sum for part 3": wrong, "the sums of the uniform cut": uniformSums} {
		key := "refused-" + strings.ReplaceAll(name, " ", "-") + ".mp3"
		if _, err := st.Put(ctx, key, bytes.NewReader(data), size, storage.PutOptions{FirstPart: first, PartSHA256: sums}); err == nil {
			t.Errorf("Put with FirstPart %d and %s succeeded", first, name)
		}
		if _, err := st.Stat(ctx, key); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Stat after the Put with %s: %v, want fs.ErrNotExist", name, err)
		}
	}

	// A FirstPart S3 cannot honour (below 5 MiB, or the whole content)
	// with sums computed for it, or any FirstPart from a reader the
	// parts are not sections of: cut at PartSize, the sums not sent.
	for _, tc := range []struct {
		name  string
		first int64
		r     func() io.Reader
	}{
		{"FirstPart below 5 MiB", minPartSize - 1, func() io.Reader { return bytes.NewReader(data) }},
		{"FirstPart the whole content", size, func() io.Reader { return bytes.NewReader(data) }},
		{"a stream", first, func() io.Reader { return io.MultiReader(bytes.NewReader(data)) }},
	} {
		sums, _ := cutSums(data, partCut{tc.first, minPartSize})
		key := strings.ReplaceAll(tc.name, " ", "-") + ".mp3"
		if _, err := st.Put(ctx, key, tc.r(), size, storage.PutOptions{FirstPart: tc.first, PartSHA256: sums}); err != nil {
			t.Fatalf("Put with %s and sums of that cut: %v", tc.name, err)
		}
		readBack(key, uniformETag)
	}
}

// TestPartCut checks the cut of a Put from a file at the limits S3 sets,
// and that sums computed for the cut PutOptions.FirstPart asks for are
// sent only when the parts are cut there.
func TestPartCut(t *testing.T) {
	st := &Store{partSize: minPartSize}
	const size = 3*minPartSize + 12345
	uniform := partCut{minPartSize, minPartSize}
	big := int64(maxParts) * (minPartSize + 1)
	for _, tc := range []struct {
		size, first int64
		want        partCut
		parts       int64
		sent        bool
	}{
		{size, 0, uniform, 4, true},
		{size, minPartSize + 777, partCut{minPartSize + 777, minPartSize}, 4, true},
		{size, 2*minPartSize + 1, partCut{2*minPartSize + 1, minPartSize}, 3, true},
		{size, minPartSize, uniform, 4, true},
		{size, minPartSize - 1, uniform, 4, false},
		{size, size - 1, partCut{size - 1, minPartSize}, 2, true},
		{size, size, uniform, 4, false},
		{size, -1, uniform, 4, true}, // no FirstPart
		{6 << 30, maxPartSize, partCut{maxPartSize, minPartSize}, 1 + (6<<30-maxPartSize+minPartSize-1)/minPartSize, true},
		{6 << 30, maxPartSize + 1, uniform, (6<<30 + minPartSize - 1) / minPartSize, false},
		// Parts of PartSize(big), 1 byte larger than the store's: a
		// first part of 5 MiB would make 10,001 parts, of two parts'
		// size 9,999.
		{big, minPartSize, partCut{minPartSize + 1, minPartSize + 1}, maxParts, false},
		{big, 2 * (minPartSize + 1), partCut{2 * (minPartSize + 1), minPartSize + 1}, maxParts - 1, true},
	} {
		opts := storage.PutOptions{FirstPart: tc.first}
		got := st.fileCut(tc.size, opts)
		if got != tc.want || got.count(tc.size) != tc.parts {
			t.Errorf("size %d, FirstPart %d: cut %+v in %d parts, want %+v in %d", tc.size, tc.first, got, got.count(tc.size), tc.want, tc.parts)
		}
		// The parts the upload hands out add up to the content and
		// number as many as the sums must.
		var n, total int64
		for total < tc.size {
			total += got.length(total, tc.size)
			n++
		}
		if total != tc.size || n != got.count(tc.size) {
			t.Errorf("size %d, FirstPart %d: the parts add up to %d bytes in %d parts, want %d in %d", tc.size, tc.first, total, n, tc.size, got.count(tc.size))
		}
		// As many sums as the cut asked for has parts.
		asked := partCut{tc.first, st.PartSize(tc.size)}
		if tc.first <= 0 {
			asked.first = asked.size
		}
		opts.PartSHA256 = make([]string, asked.count(tc.size))
		if sent := partSums(opts, tc.size, got) != nil; sent != tc.sent {
			t.Errorf("size %d, FirstPart %d: sums of the cut asked for sent: %v, want %v", tc.size, tc.first, sent, tc.sent)
		}
	}

	// One PutObject, and a stream, are cut at PartSize whatever
	// FirstPart says: the sums of a first part shorter than PartSize are
	// never sent, those of one content-long, or PartSize-long, are.
	for _, tc := range []struct {
		size, first int64
		sums        int
		sent        bool
	}{
		{minPartSize, minPartSize, 1, true},
		{minPartSize, minPartSize + 1, 1, true},
		{minPartSize, minPartSize - 1, 2, false},
		{minPartSize, minPartSize - 1, 1, false},
		{size, minPartSize, 4, true},
		{size, minPartSize + 777, 4, false}, // as many parts as the uniform cut
		{-1, minPartSize, 4, false},         // a stream of unknown size
	} {
		opts := storage.PutOptions{FirstPart: tc.first, PartSHA256: make([]string, tc.sums)}
		if sent := partSums(opts, tc.size, st.uniformCut(tc.size)) != nil; sent != tc.sent {
			t.Errorf("uniform cut of %d bytes, FirstPart %d, %d sums: sent %v, want %v", tc.size, tc.first, tc.sums, sent, tc.sent)
		}
	}
}
