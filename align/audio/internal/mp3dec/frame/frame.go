// Copyright 2017 Hajime Hoshi
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
//     http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

package frame

import (
	"fmt"
	"io"
	"math"

	"github.com/podpipe/podpipe/align/audio/internal/mp3dec/bits"
	"github.com/podpipe/podpipe/align/audio/internal/mp3dec/consts"
	"github.com/podpipe/podpipe/align/audio/internal/mp3dec/frameheader"
	"github.com/podpipe/podpipe/align/audio/internal/mp3dec/imdct"
	"github.com/podpipe/podpipe/align/audio/internal/mp3dec/maindata"
	"github.com/podpipe/podpipe/align/audio/internal/mp3dec/sideinfo"
)

var (
	powtab34 = make([]float64, 8207)
	pretab   = []float64{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 3, 2, 0}
)

func init() {
	for i := range powtab34 {
		powtab34[i] = math.Pow(float64(i), 4.0/3.0)
	}
}

type Frame struct {
	header   frameheader.FrameHeader
	sideInfo *sideinfo.SideInfo
	mainData *maindata.MainData

	mainDataBits *bits.Bits
	store        [2][32][18]float32
	v_vec        [2][1024]float32
	// lineLimit, when not 0, is the first spectral line of a long block
	// that DecodeMono leaves out.
	lineLimit int
	// vOff is where the newest 64 values of the synthesis vector start in
	// v_vec[0], a ring buffer (used by DecodeMono).
	vOff int
}

type FullReader interface {
	ReadFull([]byte) (int, error)
}

func readCRC(source FullReader) error {
	buf := make([]byte, 2)
	if n, err := source.ReadFull(buf); n < 2 {
		if err == io.EOF {
			return &consts.UnexpectedEOF{At: "readCRC"}
		}
		return fmt.Errorf("mp3: error at readCRC: %v", err)
	}
	return nil
}

func Read(source FullReader, position int64, prev *Frame) (frame *Frame, startPosition int64, err error) {
	h, pos, err := frameheader.Read(source, position)
	if err != nil {
		return nil, 0, err
	}

	if h.ProtectionBit() == 0 {
		if err := readCRC(source); err != nil {
			return nil, 0, err
		}
	}

	if h.ID() == consts.Version2_5 {
		return nil, 0, fmt.Errorf("mp3: MPEG version 2.5 is not supported")
	}
	if h.Layer() != consts.Layer3 {
		return nil, 0, fmt.Errorf("mp3: only layer3 (want %d; got %d) is supported", consts.Layer3, h.Layer())
	}

	var siReuse *sideinfo.SideInfo
	if prev != nil {
		siReuse = prev.sideInfo
	}
	si, err := sideinfo.Read(source, h, siReuse)
	if err != nil {
		return nil, 0, err
	}

	// If there's not enough main data in the bit reservoir,
	// signal to calling function so that decoding isn't done!
	// Get main data (scalefactors and Huffman coded frequency data)
	var prevM *bits.Bits
	var reuse *maindata.MainData
	lineLimit := 0
	if prev != nil {
		prevM = prev.mainDataBits
		reuse = prev.mainData
		lineLimit = prev.lineLimit
	}
	md, mdb, err := maindata.Read(source, prevM, h, si, reuse, lineLimit)
	if err != nil {
		return nil, 0, err
	}
	// The frame carries the filter banks' state on: reuse it rather than
	// copy 13 KB into a new one per frame.
	nf := prev
	if nf == nil {
		nf = &Frame{}
	}
	nf.header, nf.sideInfo, nf.mainData, nf.mainDataBits = h, si, md, mdb
	return nf, pos, nil
}

func (f *Frame) SamplingFrequency() (int, error) {
	return f.header.SamplingFrequencyValue()
}

// gainLong is the requantization gain of long-block scale factor band
// sfb: the same for every line of the band, so computed once per band.
func (f *Frame) gainLong(gr, ch, sfb int) float64 {
	sf_mult := 0.5
	if f.sideInfo.ScalefacScale[gr][ch] != 0 {
		sf_mult = 1.0
	}
	pf_x_pt := float64(f.sideInfo.Preflag[gr][ch]) * pretab[sfb]
	idx := -(sf_mult * (float64(f.mainData.ScalefacL[gr][ch][sfb]) + pf_x_pt)) +
		0.25*(float64(f.sideInfo.GlobalGain[gr][ch])-210)
	return pow2(idx)
}

// gainShort is gainLong for window win of a short block.
func (f *Frame) gainShort(gr, ch, sfb, win int) float64 {
	sf_mult := 0.5
	if f.sideInfo.ScalefacScale[gr][ch] != 0 {
		sf_mult = 1.0
	}
	idx := -(sf_mult * float64(f.mainData.ScalefacS[gr][ch][sfb][win])) +
		0.25*(float64(f.sideInfo.GlobalGain[gr][ch])-210.0-
			8.0*float64(f.sideInfo.SubblockGain[gr][ch][win]))
	return pow2(idx)
}

// requantizeLine scales the quantized value of line i by gain: |v|^(4/3)
// with v's sign.
func requantizeLine(x *[consts.SamplesPerGr]float32, i int, gain float64) {
	v := x[i]
	switch {
	case v == 0:
	case v < 0:
		x[i] = float32(gain * -powtab34[int(-v)])
	default:
		x[i] = float32(gain * powtab34[int(v)])
	}
}

func getSfBandIndicesArray(header *frameheader.FrameHeader) ([]int, []int) {
	sfreq := header.SamplingFrequency() // Setup sampling frequency index
	lsf := header.LowSamplingFrequency()
	sfBandIndicesShort := consts.SfBandIndices[lsf][sfreq][consts.SfBandIndicesShort]
	sfBandIndicesLong := consts.SfBandIndices[lsf][sfreq][consts.SfBandIndicesLong]
	return sfBandIndicesLong, sfBandIndicesShort
}

func (f *Frame) requantize(gr int, ch int) {
	x := &f.mainData.Is[gr][ch]
	sfBandIndicesLong, sfBandIndicesShort := getSfBandIndicesArray(&f.header)
	// Determine type of block to process
	if f.sideInfo.WinSwitchFlag[gr][ch] == 1 && f.sideInfo.BlockType[gr][ch] == 2 { // Short blocks
		// Check if the first two subbands
		// (=2*18 samples = 8 long or 3 short sfb's) uses long blocks
		if f.sideInfo.MixedBlockFlag[gr][ch] != 0 { // 2 longbl. sb  first
			// First process the 2 long block subbands at the start
			sfb := 0
			next_sfb := sfBandIndicesLong[sfb+1]
			gain := f.gainLong(gr, ch, sfb)
			for i := 0; i < 36; i++ {
				if i == next_sfb {
					sfb++
					next_sfb = sfBandIndicesLong[sfb+1]
					gain = f.gainLong(gr, ch, sfb)
				}
				requantizeLine(x, i, gain)
			}
			// And next the remaining,non-zero,bands which uses short blocks
			sfb = 3
			next_sfb = sfBandIndicesShort[sfb+1] * 3
			win_len := sfBandIndicesShort[sfb+1] -
				sfBandIndicesShort[sfb]

			for i := 36; i < int(f.sideInfo.Count1[gr][ch]); /* i++ done below! */ {
				// Check if we're into the next scalefac band
				if i == next_sfb {
					sfb++
					next_sfb = sfBandIndicesShort[sfb+1] * 3
					win_len = sfBandIndicesShort[sfb+1] -
						sfBandIndicesShort[sfb]
				}
				for win := 0; win < 3; win++ {
					gain := f.gainShort(gr, ch, sfb, win)
					for j := 0; j < win_len; j++ {
						requantizeLine(x, i, gain)
						i++
					}
				}

			}
		} else { // Only short blocks
			sfb := 0
			next_sfb := sfBandIndicesShort[sfb+1] * 3
			win_len := sfBandIndicesShort[sfb+1] -
				sfBandIndicesShort[sfb]
			for i := 0; i < int(f.sideInfo.Count1[gr][ch]); /* i++ done below! */ {
				// Check if we're into the next scalefac band
				if i == next_sfb {
					sfb++
					next_sfb = sfBandIndicesShort[sfb+1] * 3
					win_len = sfBandIndicesShort[sfb+1] -
						sfBandIndicesShort[sfb]
				}
				for win := 0; win < 3; win++ {
					gain := f.gainShort(gr, ch, sfb, win)
					for j := 0; j < win_len; j++ {
						requantizeLine(x, i, gain)
						i++
					}
				}
			}
		}
	} else { // Only long blocks
		sfb := 0
		next_sfb := sfBandIndicesLong[sfb+1]
		n := int(f.sideInfo.Count1[gr][ch])
		if f.lineLimit > 0 {
			n = min(n, f.lineLimit) // the lines above are not synthesised
		}
		gain := f.gainLong(gr, ch, sfb)
		for i := 0; i < n; i++ {
			if i == next_sfb {
				sfb++
				next_sfb = sfBandIndicesLong[sfb+1]
				gain = f.gainLong(gr, ch, sfb)
			}
			requantizeLine(x, i, gain)
		}
	}
}

func (f *Frame) reorder(gr int, ch int) {
	// Only reorder short blocks
	if (f.sideInfo.WinSwitchFlag[gr][ch] == 1) && (f.sideInfo.BlockType[gr][ch] == 2) { // Short blocks
		// The buffer is zeroed only for the blocks that need it.
		var reBuf [consts.SamplesPerGr]float32
		re := reBuf[:]
		_, sfBandIndicesShort := getSfBandIndicesArray(&f.header)
		// Check if the first two subbands
		// (=2*18 samples = 8 long or 3 short sfb's) uses long blocks
		sfb := 0
		// 2 longbl. sb  first
		if f.sideInfo.MixedBlockFlag[gr][ch] != 0 {
			sfb = 3
		}
		next_sfb := sfBandIndicesShort[sfb+1] * 3
		win_len := sfBandIndicesShort[sfb+1] - sfBandIndicesShort[sfb]
		i := 36
		if sfb == 0 {
			i = 0
		}
		for i < consts.SamplesPerGr {
			// Check if we're into the next scalefac band
			if i == next_sfb {
				// Copy reordered data back to the original vector
				j := 3 * sfBandIndicesShort[sfb]
				copy(f.mainData.Is[gr][ch][j:j+3*win_len], re[0:3*win_len])
				// Check if this band is above the rzero region,if so we're done
				if i >= f.sideInfo.Count1[gr][ch] {
					return
				}
				sfb++
				next_sfb = sfBandIndicesShort[sfb+1] * 3
				win_len = sfBandIndicesShort[sfb+1] - sfBandIndicesShort[sfb]
			}
			for win := 0; win < 3; win++ { // Do the actual reordering
				for j := 0; j < win_len; j++ {
					re[j*3+win] = f.mainData.Is[gr][ch][i]
					i++
				}
			}
		}
		// Copy reordered data of last band back to original vector
		j := 3 * sfBandIndicesShort[12]
		copy(f.mainData.Is[gr][ch][j:j+3*win_len], re[0:3*win_len])
	}
}

var (
	isRatios = []float32{0.000000, 0.267949, 0.577350, 1.000000, 1.732051, 3.732051}
)

func (f *Frame) stereoProcessIntensityLong(gr int, sfb int) {
	is_ratio_l := float32(0)
	is_ratio_r := float32(0)
	// Check that((is_pos[sfb]=scalefac) < 7) => no intensity stereo
	if is_pos := f.mainData.ScalefacL[gr][0][sfb]; is_pos < 7 {
		sfBandIndicesLong, _ := getSfBandIndicesArray(&f.header)
		sfb_start := sfBandIndicesLong[sfb]
		sfb_stop := sfBandIndicesLong[sfb+1]
		if is_pos == 6 { // tan((6*PI)/12 = PI/2) needs special treatment!
			is_ratio_l = 1.0
			is_ratio_r = 0.0
		} else {
			is_ratio_l = isRatios[is_pos] / (1.0 + isRatios[is_pos])
			is_ratio_r = 1.0 / (1.0 + isRatios[is_pos])
		}
		// Now decode all samples in this scale factor band
		for i := sfb_start; i < sfb_stop; i++ {
			f.mainData.Is[gr][0][i] *= is_ratio_l
			f.mainData.Is[gr][1][i] *= is_ratio_r
		}
	}
}

func (f *Frame) stereoProcessIntensityShort(gr int, sfb int) {
	is_ratio_l := float32(0)
	is_ratio_r := float32(0)
	_, sfBandIndicesShort := getSfBandIndicesArray(&f.header)
	// The window length
	win_len := sfBandIndicesShort[sfb+1] - sfBandIndicesShort[sfb]
	// The three windows within the band has different scalefactors
	for win := 0; win < 3; win++ {
		// Check that((is_pos[sfb]=scalefac) < 7) => no intensity stereo
		is_pos := f.mainData.ScalefacS[gr][0][sfb][win]
		if is_pos < 7 {
			sfb_start := sfBandIndicesShort[sfb]*3 + win_len*win
			sfb_stop := sfb_start + win_len
			if is_pos == 6 { // tan((6*PI)/12 = PI/2) needs special treatment!
				is_ratio_l = 1.0
				is_ratio_r = 0.0
			} else {
				is_ratio_l = isRatios[is_pos] / (1.0 + isRatios[is_pos])
				is_ratio_r = 1.0 / (1.0 + isRatios[is_pos])
			}
			// Now decode all samples in this scale factor band
			for i := sfb_start; i < sfb_stop; i++ {
				// https://github.com/technosaurus/PDMP3/issues/3
				f.mainData.Is[gr][0][i] *= is_ratio_l
				f.mainData.Is[gr][1][i] *= is_ratio_r
			}
		}
	}
}

func (f *Frame) stereo(gr int) {
	if f.header.UseMSStereo() {
		// Determine how many frequency lines to transform
		i := 1
		if f.sideInfo.Count1[gr][0] > f.sideInfo.Count1[gr][1] {
			i = 0
		}
		max_pos := int(f.sideInfo.Count1[gr][i])
		// Do the actual processing
		const invSqrt2 = math.Sqrt2 / 2
		for i := 0; i < max_pos; i++ {
			left := (f.mainData.Is[gr][0][i] + f.mainData.Is[gr][1][i]) * invSqrt2
			right := (f.mainData.Is[gr][0][i] - f.mainData.Is[gr][1][i]) * invSqrt2
			f.mainData.Is[gr][0][i] = left
			f.mainData.Is[gr][1][i] = right
		}
	}

	if f.header.UseIntensityStereo() {
		sfBandIndicesLong, sfBandIndicesShort := getSfBandIndicesArray(&f.header)
		// First band that is intensity stereo encoded is first band scale factor
		// band on or above count1 frequency line. N.B.: Intensity stereo coding is
		// only done for higher subbands, but logic is here for lower subbands.
		// Determine type of block to process
		if (f.sideInfo.WinSwitchFlag[gr][0] == 1) &&
			(f.sideInfo.BlockType[gr][0] == 2) { // Short blocks
			// Check if the first two subbands
			// (=2*18 samples = 8 long or 3 short sfb's) uses long blocks
			if f.sideInfo.MixedBlockFlag[gr][0] != 0 { // 2 longbl. sb  first
				for sfb := 0; sfb < 8; sfb++ { // First process 8 sfb's at start
					// Is this scale factor band above count1 for the right channel?
					if sfBandIndicesLong[sfb] >= f.sideInfo.Count1[gr][1] {
						f.stereoProcessIntensityLong(gr, sfb)
					}
				}
				// And next the remaining bands which uses short blocks
				for sfb := 3; sfb < 12; sfb++ {
					// Is this scale factor band above count1 for the right channel?
					if sfBandIndicesShort[sfb]*3 >= f.sideInfo.Count1[gr][1] {
						f.stereoProcessIntensityShort(gr, sfb)
					}
				}
			} else { // Only short blocks
				for sfb := 0; sfb < 12; sfb++ {
					// Is this scale factor band above count1 for the right channel?
					if sfBandIndicesShort[sfb]*3 >= f.sideInfo.Count1[gr][1] {
						f.stereoProcessIntensityShort(gr, sfb)
					}
				}
			}
		} else { // Only long blocks
			for sfb := 0; sfb < 21; sfb++ {
				// Is this scale factor band above count1 for the right channel?
				if sfBandIndicesLong[sfb] >= f.sideInfo.Count1[gr][1] {
					f.stereoProcessIntensityLong(gr, sfb)
				}
			}
		}
	}
}

var (
	cs = []float32{0.857493, 0.881742, 0.949629, 0.983315, 0.995518, 0.999161, 0.999899, 0.999993}
	ca = []float32{-0.514496, -0.471732, -0.313377, -0.181913, -0.094574, -0.040966, -0.014199, -0.003700}
)

func (f *Frame) frequencyInversion(gr int, ch int) {
	for sb := 1; sb < 32; sb += 2 {
		for i := 1; i < 18; i += 2 {
			f.mainData.Is[gr][ch][sb*18+i] = -f.mainData.Is[gr][ch][sb*18+i]
		}
	}
}

var synthNWin = [64][32]float32{}

func init() {
	for i := 0; i < 64; i++ {
		for j := 0; j < 32; j++ {
			synthNWin[i][j] =
				float32(math.Cos(float64((16+i)*(2*j+1)) * (math.Pi / 64.0)))
		}
	}
}

var synthDtbl = [512]float32{
	0.000000000, -0.000015259, -0.000015259, -0.000015259,
	-0.000015259, -0.000015259, -0.000015259, -0.000030518,
	-0.000030518, -0.000030518, -0.000030518, -0.000045776,
	-0.000045776, -0.000061035, -0.000061035, -0.000076294,
	-0.000076294, -0.000091553, -0.000106812, -0.000106812,
	-0.000122070, -0.000137329, -0.000152588, -0.000167847,
	-0.000198364, -0.000213623, -0.000244141, -0.000259399,
	-0.000289917, -0.000320435, -0.000366211, -0.000396729,
	-0.000442505, -0.000473022, -0.000534058, -0.000579834,
	-0.000625610, -0.000686646, -0.000747681, -0.000808716,
	-0.000885010, -0.000961304, -0.001037598, -0.001113892,
	-0.001205444, -0.001296997, -0.001388550, -0.001480103,
	-0.001586914, -0.001693726, -0.001785278, -0.001907349,
	-0.002014160, -0.002120972, -0.002243042, -0.002349854,
	-0.002456665, -0.002578735, -0.002685547, -0.002792358,
	-0.002899170, -0.002990723, -0.003082275, -0.003173828,
	0.003250122, 0.003326416, 0.003387451, 0.003433228,
	0.003463745, 0.003479004, 0.003479004, 0.003463745,
	0.003417969, 0.003372192, 0.003280640, 0.003173828,
	0.003051758, 0.002883911, 0.002700806, 0.002487183,
	0.002227783, 0.001937866, 0.001617432, 0.001266479,
	0.000869751, 0.000442505, -0.000030518, -0.000549316,
	-0.001098633, -0.001693726, -0.002334595, -0.003005981,
	-0.003723145, -0.004486084, -0.005294800, -0.006118774,
	-0.007003784, -0.007919312, -0.008865356, -0.009841919,
	-0.010848999, -0.011886597, -0.012939453, -0.014022827,
	-0.015121460, -0.016235352, -0.017349243, -0.018463135,
	-0.019577026, -0.020690918, -0.021789551, -0.022857666,
	-0.023910522, -0.024932861, -0.025909424, -0.026840210,
	-0.027725220, -0.028533936, -0.029281616, -0.029937744,
	-0.030532837, -0.031005859, -0.031387329, -0.031661987,
	-0.031814575, -0.031845093, -0.031738281, -0.031478882,
	0.031082153, 0.030517578, 0.029785156, 0.028884888,
	0.027801514, 0.026535034, 0.025085449, 0.023422241,
	0.021575928, 0.019531250, 0.017257690, 0.014801025,
	0.012115479, 0.009231567, 0.006134033, 0.002822876,
	-0.000686646, -0.004394531, -0.008316040, -0.012420654,
	-0.016708374, -0.021179199, -0.025817871, -0.030609131,
	-0.035552979, -0.040634155, -0.045837402, -0.051132202,
	-0.056533813, -0.061996460, -0.067520142, -0.073059082,
	-0.078628540, -0.084182739, -0.089706421, -0.095169067,
	-0.100540161, -0.105819702, -0.110946655, -0.115921021,
	-0.120697021, -0.125259399, -0.129562378, -0.133590698,
	-0.137298584, -0.140670776, -0.143676758, -0.146255493,
	-0.148422241, -0.150115967, -0.151306152, -0.151962280,
	-0.152069092, -0.151596069, -0.150497437, -0.148773193,
	-0.146362305, -0.143264771, -0.139450073, -0.134887695,
	-0.129577637, -0.123474121, -0.116577148, -0.108856201,
	0.100311279, 0.090927124, 0.080688477, 0.069595337,
	0.057617188, 0.044784546, 0.031082153, 0.016510010,
	0.001068115, -0.015228271, -0.032379150, -0.050354004,
	-0.069168091, -0.088775635, -0.109161377, -0.130310059,
	-0.152206421, -0.174789429, -0.198059082, -0.221984863,
	-0.246505737, -0.271591187, -0.297210693, -0.323318481,
	-0.349868774, -0.376800537, -0.404083252, -0.431655884,
	-0.459472656, -0.487472534, -0.515609741, -0.543823242,
	-0.572036743, -0.600219727, -0.628295898, -0.656219482,
	-0.683914185, -0.711318970, -0.738372803, -0.765029907,
	-0.791213989, -0.816864014, -0.841949463, -0.866363525,
	-0.890090942, -0.913055420, -0.935195923, -0.956481934,
	-0.976852417, -0.996246338, -1.014617920, -1.031936646,
	-1.048156738, -1.063217163, -1.077117920, -1.089782715,
	-1.101211548, -1.111373901, -1.120223999, -1.127746582,
	-1.133926392, -1.138763428, -1.142211914, -1.144287109,
	1.144989014, 1.144287109, 1.142211914, 1.138763428,
	1.133926392, 1.127746582, 1.120223999, 1.111373901,
	1.101211548, 1.089782715, 1.077117920, 1.063217163,
	1.048156738, 1.031936646, 1.014617920, 0.996246338,
	0.976852417, 0.956481934, 0.935195923, 0.913055420,
	0.890090942, 0.866363525, 0.841949463, 0.816864014,
	0.791213989, 0.765029907, 0.738372803, 0.711318970,
	0.683914185, 0.656219482, 0.628295898, 0.600219727,
	0.572036743, 0.543823242, 0.515609741, 0.487472534,
	0.459472656, 0.431655884, 0.404083252, 0.376800537,
	0.349868774, 0.323318481, 0.297210693, 0.271591187,
	0.246505737, 0.221984863, 0.198059082, 0.174789429,
	0.152206421, 0.130310059, 0.109161377, 0.088775635,
	0.069168091, 0.050354004, 0.032379150, 0.015228271,
	-0.001068115, -0.016510010, -0.031082153, -0.044784546,
	-0.057617188, -0.069595337, -0.080688477, -0.090927124,
	0.100311279, 0.108856201, 0.116577148, 0.123474121,
	0.129577637, 0.134887695, 0.139450073, 0.143264771,
	0.146362305, 0.148773193, 0.150497437, 0.151596069,
	0.152069092, 0.151962280, 0.151306152, 0.150115967,
	0.148422241, 0.146255493, 0.143676758, 0.140670776,
	0.137298584, 0.133590698, 0.129562378, 0.125259399,
	0.120697021, 0.115921021, 0.110946655, 0.105819702,
	0.100540161, 0.095169067, 0.089706421, 0.084182739,
	0.078628540, 0.073059082, 0.067520142, 0.061996460,
	0.056533813, 0.051132202, 0.045837402, 0.040634155,
	0.035552979, 0.030609131, 0.025817871, 0.021179199,
	0.016708374, 0.012420654, 0.008316040, 0.004394531,
	0.000686646, -0.002822876, -0.006134033, -0.009231567,
	-0.012115479, -0.014801025, -0.017257690, -0.019531250,
	-0.021575928, -0.023422241, -0.025085449, -0.026535034,
	-0.027801514, -0.028884888, -0.029785156, -0.030517578,
	0.031082153, 0.031478882, 0.031738281, 0.031845093,
	0.031814575, 0.031661987, 0.031387329, 0.031005859,
	0.030532837, 0.029937744, 0.029281616, 0.028533936,
	0.027725220, 0.026840210, 0.025909424, 0.024932861,
	0.023910522, 0.022857666, 0.021789551, 0.020690918,
	0.019577026, 0.018463135, 0.017349243, 0.016235352,
	0.015121460, 0.014022827, 0.012939453, 0.011886597,
	0.010848999, 0.009841919, 0.008865356, 0.007919312,
	0.007003784, 0.006118774, 0.005294800, 0.004486084,
	0.003723145, 0.003005981, 0.002334595, 0.001693726,
	0.001098633, 0.000549316, 0.000030518, -0.000442505,
	-0.000869751, -0.001266479, -0.001617432, -0.001937866,
	-0.002227783, -0.002487183, -0.002700806, -0.002883911,
	-0.003051758, -0.003173828, -0.003280640, -0.003372192,
	-0.003417969, -0.003463745, -0.003479004, -0.003479004,
	-0.003463745, -0.003433228, -0.003387451, -0.003326416,
	0.003250122, 0.003173828, 0.003082275, 0.002990723,
	0.002899170, 0.002792358, 0.002685547, 0.002578735,
	0.002456665, 0.002349854, 0.002243042, 0.002120972,
	0.002014160, 0.001907349, 0.001785278, 0.001693726,
	0.001586914, 0.001480103, 0.001388550, 0.001296997,
	0.001205444, 0.001113892, 0.001037598, 0.000961304,
	0.000885010, 0.000808716, 0.000747681, 0.000686646,
	0.000625610, 0.000579834, 0.000534058, 0.000473022,
	0.000442505, 0.000396729, 0.000366211, 0.000320435,
	0.000289917, 0.000259399, 0.000244141, 0.000213623,
	0.000198364, 0.000167847, 0.000152588, 0.000137329,
	0.000122070, 0.000106812, 0.000106812, 0.000091553,
	0.000076294, 0.000076294, 0.000061035, 0.000061035,
	0.000045776, 0.000045776, 0.000030518, 0.000030518,
	0.000030518, 0.000030518, 0.000015259, 0.000015259,
	0.000015259, 0.000015259, 0.000015259, 0.000015259,
}

// pow2tab holds 2^(q/4) for the quarter steps requantization uses.
var pow2tab = func() (t [1024]float64) {
	for i := range t {
		t[i] = math.Pow(2, float64(i-pow2off)/4)
	}
	return t
}()

const pow2off = 768

// pow2 returns 2^idx for idx a multiple of 1/4, from a table: math.Pow for
// every spectral line took an eighth of the decoding time.
func pow2(idx float64) float64 {
	q := int(math.Round(idx*4)) + pow2off
	if q < 0 || q >= len(pow2tab) {
		return math.Pow(2, idx)
	}
	return pow2tab[q]
}

// DecodeMono decodes the frame into out, the channels averaged, as samples
// in [-1, 1], and returns how many it wrote (576 per granule; out must
// hold 1152). Subbands from sbLimit up, whose frequencies the caller does
// not need, are not synthesised: the channels are mixed before the costly
// polyphase synthesis, which is linear, so it runs once.
//
// With half 1, only the even samples are synthesised (288 per granule),
// with 2 only the odd ones: the signal at half the rate, free of aliasing
// as long as sbLimit is at most 16, the synthesis filter bank's own
// leakage aside.
func (f *Frame) DecodeMono(out []float32, sbLimit int, half int) int {
	sbLimit = max(1, min(sbLimit, 32))
	f.lineLimit = sbLimit * 18
	nch := f.header.NumberOfChannels()
	ng := f.header.Granules()
	for gr := 0; gr < ng; gr++ {
		for ch := 0; ch < nch; ch++ {
			f.requantize(gr, ch)
			f.reorder(gr, ch)
		}
		f.stereo(gr)
		for ch := 0; ch < nch; ch++ {
			f.antialiasTo(gr, ch, sbLimit)
			f.hybridTo(gr, ch, sbLimit)
			f.frequencyInversion(gr, ch)
		}
		d := &f.mainData.Is[gr][0]
		if nch == 2 {
			r := &f.mainData.Is[gr][1]
			for i := 0; i < sbLimit*18; i++ {
				d[i] = (d[i] + r[i]) * 0.5
			}
		}
		for i := sbLimit * 18; i < consts.SamplesPerGr; i++ {
			d[i] = 0
		}
		n := consts.SamplesPerGr
		if half != 0 {
			n /= 2
		}
		f.synthesisMono(d, out[gr*n:(gr+1)*n], half)
	}
	if half != 0 {
		return ng * consts.SamplesPerGr / 2
	}
	return ng * consts.SamplesPerGr
}

func (f *Frame) antialiasTo(gr, ch, sbLimit int) {
	si := f.sideInfo
	if si.WinSwitchFlag[gr][ch] == 1 && si.BlockType[gr][ch] == 2 && si.MixedBlockFlag[gr][ch] == 0 {
		return
	}
	sblim := sbLimit
	if si.WinSwitchFlag[gr][ch] == 1 && si.BlockType[gr][ch] == 2 && si.MixedBlockFlag[gr][ch] == 1 {
		sblim = min(2, sbLimit)
	}
	x := &f.mainData.Is[gr][ch]
	for sb := 1; sb < sblim; sb++ {
		for i := 0; i < 8; i++ {
			li := 18*sb - 1 - i
			ui := 18*sb + i
			lb := x[li]*cs[i] - x[ui]*ca[i]
			ub := x[ui]*cs[i] + x[li]*ca[i]
			x[li] = lb
			x[ui] = ub
		}
	}
}

// hybridTo is hybridSynthesis for the subbands below sbLimit; a subband
// with no spectral lines only releases what overlaps from the last one.
func (f *Frame) hybridTo(gr, ch, sbLimit int) {
	si := f.sideInfo
	x := &f.mainData.Is[gr][ch]
	for sb := 0; sb < 32; sb++ {
		in := x[sb*18 : sb*18+18]
		st := &f.store[ch][sb]
		if sb >= sbLimit {
			*st = [18]float32{}
			continue
		}
		// Lines past the last non-zero one add nothing to the IMDCT.
		n := len(in)
		for n > 0 && in[n-1] == 0 {
			n--
		}
		if n == 0 {
			copy(in, st[:])
			*st = [18]float32{}
			continue
		}
		bt := int(si.BlockType[gr][ch])
		if si.WinSwitchFlag[gr][ch] == 1 && si.MixedBlockFlag[gr][ch] == 1 && sb < 2 {
			bt = 0
		}
		var raw [36]float32
		imdct.WinTo(&raw, in, n, bt)
		for i := 0; i < 18; i++ {
			in[i] = raw[i] + st[i]
			st[i] = raw[i+18]
		}
	}
}

// synthesisMono is the polyphase synthesis filter bank for one granule of
// one channel: per time slot, the 64-value matrixing is a 32-point DCT-II
// (Lee's fast algorithm instead of a 64x32 product), the history a ring.
func (f *Frame) synthesisMono(d *[consts.SamplesPerGr]float32, out []float32, half int) {
	v := &f.v_vec[0]
	var s, tmp [32]float32
	for ss := 0; ss < 18; ss++ {
		for i := range s {
			s[i] = d[i*18+ss]
		}
		dct32(&s, &tmp)
		f.vOff = (f.vOff - 64) & 1023
		w := (*[64]float32)(v[f.vOff:])
		// V[i] = X[16+i] for i < 16, 0 at 16, -X[48-i] up to 47, -X[i-48] after.
		for i := 0; i < 16; i++ {
			w[i] = s[16+i]
			w[48+i] = -s[i]
		}
		w[16] = 0
		for i := 1; i < 16; i++ {
			w[16+i] = -s[32-i]
		}
		for i := 0; i < 16; i++ {
			w[32+i] = -s[16-i]
		}
		if half != 0 {
			f.window16((*[16]float32)(out[ss*16:]), half-1)
		} else {
			f.window32((*[32]float32)(out[ss*32:]))
		}
	}
}

// window32Go computes the 32 output samples of a time slot from the
// synthesis vector, each a sum of 16 products taken row by row in order
// (row 2k reads the vector at vOff+128k, row 2k+1 at vOff+128k+96): the
// order window32SSE adds them in, so that every build gives the same
// samples and window16's are exactly every other one of them. The
// products are rounded before they are added (float32(...)), as SSE
// does, so that no build fuses them into the sums.
func (f *Frame) window32Go(o *[32]float32) {
	v := &f.v_vec[0]
	var acc [32]float32
	for r := range synthD {
		row := (*[32]float32)(v[(f.vOff+64*r+32*(r&1))&1023:])
		d := &synthD[r]
		for j := range acc {
			acc[j] += float32(row[j] * d[j])
		}
	}
	*o = acc
}

// window16 is window32 for the even (odd = 0) or odd (1) output samples
// only, summed in the same order.
func (f *Frame) window16(o *[16]float32, odd int) {
	v := &f.v_vec[0]
	var acc [16]float32
	for r := range synthD {
		row := (*[32]float32)(v[(f.vOff+64*r+32*(r&1))&1023:])
		d := &synthD[r]
		for k := range acc {
			j := (2*k + odd) & 31
			acc[k] += float32(row[j] * d[j])
		}
	}
	*o = acc
}

// synthD is synthDtbl in rows of 32: rows 2i and 2i+1 weigh the two
// halves of the synthesis vector that step i of the window reads.
var synthD = func() (d [16][32]float32) {
	for r := range d {
		copy(d[r][:], synthDtbl[32*r:])
	}
	return d
}()

// dctCos[n] holds 1/(2cos((2j+1)π/(2n))) for the odd half of a DCT-II of
// size n.
var dctCos = func() map[int][]float32 {
	m := map[int][]float32{}
	for n := 2; n <= 32; n *= 2 {
		c := make([]float32, n/2)
		for j := range c {
			c[j] = float32(0.5 / math.Cos(float64(2*j+1)*math.Pi/float64(2*n)))
		}
		m[n] = c
	}
	return m
}()

var (
	dctC32 = [16]float32(dctCos[32])
	dctC16 = [8]float32(dctCos[16])
	dctC8  = [4]float32(dctCos[8])
	dctC4  = [2]float32(dctCos[4])
	dctC2  = dctCos[2][0]
)

// dct32 replaces x with its DCT-II, X[k] = Σ x[j] cos(πk(2j+1)/64), by
// Lee's recursive split into an even and an odd half (fixed sizes, so
// no bounds checks and few calls).
func dct32(x, _ *[32]float32) {
	var a, b [16]float32
	for j := 0; j < 16; j++ {
		u, w := x[j], x[31-j]
		a[j] = u + w
		b[j] = (u - w) * dctC32[j]
	}
	dct16(&a)
	dct16(&b)
	for m := 0; m < 15; m++ {
		x[2*m] = a[m]
		x[2*m+1] = b[m] + b[m+1]
	}
	x[30], x[31] = a[15], b[15]
}

func dct16(x *[16]float32) {
	var a, b [8]float32
	for j := 0; j < 8; j++ {
		u, w := x[j], x[15-j]
		a[j] = u + w
		b[j] = (u - w) * dctC16[j]
	}
	dct8(&a)
	dct8(&b)
	for m := 0; m < 7; m++ {
		x[2*m] = a[m]
		x[2*m+1] = b[m] + b[m+1]
	}
	x[14], x[15] = a[7], b[7]
}

func dct8(x *[8]float32) {
	// The two 4-point halves written out (a call each cost as much as
	// their sums).
	a0, a1, a2, a3 := x[0]+x[7], x[1]+x[6], x[2]+x[5], x[3]+x[4]
	b0, b1, b2, b3 := (x[0]-x[7])*dctC8[0], (x[1]-x[6])*dctC8[1], (x[2]-x[5])*dctC8[2], (x[3]-x[4])*dctC8[3]
	A0, A1, A2, A3 := dct4(a0, a1, a2, a3)
	B0, B1, B2, B3 := dct4(b0, b1, b2, b3)
	x[0], x[1] = A0, B0+B1
	x[2], x[3] = A1, B1+B2
	x[4], x[5] = A2, B2+B3
	x[6], x[7] = A3, B3
}

// dct4 is the 4-point DCT-II of (x0, x1, x2, x3).
func dct4(x0, x1, x2, x3 float32) (float32, float32, float32, float32) {
	a0, a1 := x0+x3, x1+x2
	b0, b1 := (x0-x3)*dctC4[0], (x1-x2)*dctC4[1]
	// DCT-II of 2: (p+q, (p-q)·c2).
	A0, A1 := a0+a1, (a0-a1)*dctC2
	B0, B1 := b0+b1, (b0-b1)*dctC2
	return A0, B0 + B1, A1, B1
}
