package store_test

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethdb"

	"github.com/redmx/redmx/store"
)

// TestHeadIsDurableAcrossReopen: the head marker and the batch written with it
// are read back after the store is closed and opened again.
func TestHeadIsDurableAcrossReopen(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(dir, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if _, ok, err := db.Head(); ok || err != nil {
		t.Fatalf("new store has a head (%v, %v)", ok, err)
	}
	want := store.Head{Height: 7, BlockHash: common.HexToHash("0xabc")}
	err = db.CommitHeight(want, func(w ethdb.KeyValueWriter) {
		if err := w.Put([]byte("index-key"), []byte("v")); err != nil {
			t.Fatal(err)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = store.Open(dir, store.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, ok, err := db.Head()
	if err != nil || !ok || got != want {
		t.Fatalf("Head() = %+v, %v, %v; want %+v", got, ok, err, want)
	}
	if v, err := db.KV().Get([]byte("index-key")); err != nil || string(v) != "v" {
		t.Fatalf("index written with the head is missing: %q, %v", v, err)
	}
}

// TestOpenInUse: a data directory another process has open is refused with
// what to do, not only the system's "resource temporarily unavailable".
func TestOpenInUse(t *testing.T) {
	if dir := os.Getenv("REDMX_STORE_HOLD"); dir != "" {
		// The other process: it holds the store until its stdin closes.
		db, err := store.Open(dir, store.DefaultOptions())
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		fmt.Println("held")
		_, _ = io.Copy(io.Discard, os.Stdin)
		return
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestOpenInUse$")
	cmd.Env = append(os.Environ(), "REDMX_STORE_HOLD="+dir)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { stdin.Close(); _ = cmd.Wait() }()
	if line, err := bufio.NewReader(stdout).ReadString('\n'); err != nil || line != "held\n" {
		t.Fatalf("the holding process said %q, %v", line, err)
	}
	if db, err := store.Open(dir, store.DefaultOptions()); err == nil {
		db.Close()
		t.Fatal("opened a data directory another process has open")
	} else if !strings.Contains(err.Error(), "another process has it open") {
		t.Fatalf("got %v, want it to say another process has it open", err)
	}
}
