package execution

import (
	"runtime"
	"sync"

	"github.com/ethereum/go-ethereum/core/types"
)

// RecoverSenders recovers the senders of txs on all cores and caches each in
// its transaction, so execution finds it there. Order and results do not
// depend on scheduling: each goroutine fills its own transactions' caches.
func (e *Executor) RecoverSenders(txs []*types.Transaction) {
	workers := min(runtime.GOMAXPROCS(0), 8)
	if len(txs) < 16 || workers < 2 {
		for _, tx := range txs {
			if tx != nil {
				types.Sender(e.signer, tx) // errors surface again in execution
			}
		}
		return
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(txs); i += workers {
				if txs[i] != nil {
					types.Sender(e.signer, txs[i])
				}
			}
		})
	}
	wg.Wait()
}
