package contracttests

import (
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"testing"
)

var (
	recordFlag = flag.Bool("record", false, "record fresh cassettes (make record / make record-local) instead of only replaying")
	recordDir  = flag.String("record-dir", "testdata", "directory the recordings are written to")
	recordFrom = flag.String("record-from", "stytch", `where to record from: "stytch" (needs STYTCH_* variables) or "local" (an in-process local provider)`)
)

// restores holds the undo steps of live runs, so that an interrupt (Ctrl-C,
// a CI cancellation) still puts the real connections back.
type restoreList struct {
	mu    sync.Mutex
	steps map[int]func()
	next  int
}

func (r *restoreList) add(fn func()) (remove func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.steps == nil {
		r.steps = map[int]func(){}
	}
	id := r.next
	r.next++
	r.steps[id] = fn
	return func() {
		r.mu.Lock()
		defer r.mu.Unlock()
		delete(r.steps, id)
	}
}

func (r *restoreList) runAll() {
	r.mu.Lock()
	steps := r.steps
	r.steps = nil
	r.mu.Unlock()
	for _, fn := range steps {
		fn()
	}
}

var pendingRestores restoreList

func TestMain(m *testing.M) {
	flag.Parse()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	go func() {
		s, ok := <-sig
		if !ok {
			return
		}
		fmt.Fprintf(os.Stderr, "contracttests: %v: restoring live connections before exiting\n", s)
		pendingRestores.runAll()
		os.Exit(1)
	}()
	code := m.Run()
	signal.Stop(sig)
	os.Exit(code)
}
