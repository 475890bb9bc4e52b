//go:build !unix

package gitstore

import "os"

// mapFile reads the file at path whole, where it cannot be mapped.
func mapFile(path string) ([]byte, error) { return os.ReadFile(path) }

func unmapWith[T any](*T, []byte) {}
