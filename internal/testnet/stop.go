package testnet

import "time"

// Stop stops in-process node i, as its operator would, and waits for it;
// [Network.Restart] runs it again.
func (n *Network) Stop(t TB, i int) {
	t.Helper()
	in := n.inproc[i]
	in.cancel()
	select {
	case <-in.done:
		in.seen = true
		if in.err != nil {
			t.Fatalf("%s stopped with: %v", n.Nodes[i].Name, in.err)
		}
	case <-time.After(stopTimeout):
		t.Fatalf("%s did not stop within %s", n.Nodes[i].Name, stopTimeout)
	}
}
