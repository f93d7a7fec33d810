package blocksync

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"time"

	"github.com/cometbft/cometbft/crypto"
	"github.com/cometbft/cometbft/libs/log"
	"github.com/cometbft/cometbft/p2p"
	bcproto "github.com/cometbft/cometbft/proto/tendermint/blocksync"
	sm "github.com/cometbft/cometbft/state"
	"github.com/cometbft/cometbft/store"
	"github.com/cometbft/cometbft/types"
)

// BlocksyncChannel is a channel for blocks and status updates (`BlockStore` height)
const BlocksyncChannel = byte(0x40)

const (
	defaultIntervalStatusUpdate      = 10 * time.Second
	adaptiveSyncInternalStatusUpdate = 1 * time.Second

	defaultIntervalSwitchToConsensus = 1 * time.Second

	// interval for trying to apply a block
	intervalTrySync = 10 * time.Millisecond

	// adaptiveSync ticker. Still quick, just bursts fewer cpu cycles
	intervalAdaptiveSync = 5 * intervalTrySync

	// defaultNoBlockTimeout is the
	defaultNoBlockTimeout = 30 * time.Second
)

type consensusReactor interface {
	// for when we switch from blocksync reactor and block sync to
	// the consensus machine
	SwitchToConsensus(state sm.State, skipWAL bool)
}

type mempoolReactor interface {
	// for when we finish doing block sync or state sync
	EnableInOutTxs()
}

type peerError struct {
	err    error
	peerID p2p.ID
}

func (e peerError) Error() string {
	return fmt.Sprintf("error with peer %v: %s", e.peerID, e.err.Error())
}

// Reactor implements MsgBytesFilter
var _ p2p.MsgBytesFilter = (*Reactor)(nil)

// Reactor handles long-term catchup syncing.
type Reactor struct {
	p2p.BaseReactor

	// immutable
	initialState sm.State

	// indicates whether the reactor is enabled
	// eg it can be initially disabled due to state sync being performed
	enabled *atomic.Bool

	// if enabled, pending blocks are forwarded to BlockIngestor for
	// further commitment. This effectively runs BLOCKSYNC and CONSENSUS
	// simultaneously (adaptive sync).
	adaptiveSyncEnabled bool

	blockExec     *sm.BlockExecutor
	store         *store.BlockStore
	pool          *BlockPool
	localAddr     crypto.Address
	poolRoutineWg sync.WaitGroup

	requestsCh <-chan BlockRequest
	errorsCh   <-chan peerError

	// interval for checking whether it's time to switch from block-sync to consensus
	intervalSwitchToConsensus time.Duration

	// interval for asking other peers their base (min) and height (max) blocks
	intervalStatusUpdate time.Duration

	metrics *Metrics
}

// NewReactorWithAddr returns new Reactor instance with local address
func NewReactor(
	enabled bool,
	adaptiveSync bool,
	state sm.State,
	blockExec *sm.BlockExecutor,
	store *store.BlockStore,
	localAddr crypto.Address,
	offlineStateSyncHeight int64,
	metrics *Metrics,
) *Reactor {
	storeHeight := store.Height()
	if storeHeight == 0 {
		// If state sync was performed offline and the stores were bootstrapped to height H
		// the state store's lastHeight will be H while blockstore's Height and Base are still 0
		// 1. This scenario should not lead to a panic in this case, which is indicated by
		// having a OfflineStateSyncHeight > 0
		// 2. We need to instruct the blocksync reactor to start fetching blocks from H+1
		// instead of 0.
		storeHeight = offlineStateSyncHeight
	}

	if state.LastBlockHeight != storeHeight {
		panic(fmt.Sprintf(
			"state (%d) and store (%d) height mismatch, stores were left in an inconsistent state",
			state.LastBlockHeight,
			storeHeight,
		))
	}

	// It's okay to block since sendRequest is called from a separate goroutine
	// (bpRequester#requestRoutine; 1 per each peer).
	requestsCh := make(chan BlockRequest)

	const capacity = 1000                      // must be bigger than peers count
	errorsCh := make(chan peerError, capacity) // so we don't block in #Receive#pool.AddBlock

	startHeight := storeHeight + 1
	if startHeight == 1 {
		startHeight = state.InitialHeight
	}
	pool := NewBlockPool(startHeight, requestsCh, errorsCh, defaultNoBlockTimeout)

	enabledFlag := &atomic.Bool{}
	enabledFlag.Store(enabled)

	intervalStatusUpdate := defaultIntervalStatusUpdate
	if adaptiveSync {
		intervalStatusUpdate = adaptiveSyncInternalStatusUpdate
	}

	r := &Reactor{
		initialState:              state,
		blockExec:                 blockExec,
		store:                     store,
		pool:                      pool,
		enabled:                   enabledFlag,
		adaptiveSyncEnabled:       adaptiveSync,
		localAddr:                 localAddr,
		requestsCh:                requestsCh,
		errorsCh:                  errorsCh,
		metrics:                   metrics,
		intervalSwitchToConsensus: defaultIntervalSwitchToConsensus,
		intervalStatusUpdate:      intervalStatusUpdate,
	}

	r.BaseReactor = *p2p.NewBaseReactor("Blocksync", r)

	return r
}

// SetLogger implements service.Service by setting the logger on reactor and pool.
func (r *Reactor) SetLogger(l log.Logger) {
	r.Logger = l
	r.pool.Logger = l
}

// OnStart implements service.Service.
func (r *Reactor) OnStart() error {
	// noop
	if !r.enabled.Load() {
		return nil
	}

	return r.runPool(false)
}

func (r *Reactor) runPool(stateSynced bool) error {
	if err := r.pool.Start(); err != nil {
		return err
	}

	// todo: use poolRoutineWg.Go() after moving to go 1.25+
	run := func(fn func()) {
		r.poolRoutineWg.Add(1)
		go func() {
			defer r.poolRoutineWg.Done()
			fn()
		}()
	}

	// run the pool events routine
	run(func() {
		ticker := time.NewTicker(r.intervalStatusUpdate)
		defer ticker.Stop()
		r.poolEventsRoutine(ticker)
	})

	if r.adaptiveSyncEnabled {
		// supply blocks to the consensus machine
		blockIngestor, err := r.getBlockIngestor()
		if err != nil {
			return err
		}

		run(func() {
			r.blockIngestorRoutine(blockIngestor)
		})

		return nil
	}

	// default pool routine that performs regular blocksync
	run(func() { r.poolRoutine(stateSynced) })

	return nil
}

// Enable is called by the state sync reactor when switching to block sync.
func (r *Reactor) Enable(state sm.State) error {
	if !r.enabled.CompareAndSwap(false, true) {
		return ErrAlreadyEnabled
	}

	r.Logger.Info("Enabling blocksync reactor")

	r.initialState = state
	r.pool.mtx.Lock()
	r.pool.height = state.LastBlockHeight + 1
	r.pool.updateMaxPeerHeight()
	r.pool.mtx.Unlock()

	return r.runPool(true)
}

// OnStop implements service.Service.
func (r *Reactor) OnStop() {
	if !r.enabled.Load() {
		return
	}

	if err := r.pool.Stop(); err != nil {
		r.Logger.Error("Error stopping pool", "err", err)
	}

	r.poolRoutineWg.Wait()
}

// GetChannels implements Reactor
func (r *Reactor) GetChannels() []*p2p.ChannelDescriptor {
	return []*p2p.ChannelDescriptor{
		{
			ID:                  BlocksyncChannel,
			Priority:            5,
			SendQueueCapacity:   1000,
			RecvBufferCapacity:  50 * 4096,
			RecvMessageCapacity: MaxMsgSize,
			MessageType:         &bcproto.Message{},
		},
	}
}

// AddPeer implements Reactor by sending our state to peer.
func (r *Reactor) AddPeer(peer p2p.Peer) {
	peer.Send(p2p.Envelope{
		ChannelID: BlocksyncChannel,
		Message: &bcproto.StatusResponse{
			Base:   r.store.Base(),
			Height: r.store.Height(),
		},
	})
	// it's OK if send fails. will try later in poolRoutine

	// peer is added to the pool once we receive the first
	// bcStatusResponseMessage from the peer and call pool.SetPeerRange
}

// RemovePeer implements Reactor by removing peer from the pool.
func (r *Reactor) RemovePeer(peer p2p.Peer, _ any) {
	r.pool.RemovePeer(peer.ID())
}

// respondToPeer loads a block and sends it to the requesting peer,
// if we have it. Otherwise, we'll respond saying we don't have it.
func (r *Reactor) respondToPeer(msg *bcproto.BlockRequest, src p2p.Peer) {
	// Load the block directly in proto form to skip the BlockFromProto+ToProto round-trip.
	bl := r.store.LoadBlockProto(msg.Height)
	if bl == nil {
		r.Logger.Info("Peer asking for a block we don't have", "src", src, "height", msg.Height)
		src.TrySend(p2p.Envelope{
			ChannelID: BlocksyncChannel,
			Message:   &bcproto.NoBlockResponse{Height: msg.Height},
		})

		return
	}

	state, err := r.blockExec.Store().Load()
	if err != nil {
		r.Logger.Error("Unable to load the state", "err", err)
		return
	}

	var extCommit *types.ExtendedCommit
	if state.ConsensusParams.ABCI.VoteExtensionsEnabled(msg.Height) {
		extCommit = r.store.LoadBlockExtendedCommit(msg.Height)
		if extCommit == nil {
			r.Logger.Error("Found block in store with no extended commit", "height", msg.Height)
			return
		}
	}

	src.TrySend(p2p.Envelope{
		ChannelID: BlocksyncChannel,
		Message: &bcproto.BlockResponse{
			Block:     bl,
			ExtCommit: extCommit.ToProto(),
		},
	})
}

func (r *Reactor) handlePeerResponse(msg *bcproto.BlockResponse, src p2p.Peer) {
	bi, err := types.BlockFromProto(msg.Block)
	if err != nil {
		r.Logger.Error("Peer sent us invalid block", "peer", src, "msg", msg, "err", err)
		r.stopPeerForError(src, err)
		return
	}

	var extCommit *types.ExtendedCommit
	if msg.ExtCommit != nil {
		extCommit, err = types.ExtendedCommitFromProto(msg.ExtCommit)
		if err != nil {
			r.Logger.Error("Failed to convert extended commit from proto", "peer", src, "err", err)
			r.stopPeerForError(src, err)
			return
		}
	}

	if err := r.pool.AddBlock(src.ID(), bi, extCommit, msg.Block.Size()); err != nil {
		r.Logger.Error("Failed to add block", "peer", src, "err", err)
	}
}

// FilterMsgBytes implements p2p.MsgBytesFilter and rejects messages from
// unexpected peers before unmarshalling the request.
func (r *Reactor) FilterMsgBytes(chID byte, src p2p.Peer, msgBytes []byte) error {
	// do not check invalid messages, will fail unmarshalling
	if chID != BlocksyncChannel || len(msgBytes) == 0 {
		return nil
	}

	// unmarshal into custom stub struct that will do no allocations so we can
	// quickly and cheaply check the validity of BlockResponse message
	var stub bcproto.SigCountMessage
	if err := stub.Unmarshal(msgBytes); err != nil {
		return fmt.Errorf("malformed blocksync message from peer %s: %w", src.ID(), err)
	}
	if stub.BlockResponse == nil {
		// Not a BlockResponse oneof case, no extra validation to do in this
		// case
		return nil
	}

	// Never ran blocksync on this node — any BlockResponse is unsolicited.
	if !r.enabled.Load() {
		return errors.New("unsolicited BlockResponse: blocksync not active")
	}
	// Pool has stopped (switched to consensus). Requests we sent before the
	// transition are still in flight; the peers are honest and must not be
	// disconnected for answering our own requests. Still enforce the sig-count
	// guard below, since any connected peer can reach this path now.
	if !r.pool.IsRunning() {
		return validateMaxVotes(stub.BlockResponse)
	}

	// ensure we have an outstanding request to this peer
	if !r.pool.HasPendingRequestFrom(src.ID()) {
		return fmt.Errorf("unsolicited BlockResponse from peer %s", src.ID())
	}

	// validate the commit count in the response
	if err := validateMaxVotes(stub.BlockResponse); err != nil {
		return fmt.Errorf("validating max votes in BlockResponse from peer %s: %w", src.ID(), err)
	}

	return nil
}

// validateMaxVotes validates that the number of commit signatures and extended
// commit signatures are both less than the MaxVotesCount, returns an error if
// not.
func validateMaxVotes(br *bcproto.SigCountBlockResponse) error {
	commitSigs, extSigs := 0, 0
	if br != nil {
		if br.Block != nil && br.Block.LastCommit != nil {
			commitSigs = len(br.Block.LastCommit.Signatures)
		}
		if br.ExtCommit != nil {
			extSigs = len(br.ExtCommit.ExtendedSignatures)
		}
	}

	if commitSigs > types.MaxVotesCount {
		return fmt.Errorf("too many commit signatures: %d (max %d)", commitSigs, types.MaxVotesCount)
	}
	if extSigs > types.MaxVotesCount {
		return fmt.Errorf("too many extended commit signatures: %d (max %d)", extSigs, types.MaxVotesCount)
	}

	return nil
}

// Receive implements Reactor by handling 4 types of messages (look below).
func (r *Reactor) Receive(e p2p.Envelope) {
	if err := ValidateMsg(e.Message); err != nil {
		r.Logger.Error("Peer sent us invalid msg", "peer", e.Src, "msg", e.Message, "err", err)
		r.stopPeerForError(e.Src, err)
		return
	}

	r.Logger.Debug("Receive", "e.Src", e.Src, "chID", e.ChannelID, "msg", e.Message)

	switch msg := e.Message.(type) {
	case *bcproto.BlockRequest:
		// sends block response
		r.respondToPeer(msg, e.Src)
	case *bcproto.BlockResponse:
		// adds block to the pool
		go r.handlePeerResponse(msg, e.Src)
	case *bcproto.StatusRequest:
		// Send peer our state.
		e.Src.TrySend(p2p.Envelope{
			ChannelID: BlocksyncChannel,
			Message: &bcproto.StatusResponse{
				Height: r.store.Height(),
				Base:   r.store.Base(),
			},
		})
	case *bcproto.StatusResponse:
		// Got a peer status. Unverified.
		r.pool.SetPeerRange(e.Src.ID(), msg.Base, msg.Height)
	case *bcproto.NoBlockResponse:
		r.Logger.Debug("Peer does not have requested block", "peer", e.Src, "height", msg.Height)
		r.pool.RedoRequestFrom(msg.Height, e.Src.ID())
	default:
		r.Logger.Error(fmt.Sprintf("Unknown message type %v", reflect.TypeOf(msg)))
	}
}

func (r *Reactor) localNodeBlocksTheChain(state sm.State) bool {
	_, val := state.Validators.GetByAddress(r.localAddr)
	if val == nil {
		return false
	}
	total := state.Validators.TotalVotingPower()
	return val.VotingPower >= total/3
}

// Handle messages from the poolReactor telling the reactor what to do.
// NOTE: Don't sleep in the FOR_LOOP or otherwise slow it down!
func (r *Reactor) poolRoutine(stateSynced bool) {
	r.Logger.Info("Starting blocksync pool routine", "stateSynced", stateSynced)

	r.metrics.Syncing.Set(1)
	defer r.metrics.Syncing.Set(0)

	trySyncTicker := time.NewTicker(intervalTrySync)
	defer trySyncTicker.Stop()

	switchToConsensusTicker := time.NewTicker(r.intervalSwitchToConsensus)
	defer switchToConsensusTicker.Stop()

	var (
		chainID                    = r.initialState.ChainID
		state                      = r.initialState
		initialCommitHasExtensions = state.LastBlockHeight > 0 &&
			r.store.LoadBlockExtendedCommit(state.LastBlockHeight) != nil

		didProcessCh = make(chan struct{}, 1)

		// metrics tracking
		blocksSynced = 0
		lastHundred  = time.Now()
		lastRate     = 0.0
	)

FOR_LOOP:
	for {
		select {
		case <-r.Quit():
			break FOR_LOOP
		case <-r.pool.Quit():
			break FOR_LOOP
		case <-switchToConsensusTicker.C:
			height, numPending, lenRequesters := r.pool.GetStatus()
			outbound, inbound, _ := r.Switch.NumPeers()

			r.Logger.Debug(
				"Consensus ticker",
				"numPending", numPending,
				"total", lenRequesters,
				"outbound", outbound,
				"inbound", inbound,
				"lastHeight", state.LastBlockHeight,
			)

			// The "if" statement below is a bit confusing, so here is a breakdown
			// of its logic and purpose:
			//
			// If we are at genesis (no block in the chain), we don't need VoteExtensions
			// because the first block's LastCommit is empty anyway.
			//
			// If VoteExtensions were disabled for the previous height then we don't need
			// VoteExtensions.
			//
			// If we have sync'd at least one block, then we are guaranteed to have extensions
			// if we need them by the logic inside loop FOR_LOOP: it requires that the blocks
			// it fetches have extensions if extensions were enabled during the height.
			//
			// If we already had extensions for the initial height (e.g. we are recovering),
			// then we are guaranteed to have extensions for the last block (if required) even
			// if we did not blocksync any block.
			//
			missingExtension := true
			if state.LastBlockHeight == 0 ||
				!state.ConsensusParams.ABCI.VoteExtensionsEnabled(state.LastBlockHeight) ||
				blocksSynced > 0 ||
				initialCommitHasExtensions {
				missingExtension = false
			}

			// If require extensions, but since we don't have them yet, then we cannot switch to consensus yet.
			if missingExtension {
				r.Logger.Info(
					"No extended commit yet",
					"height", height,
					"last_block_height", state.LastBlockHeight,
					"initial_height", state.InitialHeight,
					"max_peer_height", r.pool.MaxPeerHeight(),
				)
				continue FOR_LOOP
			}

			// keep syncing
			if !r.pool.IsCaughtUp() && !r.localNodeBlocksTheChain(state) {
				continue FOR_LOOP
			}

			r.Logger.Info("Time to switch to consensus mode!", "height", height)
			if err := r.pool.Stop(); err != nil {
				r.Logger.Error("Error stopping pool", "err", err)
			}

			memR, exists := r.Switch.Reactor("MEMPOOL")
			if exists {
				if memR, ok := memR.(mempoolReactor); ok {
					memR.EnableInOutTxs()
				}
			}

			conR, exists := r.Switch.Reactor("CONSENSUS")
			if exists {
				if conR, ok := conR.(consensusReactor); ok {
					conR.SwitchToConsensus(state, blocksSynced > 0 || stateSynced)
				}
			}

			break FOR_LOOP
		case <-trySyncTicker.C:
			select {
			case didProcessCh <- struct{}{}:
			default:
			}
		case <-didProcessCh:
			// NOTE: It is a subtle mistake to process more than a single block
			// at a time (e.g. 10) here, because we only TrySend 1 request per
			// loop.  The ratio mismatch can result in starving of blocks, a
			// sudden burst of requests and responses, and repeat.
			// Consequently, it is better to split these routines rather than
			// coupling them as it's written here.  TODO uncouple from request
			// routine.

			// See if there are any blocks to sync.
			first, second, extCommit := r.pool.PeekTwoBlocks()
			if first == nil || second == nil {
				// we need to have fetched two consecutive blocks in order to
				// perform blocksync verification
				continue FOR_LOOP
			}
			// Some sanity checks on heights
			if state.LastBlockHeight > 0 && state.LastBlockHeight+1 != first.Height {
				// Panicking because the block pool's height  MUST keep consistent with the state; the block pool is totally under our control
				panic(fmt.Errorf("peeked first block has unexpected height; expected %d, got %d", state.LastBlockHeight+1, first.Height))
			}
			if first.Height+1 != second.Height {
				// Panicking because this is an obvious bug in the block pool, which is totally under our control
				panic(fmt.Errorf("heights of first and second block are not consecutive; expected %d, got %d", state.LastBlockHeight, first.Height))
			}

			// Before priming didProcessCh for another check on the next
			// iteration, break the loop if the BlockPool or the Reactor itself
			// has quit. This avoids case ambiguity of the outer select when two
			// channels are ready.
			if !r.IsRunning() || !r.pool.IsRunning() {
				break FOR_LOOP
			}
			// Try again quickly next loop.
			didProcessCh <- struct{}{}

			firstParts, err := first.MakePartSet(types.BlockPartSizeBytes)
			if err != nil {
				r.Logger.Error("Failed to make part set", "height", first.Height, "err", err.Error())
				break FOR_LOOP
			}

			firstPartSetHeader := firstParts.Header()
			firstID := types.BlockID{Hash: first.Hash(), PartSetHeader: firstPartSetHeader}

			// vote extension validations
			presentExtCommit := extCommit != nil
			extensionsEnabled := state.ConsensusParams.ABCI.VoteExtensionsEnabled(first.Height)

			if presentExtCommit != extensionsEnabled {
				err = fmt.Errorf("non-nil extended commit must be received iff vote extensions are enabled for its height "+
					"(height %d, non-nil extended commit %t, extensions enabled %t)",
					first.Height, presentExtCommit, extensionsEnabled,
				)
				r.handleValidationFailure(first, second, err)
				continue FOR_LOOP
			}

			// Fully verify second.LastCommit to ensure all signatures are valid.
			err = state.Validators.VerifyCommit(chainID, firstID, first.Height, second.LastCommit)
			if err != nil {
				r.handleValidationFailure(first, second, err)
				continue FOR_LOOP
			}

			// Fully verify extended commit if present
			if extensionsEnabled {
				// if vote extensions were required at this height, verify all
				// signatures in the extended commit since it is persisted to the store.
				if err = state.Validators.VerifyCommitExtended(chainID, firstID, first.Height, extCommit); err != nil {
					r.handleValidationFailure(first, second, err)
					continue FOR_LOOP
				}
			}

			// Validate the block before we persist it.
			//
			// For the first block synced, we must fully verify first.LastCommit
			// since it was not verified as a prior second.LastCommit.
			//
			// For subsequent blocks, first.LastCommit was already fully verified
			// in the previous iteration (as second.LastCommit), so we skip the
			// redundant VerifyCommit() inside ValidateBlock.
			blockValidator := r.blockExec.ValidateBlockSkipLastCommit
			if blocksSynced == 0 {
				blockValidator = r.blockExec.ValidateBlock
			}

			if err = blockValidator(state, first); err != nil {
				r.handleValidationFailure(first, second, err)
				continue FOR_LOOP
			}

			r.pool.PopRequest()

			// TODO: batch saves so we don't persist to disk every block
			if extensionsEnabled {
				r.store.SaveBlockWithExtendedCommit(first, firstParts, extCommit)
			} else {
				// We use LastCommit here instead of extCommit. extCommit is not
				// guaranteed to be populated by the peer if extensions are not enabled.
				// Currently, the peer should provide an extCommit even if the vote extension data are absent
				// but this may change so using second.LastCommit is safer.
				r.store.SaveBlock(first, firstParts, second.LastCommit)
			}

			// TODO: same thing for app - but we would need a way to
			// get the hash without persisting the state
			state, err = r.blockExec.ApplyVerifiedBlock(state, firstID, first)
			if err != nil {
				// TODO This is bad, are we zombie?
				panic(fmt.Sprintf("Failed to process committed block (%d:%X): %v", first.Height, first.Hash(), err))
			}

			r.metrics.recordBlockMetrics(first)
			blocksSynced++

			if blocksSynced%100 == 0 {
				lastRate = 0.9*lastRate + 0.1*(100/time.Since(lastHundred).Seconds())
				lastHundred = time.Now()
				r.Logger.Info(
					"Block Sync Rate",
					"height", r.pool.height,
					"max_peer_height", r.pool.MaxPeerHeight(),
					"blocks/s", lastRate,
				)
			}

			continue FOR_LOOP
		}
	}
}

func (r *Reactor) poolEventsRoutine(statusUpdateTicker *time.Ticker) {
	for {
		select {
		case <-r.Quit():
			return
		case <-r.pool.Quit():
			return
		case request := <-r.requestsCh:
			// request is pushed to the requestsCh by the pool internally.
			peer := r.Switch.Peers().Get(request.PeerID)
			if peer == nil {
				continue
			}

			queued := peer.TrySend(p2p.Envelope{
				ChannelID: BlocksyncChannel,
				Message:   &bcproto.BlockRequest{Height: request.Height},
			})

			if !queued {
				r.Logger.Debug("Send queue is full, drop block request", "peer", peer.ID(), "height", request.Height)
			}
		case err := <-r.errorsCh:
			// error is pushed to the errorsCh by the pool internally.
			if peer := r.Switch.Peers().Get(err.peerID); peer != nil {
				r.stopPeerForError(peer, err.err)
			}
		case <-statusUpdateTicker.C:
			// ask other peers for status updates
			r.Switch.BroadcastAsync(p2p.Envelope{
				ChannelID: BlocksyncChannel,
				Message:   &bcproto.StatusRequest{},
			})
		}
	}
}

func (r *Reactor) handleValidationFailure(blockA, blockB *types.Block, err error) {
	r.Logger.Error("Error in validation", "height", blockA.Height, "hash", blockA.Hash(), "err", err)

	err = ErrReactorValidation{Err: err}

	idA := r.pool.RemovePeerAndRedoAllPeerRequests(blockA.Height)
	if peerA := r.Switch.Peers().Get(idA); peerA != nil {
		// NOTE: we've already removed the peer's request, but we
		// still need to clean up the rest.
		r.stopPeerForError(peerA, err)
	}

	idB := r.pool.RemovePeerAndRedoAllPeerRequests(blockB.Height)
	if idA == idB {
		return
	}

	if peerB := r.Switch.Peers().Get(idB); peerB != nil {
		// NOTE: we've already removed the peer's request, but we
		// still need to clean up the rest.
		r.stopPeerForError(peerB, err)
	}
}

func (r *Reactor) stopPeerForError(peer p2p.Peer, err error) {
	if r.adaptiveSyncEnabled && shouldBeReconnected(err) {
		err = &p2p.ErrorTransient{Err: err}
	}

	r.Switch.StopPeerForError(peer, err)
}

// shouldBeReconnected checks whether blocksync error which leads to peer disconnection
// should be actually causing a reconnect afterwards.
// context: in "follower mode" some peers might be busy/flaky, so we don't want to kick them forever
// as they send us blocks!
func shouldBeReconnected(err error) bool {
	// more errors can be added here if needed
	return errors.Is(err, ErrPeerTimeout)
}
