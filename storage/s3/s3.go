// Package s3 is a storage.Store in a bucket of any S3-compatible object
// store: AWS S3, or a server such as versitygw or MinIO at a custom
// endpoint.
//
//	st, err := s3.New(ctx, s3.Options{
//		Bucket: "shows", Prefix: "my-show",
//		Endpoint: "http://127.0.0.1:7070", PathStyle: true,
//	})
//	if err != nil { … } // no such bucket, wrong credentials, unreachable
//	info, err := st.Put(ctx, "feed.xml", f, size, storage.PutOptions{ContentType: "application/rss+xml"})
//
// Credentials come only from the AWS standard chain (environment, shared
// config and credentials files, profiles, instance roles); this package
// never prints, logs or stores them, and its errors never contain them.
//
// Every object gets a Content-Type (from PutOptions, else from its key's
// extension). Objects larger than one part are sent as a multipart upload
// whose parts go up concurrently; from a file (an io.ReaderAt such as
// *os.File) the parts are read straight from disk at their offsets, so
// memory does not grow with the object; from any other reader at most five
// parts are buffered (80 MiB with the default part size), however large
// the object. PutOptions.FirstPart is honoured in a multipart upload from
// a file (an io.ReaderAt and io.Seeker), for a first part of 5 MiB to
// 5 GiB shorter than the content and at most 10,000 parts in all;
// elsewhere the parts are cut at PartSize, and PutOptions.PartSHA256 is
// used only if it was computed for that cut. Conditional puts send
// If-Match / If-None-Match: * on PutObject (or CompleteMultipartUpload),
// which S3 and versitygw check atomically; a refusal is
// storage.ErrPreconditionFailed.
//
// List, which S3 answers from its index, reports key, size, ETag and
// modification time only: no Content-Type, Cache-Control or metadata.
//
// A broken or hostile endpoint is bounded (Options.Timeouts): connections
// time out on no progress, never on a total, so a slow upload that keeps
// moving is not cut; every answer but an object's content is read whole
// and so is bounded to 8 MiB and Timeouts.Answer. Requests that fail are
// tried three times; New tries the endpoint again only after a quick
// failure (a 5xx, a reset), never after a timeout or a refused
// connection. An endpoint with a user name or password in it is refused.
package s3

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/logging"
	"github.com/aws/smithy-go/middleware"

	"github.com/podpipe/podpipe/internal/netbound"
	"github.com/podpipe/podpipe/rules"
	"github.com/podpipe/podpipe/storage"
)

// Defaults for Options.PartSize and Options.Concurrency.
const (
	DefaultPartSize    = 16 << 20
	DefaultConcurrency = 8
)

// minPartSize is S3's smallest part but the last, maxPartSize its
// largest part, maxParts its most parts.
const (
	minPartSize = 5 << 20
	maxPartSize = 5 << 30
	maxParts    = 10000
)

// Options says which bucket to use and how to reach it.
type Options struct {
	Bucket    string // required
	Prefix    string // keys are stored under Prefix + "/"; may be empty
	Endpoint  string // S3-compatible endpoint URL; empty for AWS
	Region    string // empty: the AWS chain's region, else us-east-1
	PathStyle bool   // bucket in the path, not the host name
	ACL       string // canned ACL such as "public-read"; none when empty

	PartSize    int64 // multipart part size; DefaultPartSize when 0, at least 5 MiB
	Concurrency int   // parts in flight; DefaultConcurrency when 0

	Timeouts Timeouts // DefaultTimeouts' for each field left 0

	// MaxBackoff bounds the wait before a failed request (a 5xx, a reset
	// connection, a timeout) is tried again; each is tried three times.
	// 0: the SDK's default, up to 2 s before the second try and 4 s
	// before the third.
	MaxBackoff time.Duration
}

// Timeouts bound the wait for an endpoint that does not answer or stops
// answering. They are on progress, not on the total: a part going up to a
// slow server that keeps reading it takes as long as it takes.
type Timeouts struct {
	Connect   time.Duration // TCP connection and TLS handshake
	FirstByte time.Duration // from a request sent to its answer's first byte
	Idle      time.Duration // no byte moved either way in the middle of a transfer
	// Answer bounds the reading of an answer read whole, which is every
	// answer but an object's content: a listing, an error, the result of
	// completing a multipart upload (which S3 may keep open for minutes,
	// sending spaces, while it assembles the parts).
	Answer time.Duration
}

// DefaultTimeouts are the Timeouts of a Store whose Options leave them 0.
var DefaultTimeouts = Timeouts{
	Connect:   10 * time.Second,
	FirstByte: 30 * time.Second,
	Idle:      30 * time.Second,
	Answer:    10 * time.Minute,
}

// maxAnswer bounds the size of an answer read whole. S3's largest, a page
// of a listing, is 1000 keys of at most 1 KiB with their size, ETag and
// date: under 1.5 MiB.
const maxAnswer = 8 << 20

// Errors New and the Store's methods return, for errors.Is. The messages
// they appear in name the bucket and endpoint.
var (
	ErrNoBucket      = errors.New("no such bucket")
	ErrAccessDenied  = errors.New("access denied: check the AWS credentials and the bucket's permissions")
	ErrNoCredentials = errors.New("no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE")
	ErrUnreachable   = errors.New("endpoint unreachable")
	ErrBadAnswer     = errors.New("not an S3 endpoint, or a broken one")
)

// Store is a storage.Store in an S3 bucket.
type Store struct {
	client      *s3.Client
	bucket      string
	prefix      string // "" or ends in "/"
	acl         types.ObjectCannedACL
	partSize    int64
	concurrency int
	where       string // for messages: s3://bucket/prefix at endpoint
}

var (
	_ storage.Store      = (*Store)(nil)
	_ storage.Lister     = (*Store)(nil)
	_ storage.Sweeper    = (*Store)(nil)
	_ storage.FilePutter = (*Store)(nil)
)

// New returns the store for o. It loads the AWS standard chain's
// credentials and checks that the bucket exists and answers, so that a
// wrong bucket, wrong credentials or an unreachable endpoint are reported
// here, in one line, before anything is written.
func New(ctx context.Context, o Options) (*Store, error) {
	if o.Bucket == "" {
		return nil, errors.New("s3: no bucket given")
	}
	if err := checkEndpoint(o.Endpoint); err != nil {
		return nil, err
	}
	s := &Store{
		bucket:      o.Bucket,
		prefix:      strings.Trim(o.Prefix, "/"),
		acl:         types.ObjectCannedACL(o.ACL),
		partSize:    o.PartSize,
		concurrency: o.Concurrency,
	}
	if s.prefix != "" {
		s.prefix += "/"
	}
	if s.partSize == 0 {
		s.partSize = DefaultPartSize
	}
	if s.partSize < minPartSize {
		return nil, fmt.Errorf("s3: part size %d is below S3's minimum of 5 MiB", s.partSize)
	}
	if s.concurrency <= 0 {
		s.concurrency = DefaultConcurrency
	}
	s.where = s.String()
	if o.Endpoint != "" {
		s.where += " at " + o.Endpoint
	}

	var loadOpts []func(*config.LoadOptions) error
	if o.Region != "" {
		loadOpts = append(loadOpts, config.WithRegion(o.Region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		return nil, fmt.Errorf("s3: open %s: load AWS config: %v", s.where, err)
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.Credentials == nil {
		return nil, fmt.Errorf("s3: open %s: %w", s.where, ErrNoCredentials)
	}
	if _, err := cfg.Credentials.Retrieve(ctx); err != nil {
		// The chain's own message lists every place it looked, at length,
		// and may quote a profile's settings: say what to do instead.
		return nil, fmt.Errorf("s3: open %s: %w", s.where, ErrNoCredentials)
	}
	t := o.Timeouts
	def := DefaultTimeouts
	for _, f := range []struct{ v, d *time.Duration }{
		{&t.Connect, &def.Connect}, {&t.FirstByte, &def.FirstByte}, {&t.Idle, &def.Idle}, {&t.Answer, &def.Answer},
	} {
		if *f.v <= 0 {
			*f.v = *f.d
		}
	}
	httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) {
		// Give up on a server that does not connect, takes a request and
		// never answers, or stops in the middle of a transfer.
		netbound.Limits{Connect: t.Connect, FirstByte: t.FirstByte, Idle: t.Idle}.Apply(tr)
		// Keep a connection per part in flight.
		tr.MaxIdleConnsPerHost = max(s.concurrency, tr.MaxIdleConnsPerHost)
		// Parts are many megabytes: fewer, larger writes to the socket.
		tr.WriteBufferSize = 256 << 10
		tr.ReadBufferSize = 64 << 10
	})
	s.client = s3.NewFromConfig(cfg, func(so *s3.Options) {
		so.HTTPClient = boundedClient{httpClient, t.Answer}
		// The SDK would print its own warnings to stderr, beside the one
		// line an error gets.
		so.Logger = logging.Nop{}
		if o.Endpoint != "" {
			so.BaseEndpoint = aws.String(o.Endpoint)
		}
		if o.MaxBackoff > 0 {
			so.Retryer = retry.NewStandard(func(ro *retry.StandardOptions) { ro.MaxBackoff = o.MaxBackoff })
		}
		so.UsePathStyle = o.PathStyle
		// Payloads are signed with their SHA-256, which the server checks;
		// a second, trailing checksum per request would only cost CPU and
		// is not understood by every S3-compatible server.
		so.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenRequired
		so.ResponseChecksumValidation = aws.ResponseChecksumValidationWhenRequired
	})

	// A one-key listing rather than HeadBucket: both need the same
	// permission, but a HEAD's error has no body, so its 404 or 403 cannot
	// tell a missing bucket from an unknown key.
	// Tried again only after a quick failure (a 5xx, a reset): an
	// endpoint that does not answer now, or refuses to, will not answer a
	// second time either, and the user waits for each try.
	_, err = s.client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{
		Bucket: aws.String(s.bucket), Prefix: aws.String(s.prefix), MaxKeys: aws.Int32(1),
	}, func(so *s3.Options) { so.Retryer = quickOnly{so.Retryer} })
	if err != nil {
		return nil, s.bucketError(err)
	}
	return s, nil
}

// quickOnly retries only what failed quickly and may pass the next time:
// an answer of 500 or more (S3's InternalError, SlowDown), a connection
// reset. Not a timeout, a refused connection or an unknown host.
type quickOnly struct{ aws.Retryer }

func (q quickOnly) IsErrorRetryable(err error) bool {
	_, status := apiCode(err)
	quick := status >= 500 || errors.Is(err, syscall.ECONNRESET)
	return quick && q.Retryer.IsErrorRetryable(err)
}

// checkEndpoint refuses an endpoint with a user name or password in it:
// credentials come from the AWS chain only, and an endpoint is printed in
// messages. The message does not repeat it.
func checkEndpoint(endpoint string) error {
	if endpoint == "" {
		return nil
	}
	if rules.HasUserinfo(endpoint) {
		return errors.New("s3: the endpoint has a user name or password in it; give credentials through the AWS chain only (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)")
	}
	u, err := url.Parse(endpoint)
	if err != nil || u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		// Not quoted: a mangled user:pass@ would be in it.
		return errors.New("s3: the endpoint is not an http(s) URL such as http://127.0.0.1:7070")
	}
	return nil
}

// boundedClient bounds every answer read whole in size and in time. An
// object's content (GetObject) is streamed to its reader and bounded only
// by the connection's idle timeout.
type boundedClient struct {
	c      *awshttp.BuildableClient
	within time.Duration
}

func (b boundedClient) Do(req *http.Request) (*http.Response, error) {
	resp, err := b.c.Do(req)
	if err != nil || resp.Body == nil {
		return resp, err
	}
	if awsmiddleware.GetOperationName(req.Context()) != "GetObject" || resp.StatusCode >= 300 {
		resp.Body = netbound.Body(resp.Body, maxAnswer, b.within)
	}
	return resp, nil
}

// String returns s3://bucket/prefix, or s3://bucket without a prefix.
func (s *Store) String() string {
	if s.prefix == "" {
		return "s3://" + s.bucket
	}
	return "s3://" + s.bucket + "/" + strings.TrimSuffix(s.prefix, "/")
}

// bucketError explains a failed listing of the bucket.
func (s *Store) bucketError(err error) error {
	if code, _ := apiCode(err); code == "NoSuchBucket" {
		return &opError{msg: fmt.Sprintf("s3: open %s: %v", s.where, ErrNoBucket), kind: ErrNoBucket, err: err}
	}
	return s.wrap("open", "", err)
}

// opError prints one short line, and still matches both the kind of
// failure and the SDK's own error with errors.Is and errors.As.
type opError struct {
	msg  string
	kind error
	err  error
}

func (e *opError) Error() string { return e.msg }
func (e *opError) Unwrap() []error {
	switch {
	case e.kind == nil:
		return []error{e.err}
	case e.err == nil:
		return []error{e.kind}
	}
	return []error{e.kind, e.err}
}

// apiCode returns the S3 error code and HTTP status of err, if it has them.
func apiCode(err error) (string, int) {
	code, status := "", 0
	var ae smithy.APIError
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		status = re.HTTPStatusCode()
	}
	return code, status
}

// wrap turns an SDK error into one line naming the operation, the object
// and the store, matching fs.ErrNotExist, ErrNoBucket, ErrAccessDenied or
// ErrUnreachable when it is one of those.
func (s *Store) wrap(op, key string, err error) error {
	what := s.where
	if key != "" {
		what = key + " in " + s.where
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("s3: %s %s: %w", op, what, err)
	}
	var kind error
	detail := ""
	code, status := apiCode(err)
	var oe *net.OpError
	var dnsErr *net.DNSError
	var timeout *netbound.TimeoutError
	var tooLarge *netbound.TooLargeError
	var slow *netbound.SlowError
	switch {
	case code == "NoSuchKey" || (code == "NotFound" && key != ""):
		kind = fs.ErrNotExist
	case code == "NoSuchBucket":
		kind = ErrNoBucket
	case code == "PreconditionFailed" || code == "ConditionalRequestConflict" ||
		status == http.StatusPreconditionFailed:
		kind = storage.ErrPreconditionFailed
	case code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" ||
		code == "AccessDenied" || code == "Forbidden" || code == "InvalidToken" ||
		code == "ExpiredToken" || code == "XAdminUserNotFound" || // versitygw's unknown key
		status == http.StatusForbidden:
		kind = ErrAccessDenied
		detail = code
	case errors.As(err, &timeout):
		kind = ErrUnreachable
		detail = timeout.Error()
	case errors.As(err, &tooLarge), errors.As(err, &slow):
		// Not an S3 server, or a broken one: S3's answers are small
		// and quick.
		kind = ErrBadAnswer
		if tooLarge != nil {
			detail = "an answer larger than " + netbound.Size(tooLarge.Max)
		} else {
			detail = fmt.Sprintf("an answer still arriving after %v", slow.After)
		}
	case errors.As(err, &dnsErr):
		kind = ErrUnreachable
		detail = "no such host " + dnsErr.Name
	case errors.As(err, &oe):
		kind = ErrUnreachable
		detail = oe.Err.Error()
	}
	// A message that says "try again" after the SDK tried three times
	// says so.
	tries := ""
	var mae *retry.MaxAttemptsError
	if errors.As(err, &mae) && mae.Attempt > 1 {
		tries = fmt.Sprintf("tried %d times", mae.Attempt)
	}
	var msg string
	switch {
	case kind != nil && detail != "":
		msg = fmt.Sprintf("s3: %s %s: %v (%s)", op, what, kind, join(detail, tries))
	case kind != nil && tries != "":
		msg = fmt.Sprintf("s3: %s %s: %v (%s)", op, what, kind, tries)
	case kind != nil:
		msg = fmt.Sprintf("s3: %s %s: %v", op, what, kind)
	default:
		var ae smithy.APIError
		var ue *url.Error
		switch {
		case errors.As(err, &ae):
			msg = fmt.Sprintf("s3: %s %s: %s: %s (%s)", op, what, ae.ErrorCode(), ae.ErrorMessage(), join(fmt.Sprintf("HTTP %d", status), tries))
		case errors.As(err, &ue):
			// The SDK's own wrapping is a paragraph (operation, attempts,
			// status 0, empty request IDs, the request's URL again):
			// the cause is what the user can act on.
			msg = fmt.Sprintf("s3: %s %s: %v", op, what, ue.Err)
		default:
			msg = fmt.Sprintf("s3: %s %s: %v", op, what, err)
		}
		if tries != "" && !errors.As(err, &ae) {
			msg += " (" + tries + ")"
		}
	}
	return &opError{msg: msg, kind: kind, err: err}
}

// join joins the non-empty of a and b with a comma.
func join(a, b string) string {
	if a == "" || b == "" {
		return a + b
	}
	return a + ", " + b
}

// Put implements storage.Store. Objects of up to one part go up in one
// PutObject; larger ones, and ones of unknown size that turn out larger,
// as a multipart upload.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64, opts storage.PutOptions) (storage.ObjectInfo, error) {
	if err := checkKey(key); err != nil {
		return storage.ObjectInfo{}, err
	}
	if opts.ContentType == "" {
		opts.ContentType = storage.ContentTypeFor(key)
	}
	info := storage.ObjectInfo{
		Key:          key,
		Size:         size,
		ContentType:  opts.ContentType,
		CacheControl: opts.CacheControl,
		Metadata:     lowerKeys(opts.Metadata),
	}
	if s.refusedBefore(ctx, key, opts) {
		return storage.ObjectInfo{}, s.refused(key, nil)
	}
	var etag *string
	var err error
	ra, isFile := readerAt(r)
	switch {
	case size >= 0 && size <= s.partSize && isFile:
		etag, err = s.putObject(ctx, key, io.NewSectionReader(ra.r, ra.off, size), size, opts)
	case size >= 0 && size <= s.partSize:
		buf := make([]byte, size)
		if _, err = io.ReadFull(r, buf); err != nil {
			return storage.ObjectInfo{}, fmt.Errorf("s3: put %s in %s: read: %w", key, s.where, eof(err))
		}
		etag, err = s.putObject(ctx, key, bytes.NewReader(buf), size, opts)
	case size < 0 && !isFile:
		// Unknown size: one part's worth decides between the two ways.
		buf := make([]byte, s.partSize)
		n, rerr := io.ReadFull(r, buf)
		if rerr == io.EOF || rerr == io.ErrUnexpectedEOF {
			info.Size = int64(n)
			etag, err = s.putObject(ctx, key, bytes.NewReader(buf[:n]), int64(n), opts)
			break
		}
		if rerr != nil {
			return storage.ObjectInfo{}, fmt.Errorf("s3: put %s in %s: read: %w", key, s.where, rerr)
		}
		info.Size, etag, err = s.multipart(ctx, key, r, nil, buf, -1, opts)
	default:
		if size < 0 {
			// A file of unknown size: the rest of it.
			size = ra.size - ra.off
			if size <= s.partSize {
				info.Size = size
				etag, err = s.putObject(ctx, key, io.NewSectionReader(ra.r, ra.off, size), size, opts)
				break
			}
		}
		var fileRA *sectionAt
		if isFile {
			fileRA = &ra
		}
		info.Size, etag, err = s.multipart(ctx, key, r, fileRA, nil, size, opts)
	}
	if err != nil {
		if opts.IfMatch != "" {
			// If-Match on a missing object: S3 says 404, the contract
			// says the precondition failed.
			if code, _ := apiCode(err); code == "NoSuchKey" || code == "NotFound" {
				return storage.ObjectInfo{}, &opError{msg: fmt.Sprintf("s3: put %s in %s: object does not exist: %v", key, s.where, storage.ErrPreconditionFailed), kind: storage.ErrPreconditionFailed, err: err}
			}
		}
		var oe *opError
		if errors.As(err, &oe) {
			return storage.ObjectInfo{}, err
		}
		var ae smithy.APIError
		if !errors.As(err, &ae) && s.refusedBefore(ctx, key, opts) {
			// The connection broke with no answer: a server that
			// refuses a conditional put may answer before the body
			// is in and close the connection, and the client sees a
			// reset instead of the refusal.
			return storage.ObjectInfo{}, s.refused(key, err)
		}
		return storage.ObjectInfo{}, s.wrap("put", key, err)
	}
	info.ETag = aws.ToString(etag)
	info.ModTime = time.Now()
	return info, nil
}

// refusedBefore reports whether a conditional put of key would be refused
// now, asked with a HEAD: a refusal then costs one small request instead
// of the whole body sent for nothing. Any answer but the object's (a key
// allowed to write but not to read, say) lets the put go ahead and the
// server decide.
func (s *Store) refusedBefore(ctx context.Context, key string, opts storage.PutOptions) bool {
	if !opts.IfNoneMatch && opts.IfMatch == "" {
		return false
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + key)})
	if err != nil {
		code, status := apiCode(err)
		missing := code == "NoSuchKey" || code == "NotFound" || status == http.StatusNotFound
		return missing && opts.IfMatch != ""
	}
	if opts.IfNoneMatch {
		return true
	}
	return strings.Trim(aws.ToString(out.ETag), `"`) != strings.Trim(opts.IfMatch, `"`)
}

// refused is the error of a conditional put of key that would not hold.
func (s *Store) refused(key string, err error) error {
	return &opError{msg: fmt.Sprintf("s3: put %s in %s: %v", key, s.where, storage.ErrPreconditionFailed), kind: storage.ErrPreconditionFailed, err: err}
}

// PutFile implements storage.FilePutter: the parts are read from the file
// where they lie (the SDK signs each with its SHA-256 on the way, which
// is the only read of it); the file is left as it is. sum is not needed.
func (s *Store) PutFile(ctx context.Context, key, path string, size int64, sum string, opts storage.PutOptions) (storage.ObjectInfo, error) {
	if err := checkKey(key); err != nil {
		return storage.ObjectInfo{}, err
	}
	f, err := os.Open(path)
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("s3: put %s in %s: %w", key, s.where, err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return storage.ObjectInfo{}, fmt.Errorf("s3: put %s in %s: %w", key, s.where, err)
	}
	if !fi.Mode().IsRegular() || fi.Size() != size {
		return storage.ObjectInfo{}, fmt.Errorf("s3: put %s in %s: %s is %d bytes, not %d", key, s.where, path, fi.Size(), size)
	}
	return s.Put(ctx, key, f, size, opts)
}

func (s *Store) putObject(ctx context.Context, key string, body io.ReadSeeker, size int64, opts storage.PutOptions) (*string, error) {
	in := &s3.PutObjectInput{
		Bucket:        aws.String(s.bucket),
		Key:           aws.String(s.prefix + key),
		Body:          body,
		ContentLength: aws.Int64(size),
		ContentType:   aws.String(opts.ContentType),
		Metadata:      lowerKeys(opts.Metadata),
	}
	if opts.CacheControl != "" {
		in.CacheControl = aws.String(opts.CacheControl)
	}
	if s.acl != "" {
		in.ACL = s.acl
	}
	if opts.IfMatch != "" {
		in.IfMatch = aws.String(opts.IfMatch)
	}
	if opts.IfNoneMatch {
		in.IfNoneMatch = aws.String("*")
	}
	out, err := s.client.PutObject(ctx, in, signedWith(partSums(opts, size, s.uniformCut(size)), 1))
	if err != nil {
		return nil, err
	}
	return out.ETag, nil
}

// PartSize implements storage.PartSummer: the store's part size, or
// larger when the object would need more than S3's 10,000 parts.
func (s *Store) PartSize(size int64) int64 {
	if size > 0 && (size+s.partSize-1)/s.partSize > maxParts {
		return (size + maxParts - 1) / maxParts
	}
	return s.partSize
}

// partCut is how content is cut into parts: the first part is first
// bytes, the others size bytes, the last shorter when the content ends.
// The upload and the sums it signs the parts with both go by it, so that
// they cannot disagree.
type partCut struct{ first, size int64 }

// count is the number of parts of total bytes: 1 for total 0.
func (c partCut) count(total int64) int64 {
	if total <= c.first {
		return 1
	}
	return 1 + (total-c.first+c.size-1)/c.size
}

// length is the size of the part of total bytes that begins at off.
func (c partCut) length(off, total int64) int64 {
	if off == 0 {
		return min(c.first, total)
	}
	return min(c.size, total-off)
}

// same reports whether c and d cut total bytes at the same places.
func (c partCut) same(d partCut, total int64) bool {
	return c == d || c.count(total) == 1 && d.count(total) == 1
}

// uniformCut is the cut of size bytes (-1: unknown) at PartSize.
func (s *Store) uniformCut(size int64) partCut {
	ps := s.PartSize(size)
	return partCut{ps, ps}
}

// fileCut is the cut of a multipart upload of size bytes from a file:
// opts.FirstPart's when S3 allows it (a first part of 5 MiB to 5 GiB,
// shorter than the content, and at most 10,000 parts in all), else the
// uniform cut.
func (s *Store) fileCut(size int64, opts storage.PutOptions) partCut {
	c := s.uniformCut(size)
	first := opts.FirstPart
	if first <= 0 || size < 0 || first < minPartSize || first >= size || first > maxPartSize {
		return c
	}
	asked := partCut{first, c.size}
	if asked.count(size) > maxParts {
		return c
	}
	return asked
}

// partSums is opts.PartSHA256 when its sums are those of the parts of
// size bytes cut as c: one for each part, and computed for that cut (the
// one opts.FirstPart, when set, says it was); else nil, and the parts are
// hashed as they are signed.
func partSums(opts storage.PutOptions, size int64, c partCut) []string {
	if size < 0 || int64(len(opts.PartSHA256)) != c.count(size) {
		return nil
	}
	hashed := partCut{c.size, c.size}
	if opts.FirstPart > 0 {
		hashed.first = opts.FirstPart
	}
	if !hashed.same(c, size) {
		return nil
	}
	return opts.PartSHA256
}

// signedWith has the request for part num (from 1) signed with its sum
// in sums, rather than with the SHA-256 the SDK would read the body once
// more to compute; with no sums, it changes nothing. The server checks
// the body against the sum, so a part that is not what was hashed is
// refused.
func signedWith(sums []string, num int32) func(*s3.Options) {
	if sums == nil {
		return func(*s3.Options) {}
	}
	sum := sums[num-1]
	return s3.WithAPIOptions(func(st *middleware.Stack) error {
		return st.Finalize.Insert(middleware.FinalizeMiddlewareFunc("PodpipePartSHA256",
			func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
				return next.HandleFinalize(v4.SetPayloadHash(ctx, sum), in)
			}), (&v4.ComputePayloadSHA256{}).ID(), middleware.Before)
	})
}

// sectionAt is the part of an io.ReaderAt from off to size.
type sectionAt struct {
	r         io.ReaderAt
	off, size int64
}

// readerAt reports whether r can be read at offsets without buffering (a
// file, a bytes.Reader), and from where: its current position on.
func readerAt(r io.Reader) (sectionAt, bool) {
	type readerAtSeeker interface {
		io.ReaderAt
		io.Seeker
	}
	rs, ok := r.(readerAtSeeker)
	if !ok {
		return sectionAt{}, false
	}
	off, err := rs.Seek(0, io.SeekCurrent)
	if err != nil {
		return sectionAt{}, false // a pipe, say
	}
	end, err := rs.Seek(0, io.SeekEnd)
	if err != nil {
		return sectionAt{}, false
	}
	if _, err := rs.Seek(off, io.SeekStart); err != nil {
		return sectionAt{}, false
	}
	return sectionAt{rs, off, end}, true
}

type part struct {
	num  int32
	body io.ReadSeeker
	size int64
	done func() // returns the part's buffer to the pool
}

// multipart uploads r in parts, several at a time. With file set the parts
// are sections of the file, the first one opts.FirstPart long when S3
// allows it (fileCut); otherwise each is read from r into one of a few
// pooled buffers, the first of which may be first, a whole part already
// read, and all are cut at PartSize. It returns the object's size and
// ETag.
func (s *Store) multipart(ctx context.Context, key string, r io.Reader, file *sectionAt, first []byte, size int64, opts storage.PutOptions) (int64, *string, error) {
	cut := s.uniformCut(size)
	if file != nil {
		cut = s.fileCut(size, opts)
	}
	partSize := cut.size
	sums := partSums(opts, size, cut)
	create := &s3.CreateMultipartUploadInput{
		Bucket:      aws.String(s.bucket),
		Key:         aws.String(s.prefix + key),
		ContentType: aws.String(opts.ContentType),
		Metadata:    lowerKeys(opts.Metadata),
	}
	if opts.CacheControl != "" {
		create.CacheControl = aws.String(opts.CacheControl)
	}
	if s.acl != "" {
		create.ACL = s.acl
	}
	began := time.Now()
	up, err := s.client.CreateMultipartUpload(ctx, create)
	if err != nil {
		return 0, nil, err
	}
	if tries, ok := retry.GetAttemptResults(up.ResultMetadata); ok && len(tries.Results) > 1 {
		// A try whose answer was lost may have begun an upload too, which
		// nothing would ever complete or abort.
		s.abortLost(ctx, key, aws.ToString(up.UploadId), time.Since(began))
	}
	abort := func() {
		// Also after a cancel: an unfinished upload's parts cost storage.
		actx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		s.client.AbortMultipartUpload(actx, &s3.AbortMultipartUploadInput{
			Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + key), UploadId: up.UploadId,
		})
	}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	workers := s.concurrency
	var pool chan []byte
	if file == nil {
		// Buffers bound the memory of a stream: a few parts, not the object.
		workers = min(workers, 4)
		pool = make(chan []byte, workers+1)
		if first != nil {
			pool <- first // taken for part 1
		}
		for len(pool) < cap(pool) {
			pool <- nil // allocated when first needed
		}
	}
	parts := make(chan part)
	var (
		mu        sync.Mutex
		completed []types.CompletedPart
		wg        sync.WaitGroup
	)
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range parts {
				out, err := s.client.UploadPart(ctx, &s3.UploadPartInput{
					Bucket:        aws.String(s.bucket),
					Key:           aws.String(s.prefix + key),
					UploadId:      up.UploadId,
					PartNumber:    aws.Int32(p.num),
					Body:          p.body,
					ContentLength: aws.Int64(p.size),
				}, signedWith(sums, p.num))
				p.done()
				if err != nil {
					cancel(err)
					continue
				}
				mu.Lock()
				completed = append(completed, types.CompletedPart{ETag: out.ETag, PartNumber: aws.Int32(p.num)})
				mu.Unlock()
			}
		}()
	}

	// Hand out the parts in order until the content ends.
	var total int64
	var readErr error
produce:
	for num := int32(1); ctx.Err() == nil; num++ {
		var p part
		last := false
		if file != nil {
			n := cut.length(total, size)
			p = part{num: num, body: io.NewSectionReader(file.r, file.off+total, n), size: n, done: func() {}}
			last = total+n >= size
		} else {
			var buf []byte
			select {
			case buf = <-pool:
			case <-ctx.Done():
				break produce
			}
			if buf == nil {
				buf = make([]byte, partSize)
			}
			want := partSize
			if size >= 0 {
				want = min(partSize, size-total)
			}
			var n int
			var err error
			if num == 1 && first != nil {
				n = len(first)
			} else {
				n, err = io.ReadFull(r, buf[:want])
			}
			switch {
			case err == nil:
				last = size >= 0 && total+int64(n) == size
			case (err == io.EOF || err == io.ErrUnexpectedEOF) && size < 0:
				last = true
				if n == 0 {
					pool <- buf // the content ended with the previous part
					break produce
				}
			case err == io.EOF || err == io.ErrUnexpectedEOF:
				readErr = fmt.Errorf("read: content ended after %d of %d bytes: %w", total+int64(n), size, io.ErrUnexpectedEOF)
				pool <- buf
				break produce
			default:
				readErr = fmt.Errorf("read: %w", err)
				pool <- buf
				break produce
			}
			p = part{num: num, body: bytes.NewReader(buf[:n]), size: int64(n), done: func() { pool <- buf }}
		}
		total += p.size
		if !sendPart(ctx, parts, p) || last {
			break
		}
	}
	close(parts)
	wg.Wait()
	if readErr != nil {
		abort()
		return 0, nil, readErr
	}
	if err := context.Cause(ctx); err != nil {
		abort()
		return 0, nil, err
	}

	sort.Slice(completed, func(i, j int) bool { return *completed[i].PartNumber < *completed[j].PartNumber })
	in := &s3.CompleteMultipartUploadInput{
		Bucket:          aws.String(s.bucket),
		Key:             aws.String(s.prefix + key),
		UploadId:        up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: completed},
	}
	if opts.IfMatch != "" {
		in.IfMatch = aws.String(opts.IfMatch)
	}
	if opts.IfNoneMatch {
		in.IfNoneMatch = aws.String("*")
	}
	out, err := s.client.CompleteMultipartUpload(ctx, in)
	if err != nil {
		abort()
		return 0, nil, err
	}
	return total, out.ETag, nil
}

// abortLost aborts the uploads of key that the earlier tries of a
// retried CreateMultipartUpload, whose answers were lost, may have begun:
// those of the same key begun, by the server's clock, at most took (how
// long the retried call took) before upload id. Only the exact
// key's, and only in that window: another writer's upload of the same key
// (the same content, since keys name it) is never that close but by
// chance, and then only fails and is tried again. Failing here only
// leaves what the sweep of a later run removes.
func (s *Store) abortLost(ctx context.Context, key, id string, took time.Duration) {
	full := s.prefix + key
	out, err := s.client.ListMultipartUploads(ctx, &s3.ListMultipartUploadsInput{
		Bucket: aws.String(s.bucket), Prefix: aws.String(full),
	})
	if err != nil {
		return
	}
	var ours time.Time
	for _, u := range out.Uploads {
		if aws.ToString(u.UploadId) == id {
			ours = aws.ToTime(u.Initiated)
		}
	}
	if ours.IsZero() {
		return
	}
	// Initiated may be to the second.
	from := ours.Add(-took - time.Second)
	for _, u := range out.Uploads {
		at := aws.ToTime(u.Initiated)
		if aws.ToString(u.Key) != full || aws.ToString(u.UploadId) == id || at.Before(from) || at.After(ours) {
			continue
		}
		s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
			Bucket: aws.String(s.bucket), Key: aws.String(full), UploadId: u.UploadId,
		})
	}
}

func sendPart(ctx context.Context, parts chan<- part, p part) bool {
	select {
	case parts <- p:
		return true
	case <-ctx.Done():
		p.done()
		return false
	}
}

// Get implements storage.Store.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, storage.ObjectInfo, error) {
	if err := checkKey(key); err != nil {
		return nil, storage.ObjectInfo{}, err
	}
	out, err := s.client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + key)})
	if err != nil {
		return nil, storage.ObjectInfo{}, s.wrap("get", key, err)
	}
	return out.Body, storage.ObjectInfo{
		Key:          key,
		Size:         aws.ToInt64(out.ContentLength),
		ETag:         aws.ToString(out.ETag),
		ContentType:  aws.ToString(out.ContentType),
		CacheControl: aws.ToString(out.CacheControl),
		ModTime:      aws.ToTime(out.LastModified),
		Metadata:     lowerKeys(out.Metadata),
	}, nil
}

// Stat implements storage.Store.
func (s *Store) Stat(ctx context.Context, key string) (storage.ObjectInfo, error) {
	if err := checkKey(key); err != nil {
		return storage.ObjectInfo{}, err
	}
	out, err := s.client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + key)})
	if err != nil {
		return storage.ObjectInfo{}, s.wrap("stat", key, err)
	}
	return storage.ObjectInfo{
		Key:          key,
		Size:         aws.ToInt64(out.ContentLength),
		ETag:         aws.ToString(out.ETag),
		ContentType:  aws.ToString(out.ContentType),
		CacheControl: aws.ToString(out.CacheControl),
		ModTime:      aws.ToTime(out.LastModified),
		Metadata:     lowerKeys(out.Metadata),
	}, nil
}

// Delete implements storage.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := checkKey(key); err != nil {
		return err
	}
	_, err := s.client.DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + key)})
	if err != nil {
		err = s.wrap("delete", key, err)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return err
	}
	return nil
}

// List implements storage.Lister.
func (s *Store) List(ctx context.Context, prefix string) ([]storage.ObjectInfo, error) {
	var infos []storage.ObjectInfo
	p := s3.NewListObjectsV2Paginator(s.client, &s3.ListObjectsV2Input{
		Bucket: aws.String(s.bucket),
		Prefix: aws.String(s.prefix + prefix),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, s.wrap("list", prefix+"*", err)
		}
		for _, o := range page.Contents {
			infos = append(infos, storage.ObjectInfo{
				Key:     strings.TrimPrefix(aws.ToString(o.Key), s.prefix),
				Size:    aws.ToInt64(o.Size),
				ETag:    aws.ToString(o.ETag),
				ModTime: aws.ToTime(o.LastModified),
			})
		}
	}
	// S3 sorts by UTF-8 bytes already; a compatible server might not.
	sort.Slice(infos, func(i, j int) bool { return infos[i].Key < infos[j].Key })
	return infos, nil
}

// Leftovers implements storage.Sweeper: the incomplete multipart uploads
// under the store's prefix begun before the time given, which a killed
// writer could not abort. A bucket lifecycle rule
// (AbortIncompleteMultipartUpload) removes them too.
func (s *Store) Leftovers(ctx context.Context, before time.Time) ([]storage.Leftover, error) {
	var out []storage.Leftover
	in := &s3.ListMultipartUploadsInput{Bucket: aws.String(s.bucket), Prefix: aws.String(s.prefix)}
	for {
		page, err := s.client.ListMultipartUploads(ctx, in)
		if err != nil {
			return nil, s.wrap("list uploads", s.prefix+"*", err)
		}
		for _, u := range page.Uploads {
			if !aws.ToTime(u.Initiated).Before(before) {
				continue
			}
			out = append(out, storage.Leftover{
				Name:    strings.TrimPrefix(aws.ToString(u.Key), s.prefix),
				Started: aws.ToTime(u.Initiated),
				Size:    -1,
				ID:      aws.ToString(u.UploadId),
			})
		}
		if !aws.ToBool(page.IsTruncated) || page.NextKeyMarker == nil {
			break
		}
		in.KeyMarker, in.UploadIdMarker = page.NextKeyMarker, page.NextUploadIdMarker
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// RemoveLeftover implements storage.Sweeper: it aborts the upload, which
// frees its parts.
func (s *Store) RemoveLeftover(ctx context.Context, l storage.Leftover) error {
	_, err := s.client.AbortMultipartUpload(ctx, &s3.AbortMultipartUploadInput{
		Bucket: aws.String(s.bucket), Key: aws.String(s.prefix + l.Name), UploadId: aws.String(l.ID),
	})
	if code, _ := apiCode(err); err != nil && code != "NoSuchUpload" {
		return s.wrap("abort upload of", l.Name, err)
	}
	return nil
}

// checkKey rejects keys S3 would store but whose URL a browser or an HTTP
// client would rewrite (empty, "." and ".." segments), so that a published
// URL always names its object, as with the local backend.
func checkKey(key string) error {
	for _, seg := range strings.Split(key, "/") {
		if seg == "" || seg == "." || seg == ".." {
			return fmt.Errorf("s3: invalid key %q: %w", key, fs.ErrInvalid)
		}
	}
	return nil
}

func lowerKeys(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[strings.ToLower(k)] = v
	}
	return out
}

func eof(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}
