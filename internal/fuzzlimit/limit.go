//go:build !race

package fuzzlimit

import "time"

const perInput = 2 * time.Second
