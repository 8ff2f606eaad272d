package pipeline

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
)

// Shard is one machine's share of a show's episodes when several publish
// it into the same store at once (publish show --shard K/N): the episodes
// whose slug hashes to K of N. Each episode falls to exactly one shard,
// whatever the order the folder lists them in or the episodes added
// since, so none is built twice; the manifest's conditional write is what
// the shards coordinate by, and the feed rendered from its last
// generation has every episode. The zero Shard is the whole show.
type Shard struct {
	K, N int // 1 ≤ K ≤ N
}

// ParseShard reads "K/N".
func ParseShard(s string) (Shard, error) {
	ks, ns, ok := strings.Cut(s, "/")
	k, kerr := strconv.Atoi(strings.TrimSpace(ks))
	n, nerr := strconv.Atoi(strings.TrimSpace(ns))
	if !ok || kerr != nil || nerr != nil || n < 1 || k < 1 || k > n {
		return Shard{}, fmt.Errorf("want K/N with 1 ≤ K ≤ N (2/4: the second of four shares), got %q", s)
	}
	return Shard{K: k, N: n}, nil
}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.K, s.N) }

// all says whether the shard is the whole show.
func (s Shard) all() bool { return s.N <= 1 }

// has says whether the episode slug is the shard's to publish: FNV-1a of
// the slug, modulo N, is K-1.
func (s Shard) has(slug string) bool {
	if s.all() {
		return true
	}
	h := fnv.New32a()
	h.Write([]byte(slug))
	return int(h.Sum32()%uint32(s.N)) == s.K-1
}
