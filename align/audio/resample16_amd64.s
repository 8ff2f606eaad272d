#include "textflag.h"

// func resample16(p, in, kern []float32, adv []int, pos, frac int) (n, pos1, frac1 int)
TEXT ·resample16(SB), NOSPLIT, $0-136
	MOVQ p_base+0(FP), DI
	MOVQ p_len+8(FP), CX
	MOVQ in_base+24(FP), SI
	MOVQ in_len+32(FP), R9
	MOVQ kern_base+48(FP), R10
	MOVQ adv_base+72(FP), R11
	MOVQ adv_len+80(FP), R12
	MOVQ pos+96(FP), BX
	MOVQ frac+104(FP), DX
	XORQ AX, AX

loop:
	CMPQ AX, CX
	JGE  done
	LEAQ 8(BX), R8
	CMPQ R8, R9
	JGE  done

	// x = &in[pos-7], w = &kern[frac*16]
	LEAQ -28(SI)(BX*4), R8
	MOVQ DX, R13
	SHLQ $6, R13
	ADDQ R10, R13
	MOVUPS 0(R8), X0
	MOVUPS 0(R13), X4
	MULPS  X4, X0
	MOVUPS 16(R8), X1
	MOVUPS 16(R13), X5
	MULPS  X5, X1
	MOVUPS 32(R8), X2
	MOVUPS 32(R13), X6
	MULPS  X6, X2
	MOVUPS 48(R8), X3
	MOVUPS 48(R13), X7
	MULPS  X7, X3

	// a0..a3 = x[k]w[k] + x[k+8]w[k+8], a4..a7 likewise
	ADDPS X2, X0
	ADDPS X3, X1

	// [a0+a1, a2+a3, a4+a5, a6+a7]
	MOVAPS X0, X2
	SHUFPS $0x88, X1, X2
	SHUFPS $0xDD, X1, X0
	ADDPS  X2, X0

	// (a0+a1)+(a2+a3) in lane 0, (a4+a5)+(a6+a7) in lane 2
	MOVAPS X0, X1
	SHUFPS $0xB1, X1, X1
	ADDPS  X1, X0
	MOVHLPS X0, X1
	ADDSS  X1, X0
	MOVSS  X0, (DI)(AX*4)

	ADDQ (R11)(DX*8), BX
	INCQ DX
	CMPQ DX, R12
	JNE  next
	XORQ DX, DX

next:
	INCQ AX
	JMP  loop

done:
	MOVQ AX, n+112(FP)
	MOVQ BX, pos1+120(FP)
	MOVQ DX, frac1+128(FP)
	RET
