#include "textflag.h"

// func radix4SSE2(re, im *float64, q int, w1r, w1i, w2r, w2i, w3r, w3i *float64)
//
// AX, BX walk r0 and i0; the other quarters are CX (q in bytes), 2CX and
// DX (3q in bytes) further on; SI indexes the twiddles.
TEXT ·radix4SSE2(SB), NOSPLIT, $0-72
	MOVQ re+0(FP), AX
	MOVQ im+8(FP), BX
	MOVQ q+16(FP), CX
	MOVQ w1r+24(FP), R8
	MOVQ w1i+32(FP), R9
	MOVQ w2r+40(FP), R10
	MOVQ w2i+48(FP), R11
	MOVQ w3r+56(FP), R12
	MOVQ w3i+64(FP), R13
	SHLQ $3, CX
	LEAQ (CX)(CX*2), DX
	XORQ SI, SI

loop:
	// t1 = W^2k · (r1, i1)
	MOVUPD (AX)(CX*1), X0
	MOVUPD (BX)(CX*1), X1
	MOVUPD (R10)(SI*1), X2
	MOVUPD (R11)(SI*1), X3
	MOVAPD X0, X4
	MULPD  X2, X4
	MOVAPD X1, X5
	MULPD  X3, X5
	SUBPD  X5, X4
	MULPD  X2, X1
	MULPD  X3, X0
	ADDPD  X0, X1

	// t2 = W^k · (r2, i2): X6, X7
	MOVUPD (AX)(CX*2), X0
	MOVUPD (BX)(CX*2), X7
	MOVUPD (R8)(SI*1), X2
	MOVUPD (R9)(SI*1), X3
	MOVAPD X0, X6
	MULPD  X2, X6
	MOVAPD X7, X5
	MULPD  X3, X5
	SUBPD  X5, X6
	MULPD  X2, X7
	MULPD  X3, X0
	ADDPD  X0, X7

	// t3 = W^3k · (r3, i3): X8, X9
	MOVUPD (AX)(DX*1), X0
	MOVUPD (BX)(DX*1), X9
	MOVUPD (R12)(SI*1), X2
	MOVUPD (R13)(SI*1), X3
	MOVAPD X0, X8
	MULPD  X2, X8
	MOVAPD X9, X5
	MULPD  X3, X5
	SUBPD  X5, X8
	MULPD  X2, X9
	MULPD  X3, X0
	ADDPD  X0, X9

	// t0
	MOVUPD (AX), X10
	MOVUPD (BX), X11

	// s = t0 + t1 (X12, X13), d = t0 - t1 (X10, X11)
	MOVAPD X10, X12
	ADDPD  X4, X12
	SUBPD  X4, X10
	MOVAPD X11, X13
	ADDPD  X1, X13
	SUBPD  X1, X11

	// p = t2 + t3 (X4, X1), m = t2 - t3 (X6, X7)
	MOVAPD X6, X4
	ADDPD  X8, X4
	SUBPD  X8, X6
	MOVAPD X7, X1
	ADDPD  X9, X1
	SUBPD  X9, X7

	// r0 = sr+pr, r2 = sr-pr, i0 = si+pi, i2 = si-pi
	MOVAPD X12, X0
	ADDPD  X4, X0
	MOVUPD X0, (AX)
	SUBPD  X4, X12
	MOVUPD X12, (AX)(CX*2)
	MOVAPD X13, X0
	ADDPD  X1, X0
	MOVUPD X0, (BX)
	SUBPD  X1, X13
	MOVUPD X13, (BX)(CX*2)

	// r1 = dr+mi, r3 = dr-mi, i1 = di-mr, i3 = di+mr
	MOVAPD X10, X0
	ADDPD  X7, X0
	MOVUPD X0, (AX)(CX*1)
	SUBPD  X7, X10
	MOVUPD X10, (AX)(DX*1)
	MOVAPD X11, X0
	SUBPD  X6, X0
	MOVUPD X0, (BX)(CX*1)
	ADDPD  X6, X11
	MOVUPD X11, (BX)(DX*1)

	ADDQ $16, AX
	ADDQ $16, BX
	ADDQ $16, SI
	CMPQ SI, CX
	JLT  loop
	RET
