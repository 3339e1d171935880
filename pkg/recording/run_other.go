//go:build !unix

package recording

// processAlive reports every process as alive where this package cannot
// ask the system: leftovers of interrupted runs are then left alone (and
// named by their directory) rather than removed from under a live run.
func processAlive(string) bool { return true }
