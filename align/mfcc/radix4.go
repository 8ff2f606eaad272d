package mfcc

// radix4Go is one radix-4 step of fft on a block of 4q values (q =
// len(w2r)): the quarters hold the transforms of the samples ≡ 0, 2, 1, 3
// (mod 4), and W^k, W^2k, W^3k their twiddles.
func radix4Go(re, im, w1r, w1i, w2r, w2i, w3r, w3i []float64) {
	q := len(w2r)
	r0, r1, r2, r3 := re[:q], re[q:2*q], re[2*q:3*q], re[3*q:4*q]
	i0, i1, i2, i3 := im[:q], im[q:2*q], im[2*q:3*q], im[3*q:4*q]
	w1r, w1i, w2i, w3r, w3i = w1r[:q], w1i[:q], w2i[:q], w3r[:q], w3i[:q]
	for k := range w2r {
		t0r, t0i := r0[k], i0[k]
		t1r, t1i := float64(w2r[k]*r1[k])-float64(w2i[k]*i1[k]), float64(w2r[k]*i1[k])+float64(w2i[k]*r1[k])
		t2r, t2i := float64(w1r[k]*r2[k])-float64(w1i[k]*i2[k]), float64(w1r[k]*i2[k])+float64(w1i[k]*r2[k])
		t3r, t3i := float64(w3r[k]*r3[k])-float64(w3i[k]*i3[k]), float64(w3r[k]*i3[k])+float64(w3i[k]*r3[k])
		sr, si := t0r+t1r, t0i+t1i
		dr, di := t0r-t1r, t0i-t1i
		pr, pi := t2r+t3r, t2i+t3i
		mr, mi := t2r-t3r, t2i-t3i
		r0[k], i0[k] = sr+pr, si+pi
		r2[k], i2[k] = sr-pr, si-pi
		// ∓i·m = (±mi, ∓mr)
		r1[k], i1[k] = dr+mi, di-mr
		r3[k], i3[k] = dr-mi, di+mr
	}
}
