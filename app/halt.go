package app

import "sync"

// Halted is closed once the app has refused, for good, to finalize a block:
// the chain reached an upgrade this binary does not know. [App.HaltErr]
// says why. The node stops on it; CometBFT by itself would only stop its
// consensus and keep the process running.
func (a *App) Halted() <-chan struct{} { return a.halt.done }

// HaltErr is the reason of [App.Halted], wrapping [ErrUnknownUpgrade], or
// nil while the app has not halted.
func (a *App) HaltErr() error {
	select {
	case <-a.halt.done:
		return a.halt.err
	default:
		return nil
	}
}

// halt records the first refusal that stops the app.
type halt struct {
	once sync.Once
	done chan struct{}
	err  error // written before done is closed
}

func (h *halt) set(err error) {
	h.once.Do(func() {
		h.err = err
		close(h.done)
	})
}
