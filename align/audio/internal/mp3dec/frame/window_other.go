//go:build !amd64

package frame

func (f *Frame) window32(o *[32]float32) {
	f.window32Go(o)
}
