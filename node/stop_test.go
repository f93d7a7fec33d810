package node_test

import (
	"io"
	"net"
	"testing"
	"time"

	"github.com/redmx/redmx/devnet"
	"github.com/redmx/redmx/internal/testnet"
)

// TestStopWithSlowClient: a client holding the RPC port with a request it
// never finishes does not make an operator's stop fail; its connection is
// cut off once the shutdown's wait is over.
func TestStopWithSlowClient(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a node")
	}
	net1 := testnet.Start(t, devnet.Config{Validators: 1, TimeoutCommit: 200 * time.Millisecond})
	conn, err := net.Dial("tcp", net1.Nodes[0].RPC)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	// half a request: the server holds the connection as active
	if _, err := io.WriteString(conn, "POST / HTTP/1.1\r\nHost: node\r\n"); err != nil {
		t.Fatal(err)
	}
	net1.Stop(t, 0) // fails the test if the node's stop returns an error
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadAll(conn); err != nil {
		t.Fatalf("the slow client's connection was not closed: %v", err)
	}
}
