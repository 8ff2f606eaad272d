//go:build !linux && !darwin

package netbound

func setNotSentLowat(fd uintptr, n int) error { return nil }
