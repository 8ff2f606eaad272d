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

package bits

type Bits struct {
	vec     []byte
	bitPos  int
	bytePos int
}

func New(vec []byte) *Bits {
	return &Bits{
		vec: vec,
	}
}

// Reset makes b read vec from its start, so that a decoder can keep its
// Bits from frame to frame instead of allocating them.
func (b *Bits) Reset(vec []byte) {
	*b = Bits{vec: vec}
}

func Append(bits *Bits, buf []byte) *Bits {
	return New(append(bits.vec, buf...))
}

func (b *Bits) Bit() int {
	if len(b.vec) <= b.bytePos {
		// TODO: Should this return error?
		return 0
	}
	tmp := uint(b.vec[b.bytePos]) >> (7 - uint(b.bitPos))
	tmp &= 0x01
	b.bytePos += (b.bitPos + 1) >> 3
	b.bitPos = (b.bitPos + 1) & 0x07
	return int(tmp)
}

func (b *Bits) Bits(num int) int {
	if num == 0 {
		return 0
	}
	if len(b.vec) <= b.bytePos {
		// TODO: Should this return error?
		return 0
	}
	tmp := b.Peek32() >> (32 - uint(num))
	b.bytePos += (b.bitPos + num) >> 3
	b.bitPos = (b.bitPos + num) & 0x07
	return int(tmp)
}

// Peek32 returns the next 32 bits, zeros past the end, without reading
// them.
func (b *Bits) Peek32() uint32 {
	var v uint64
	p := b.bytePos
	if p >= 0 && p+5 <= len(b.vec) {
		q := b.vec[p : p+5]
		v = uint64(q[0])<<32 | uint64(q[1])<<24 | uint64(q[2])<<16 | uint64(q[3])<<8 | uint64(q[4])
	} else {
		for i := range 5 {
			v <<= 8
			if p+i >= 0 && p+i < len(b.vec) {
				v |= uint64(b.vec[p+i])
			}
		}
	}
	return uint32(v >> (8 - uint(b.bitPos)))
}

// Skip moves on by n bits.
func (b *Bits) Skip(n int) {
	b.SetPos(b.BitPos() + n)
}

func (b *Bits) BitPos() int {
	return b.bytePos<<3 + b.bitPos
}

func (b *Bits) SetPos(pos int) {
	b.bytePos = pos >> 3
	b.bitPos = pos & 0x7
}

func (b *Bits) LenInBytes() int {
	return len(b.vec)
}

func (b *Bits) Tail(offset int) []byte {
	return b.vec[len(b.vec)-offset:]
}
