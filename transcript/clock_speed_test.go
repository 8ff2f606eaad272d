package transcript

import (
	"fmt"
	"testing"
	"time"
)

// TestHMSMSAsSprintf: the hand-written formatting writes what the
// fmt.Sprintf it replaced wrote, across widths and signs.
func TestHMSMSAsSprintf(t *testing.T) {
	ms := []int64{0, 1, 9, 10, 99, 100, 999, 1000, 59999, 60000, 3599999, 3600000, 35999999, 36000000, 359999999, 360000000, 123456789012}
	for _, m := range ms {
		for _, v := range []int64{m, -m} {
			d := time.Duration(v) * time.Millisecond
			for _, sep := range []string{".", ","} {
				a := v
				sign := ""
				if a < 0 {
					sign, a = "-", -a
				}
				want := fmt.Sprintf("%s%02d:%02d:%02d%s%03d", sign, a/3600000, a/60000%60, a/1000%60, sep, a%1000)
				if got := hmsms(d, sep); got != want {
					t.Errorf("hmsms(%v, %q) = %q, want %q", d, sep, got, want)
				}
			}
		}
	}
}
