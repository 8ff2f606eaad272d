//go:build race

package fuzzlimit

import "time"

const perInput = 20 * time.Second
