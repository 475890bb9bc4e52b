package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// stopSignals stop zonectl as Ctrl-C does: the command's context is
// cancelled, so that the work stops at its next check, its deferred
// clean-up runs (temporary files and directories, a deployment's child
// processes), and zonectl exits 128 plus the signal's number.
var stopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}

// signalNames name stopSignals as kill(1) and the docs do.
var signalNames = map[os.Signal]string{os.Interrupt: "SIGINT", syscall.SIGTERM: "SIGTERM", syscall.SIGHUP: "SIGHUP"}

// stopper cancels a context on the first of stopSignals, and gives the
// next back to the system: a second signal while zonectl cleans up ends
// it at once.
type stopper struct {
	ch     chan os.Signal
	done   chan struct{}
	cancel context.CancelFunc

	mu  sync.Mutex
	sig os.Signal
}

// notifyStop returns a context that the first of stopSignals cancels. A
// signal ignored when zonectl started (nohup, a background job of a
// script) stays ignored.
func notifyStop(parent context.Context) (context.Context, *stopper) {
	ctx, cancel := context.WithCancel(parent)
	s := &stopper{ch: make(chan os.Signal, 1), done: make(chan struct{}), cancel: cancel}
	var watched []os.Signal
	for _, sig := range stopSignals {
		if !signal.Ignored(sig) {
			watched = append(watched, sig)
		}
	}
	if len(watched) > 0 {
		signal.Notify(s.ch, watched...)
	}
	go func() {
		select {
		case sig := <-s.ch:
			s.mu.Lock()
			s.sig = sig
			s.mu.Unlock()
			signal.Stop(s.ch)
			cancel()
		case <-s.done:
		}
	}()
	return ctx, s
}

// received is the signal that stopped the command, or nil.
func (s *stopper) received() os.Signal {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sig
}

// stop stops watching for signals and releases the context.
func (s *stopper) stop() {
	signal.Stop(s.ch)
	close(s.done)
	s.cancel()
}

// interrupted is a command stopped by a signal: its work was cut short,
// and what it had started was cleaned up. It replaces whatever error the
// command returned, which the cancellation most likely caused.
type interrupted struct{ sig os.Signal }

func (e *interrupted) Error() string {
	name, ok := signalNames[e.sig]
	if !ok {
		name = e.sig.String()
	}
	return fmt.Sprintf("interrupted (%s)", name)
}

// status is the exit status of a process the signal ended, as shells
// report it: 128 plus the signal's number.
func (e *interrupted) status() int {
	if n, ok := e.sig.(syscall.Signal); ok {
		return exitSignal + int(n)
	}
	return exitFailed
}
