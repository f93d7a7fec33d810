package kvstore

// Return codes for the examples
const (
	CodeTypeOK              uint32 = 0
	CodeTypeEncodingError   uint32 = 1
	CodeTypeInvalidTxFormat uint32 = 2
	CodeTypeUnauthorized    uint32 = 3
	CodeTypeExecuted        uint32 = 5
)
