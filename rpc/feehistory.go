package rpc

import (
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/common/math"
	"github.com/ethereum/go-ethereum/params"
	gethrpc "github.com/ethereum/go-ethereum/rpc"
)

const (
	// maxFeeHistory is the most blocks eth_feeHistory reports (go-ethereum's
	// default MaxHeaderHistory and MaxBlockHistory).
	maxFeeHistory = 1024
	// maxPercentiles is the most reward percentiles one request may ask for.
	maxPercentiles = 100
)

// feeHistoryResult is go-ethereum's feeHistoryResult.
type feeHistoryResult struct {
	OldestBlock      *hexutil.Big     `json:"oldestBlock"`
	Reward           [][]*hexutil.Big `json:"reward,omitempty"`
	BaseFee          []*hexutil.Big   `json:"baseFeePerGas,omitempty"`
	GasUsedRatio     []float64        `json:"gasUsedRatio"`
	BlobBaseFee      []*hexutil.Big   `json:"baseFeePerBlobGas,omitempty"`
	BlobGasUsedRatio []float64        `json:"blobGasUsedRatio,omitempty"`
}

// FeeHistory is eth_feeHistory over the blockCount blocks ending at lastBlock.
// Fees are zero here, so base fees, blob base fees and rewards are all zero;
// gasUsedRatio is each header's gasUsed/gasLimit. Argument checks and their
// errors are go-ethereum's.
func (api *ethAPI) FeeHistory(blockCount math.HexOrDecimal64, lastBlock gethrpc.BlockNumber, rewardPercentiles []float64) (*feeHistoryResult, error) {
	empty := &feeHistoryResult{OldestBlock: new(hexutil.Big)}
	blocks := uint64(blockCount)
	if blocks < 1 {
		return empty, nil
	}
	if len(rewardPercentiles) > maxPercentiles {
		return nil, fmt.Errorf("%w: over the query limit %d", errInvalidPercentile, maxPercentiles)
	}
	blocks = min(blocks, maxFeeHistory)
	for i, p := range rewardPercentiles {
		if p < 0 || p > 100 {
			return nil, fmt.Errorf("%w: %f", errInvalidPercentile, p)
		}
		if i > 0 && p <= rewardPercentiles[i-1] {
			return nil, fmt.Errorf("%w: #%d:%f >= #%d:%f", errInvalidPercentile, i-1, rewardPercentiles[i-1], i, p)
		}
	}
	head := api.b.Head()
	if head == nil {
		return empty, nil
	}
	headNum := head.Number.Uint64()
	var last uint64
	switch {
	case lastBlock == gethrpc.EarliestBlockNumber:
		last = 0
	case lastBlock < 0:
		last = headNum
	case uint64(lastBlock) > headNum:
		return nil, fmt.Errorf("%w: requested %d, head %d", errRequestBeyondHead, lastBlock, headNum)
	default:
		last = uint64(lastBlock)
	}
	blocks = min(blocks, last+1)
	oldest := last + 1 - blocks

	res := &feeHistoryResult{
		OldestBlock:      (*hexutil.Big)(new(big.Int).SetUint64(oldest)),
		BaseFee:          zeros(blocks + 1),
		GasUsedRatio:     make([]float64, 0, blocks),
		BlobBaseFee:      filled(blocks+1, params.BlobTxMinBlobGasprice),
		BlobGasUsedRatio: make([]float64, 0, blocks),
	}
	if len(rewardPercentiles) > 0 {
		res.Reward = make([][]*hexutil.Big, 0, blocks)
	}
	for n := oldest; n <= last; n++ {
		h := api.b.HeaderByNumber(n)
		if h == nil {
			break // go-ethereum cuts the answer at the first missing block
		}
		ratio := 0.0
		if h.GasLimit > 0 {
			ratio = float64(h.GasUsed) / float64(h.GasLimit)
		}
		res.GasUsedRatio = append(res.GasUsedRatio, ratio)
		res.BlobGasUsedRatio = append(res.BlobGasUsedRatio, 0)
		if res.Reward != nil {
			res.Reward = append(res.Reward, zeros(uint64(len(rewardPercentiles))))
		}
	}
	got := uint64(len(res.GasUsedRatio))
	if got == 0 {
		return empty, nil
	}
	res.BaseFee, res.BlobBaseFee = res.BaseFee[:got+1], res.BlobBaseFee[:got+1]
	return res, nil
}

func zeros(n uint64) []*hexutil.Big { return filled(n, 0) }

func filled(n uint64, v int64) []*hexutil.Big {
	z := make([]*hexutil.Big, n)
	for i := range z {
		z[i] = (*hexutil.Big)(big.NewInt(v))
	}
	return z
}
