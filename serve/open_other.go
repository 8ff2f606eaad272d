//go:build !unix

package serve

import "os"

// openFlags: no FIFOs to wait on here.
const openFlags = os.O_RDONLY
