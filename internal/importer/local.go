package importer

import (
	"context"
	"errors"
	"fmt"
	"github.com/zonectl/zonectl/internal/refusal"
	"syscall"
)

// refuseOrFail refuses the bundle for err, as refuse does, unless err is
// this machine failing rather than the bundle: its disk full or over
// quota, or the import cancelled (Ctrl-C, a signal). That is returned as
// the error it is, wrapped, so that the command line can say what to do
// about it and give the exit status for a failure, not a refusal.
func refuseOrFail(name, reason string, err error) error {
	if isLocal(err) {
		return fmt.Errorf("import %s: %w", name, err)
	}
	return refuseErr(name, reason, err)
}

// refuseErr refuses the bundle for err, kept as the refusal's cause;
// reason, when not empty, says what err is about ("package web 1.0.0").
func refuseErr(name, reason string, err error) error {
	return refusal.Wrap("bundle "+name, reason, err)
}

// isLocal reports whether err comes from this machine rather than from
// the bundle.
func isLocal(err error) bool {
	return errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
