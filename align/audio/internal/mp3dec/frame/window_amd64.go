package frame

// window32SSE is window32's sums in four-wide SSE products (part of the
// amd64 baseline, so no feature check): the window is the decoder's
// largest single cost, and Go does not vectorise it.
//
//go:noescape
func window32SSE(o *[32]float32, v *[1024]float32, d *[16][32]float32, vOff int)

func (f *Frame) window32(o *[32]float32) {
	window32SSE(o, &f.v_vec[0], &synthD, f.vOff)
}
