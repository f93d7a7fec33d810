// Package governance is the network's on-chain governance: a native system
// contract, written in Go, at [Address], with its state in the storage of
// that address in the one state trie (docs/governance.md;
// docs/architecture.md, decisions 4–8).
//
// IGovernance.sol is its interface and IGovernance.abi.json, generated from
// it, is the only contract between the chain and its clients; a test checks
// that the handlers here are exactly its functions and the events emitted
// exactly its events. Execution hands every message addressed to [Address]
// to [Contract.Call]; inside the EVM the address is a precompile serving the
// view functions ([Contract.View], priced by [Contract.ViewGas]). Execution
// also asks [Contract.Admit] before each transaction (membership, capital,
// the apply quota, creation), reports gas used with [Contract.Charge], applies
// the creation rule to nested creations with [Contract.Create], and collects the block's consensus effects (validator
// and gas-limit updates, the liveness review, the block's evidence of
// misbehaviour) with [Contract.EndBlock]. [Contract.AllowedPeer]
// answers CometBFT's peer filter, [Contract.Validators] is the validator set
// governance holds (what InitChain reports), [Contract.Upgrades] the
// scheduled upgrades. The package does no I/O and does not log.
//
// # Determinism
//
// The state transition reads block time only, iterates no map into state or
// output, uses no floats. What time alone changes (an epoch's capital, an
// expired term) is computed when read or touched, never swept; EndBlock
// only announces ended terms, from a queue ordered by term end.
//
// # Storage layout
//
// Every value is a 32-byte slot of [Address]. Parameters are at
// keccak256("redmx.params." + name) ([ParamSlot]) as big-endian uint256
// words (gasLimit is what execution reads, through [GasLimit]). Everything
// else is at keccak256("redmx.gov." + namespace + 0x00 + parts), each part
// fixed-size (uint64 as 8 bytes, uint8 and the enumerations of enums.go as
// 1, addresses 20, hashes 32, strings as their keccak256) — see key in
// storage.go. Value kinds: uint64 and bool as a
// right-aligned word; addresses right-aligned; strings and bytes as a length
// word with 32-byte chunks at key("chunk", slot, i); lists as a length word
// with item i at key("item", base, i); sets as doubly linked lists in order
// of addition: length at base, key("head"/"tail", base), and per item
// key("next"/"prev", base, item) (zero: none), so adding, removing and
// testing membership are O(1) and removal keeps the order of the rest, which
// the power remainder rule depends on. Namespaces:
//
//	enabled                         founding state present
//	seq.<thing>                     last id of records, applications, actions, meetings, motions, agreements, requests
//	coll.index/name/formed (name)   collectives, numbered from 1; formed flag (forming until 2 leaders and a node, §3.7)
//	coll.due/app (name)             a collective created after genesis: the end of its formation period; its application
//	coll.members/nodes/validators   sets per collective: member records; active nodes; active validators in order of admission
//	rec.kind/coll/status/inst (id)  records: kind, collective, status, institution commitment
//	rec.accounts (id), acct.record  a record's accounts; the record of an account (one per account)
//	acct.offer (account)            record that offered to add the account
//	rec.name/repo/app (id)          projects: name, repository, application
//	rec.council/councilColl (id)    the one council seat (roles 2–5) a record holds
//	rec.nodes (id)                  nodes the record operates
//	att.leader/time/commit (id)     identity attestations
//	seat (role, collective)         holders of a seat; collective "" for secretary and Advisory Council
//	seat.term (role, id)            term end; after it the holder holds over until a successor is seated
//	term.head/tail (role), term.next/prev (role, id)  per role, the holders whose term end EndBlock has yet to announce, by term end
//	seq.call, calls, call.* (id)    open calls for leader seats: collective, status, opener, opened, candidacy end, elected
//	coll.call (name)                a collective's open call (0: none)
//	call.cands (id), cand.* (id, record)  a call's standing candidates, their statement commitment and URI, and who stood
//	seq.ballot, bal.* (id)          member ballots: kind, status, scope, subject, period, electorate, options, quorum, question; votes and voters; at the close the tally per option (direct, delegated) and the winner
//	bal.opens (scope), bal.all      open ballots of a scope, and of all; bal.nextEnd the earliest end among them (ballotStep)
//	bal.questions (scope)           open questions of a scope (at most maxOpenQuestions)
//	rep.epoch                       the reports' calendar start (the first block's time); a record's making time is the upper half of its rec.kind word
//	rep.done (kind, coll, record)   reports an obligation submitted; rep.doc/uri/at (…, period) each report
//	coll.since (name)               when a collective created after genesis was made
//	eth.version/hash/uri            the code of ethics in force (version 0: none)
//	eth.accepted (record)           the version a record accepted
//	seq.violation, vio.* (id)       reported violations: record, reporter, evidence, status, sanction, motion
//	mot.violation/sanction (motion) the violation and sanction a motion decides
//	dlg.to (scope, record)          a member's delegate in a scope ("" the network, or its collective)
//	dlg.from (scope, record)        the members delegating to a record in a scope, in order
//	bal.open (kind, subject)        the open ballot of a kind on a subject
//	app.* (id), apps (kind, status) applications and the sets of them by kind and status
//	app.accepted (id, account)      a project application's deployer account accepted
//	open.app (account)              an account's one open application
//	nodeid.app, key.app             node ID and consensus key (keccak) claimed by an open application
//	node.* (nodeID), nodes          nodes: status, collective, operator, role, key type, public key, power
//	key.node (keccak of key)        node holding a consensus key (never freed: CometBFT may still hold it)
//	live.* (nodeID), live.flagged   liveness review: window ring and counters; flagged validators (liveness.go); blocks signed, missed and proposed ever (node reports)
//	rep.snap/snapP (nodeID)         the counts a node's last member-nodes report covered
//	mis.count/height/at/time (nodeID)  evidence of misbehaviour: pieces, last height misbehaved at, block and time that recorded it
//	mis.nodes                       nodes with evidence against them, in order of the first (misbehaviour.go)
//	cmt.power (nodeID)              the power CometBFT was last told (InitChain, EndBlock)
//	pending, pending.gasLimit       nodes whose power changed this block; new gas limit
//	act.* (id)                      Nodes Commission actions: target, subject, kind, cause, reason, status, proposer, deadline, motion; votes
//	acts (status)                   set of actions by status (ActionStatus)
//	act.nodes, act.restored (id)    nodes a provisional action suspended; how many of them a lapse has restored so far
//	act.rec (id)                    the provisional action suspended its member record
//	node.heldBy, rec.heldBy         the provisional action whose suspension holds a node or record (0: none, or final)
//	lapse.at (minute), lapse.count    actions awaiting the plenary by deadline minute (sets); how many in all
//	lapse.cursor                    the first deadline hour EndBlock has not cleared
//	cap.gas/expiry (id)             capital grant: gas per epoch, expiry (0: none)
//	cap.counted/by (id)             gas the grant counts against its collective's budget; the leader who granted it
//	coll.budget/committed (name)    a collective's capital budget (0: none set) and the gas its grants count against it
//	capreqs (collective, status)    capital requests by collective and status (CapitalRequestStatus)
//	cap.used, gov.used (id, epoch)  gas used per epoch: capital; governance allowance
//	quota (block number)            applications from accounts of no record in a block
//	created.root (address)          project a created contract descends from
//	capreq.* (id)                   capital requests: record, gas, justification, status, decided by, gas granted
//	exreq.*                         extraordinary meeting requests
//	mtg.*, mtg.present, meetings    meetings, attendance (a set of holder records)
//	mot.*, mtg.motions              motions, their votes and arguments
//	agr.*, mtg.agreements           agreements and their follow-up status
//	proxy.of (holder), proxy.for    a holder's proxy account and the holder a proxy acts for
//	proxy.since (holder)            when the proxy was appointed: it acts at meetings starting after
//	upgrades, upg.height (name)     scheduled upgrades
//	app.cv/cvURI/statement/renewal  Advisory Council applications: CV commitment and URI, statement, renewal asked
//	app.request/requestURI/inst     new collectives' applications: the request's commitment and URI, the promoter's institution
//	seat.renewals (role, id)        renewals of a record's seat of a role while it holds it (leaders 2, Advisory 1)
//	dsg.* (id), dsgs (status)       designations to Executive Council seats, their votes, and the sets of them by status
//	dsg.open (role, collective)     a seat's one open designation
//
// The later issue (elections, renewals, member ballots with delegation, new
// collectives, reports, code of ethics) adds namespaces: terms with holdover,
// parameters in state, the forming/formed status and the payer kept apart
// from the sender ([Payer]) are already here.
//
// # Gas schedule
//
// A state-changing call costs 3000, plus 800 per slot read, 20000 per slot
// written from zero to non-zero and 2900 per other slot write (EIP-2200 and
// EIP-2929 in spirit), plus per log 375 + 375 per topic + 8 per data byte.
// An ed25519 signature check (applyNode's proofs) costs 10000. Gas is checked
// before every slot access and signature check: the call stops as soon as it
// would exceed the gas given, fails with vm.ErrOutOfGas and keeps nothing. A
// refusal keeps nothing either and reverts with an Error(string) reason, and
// its gas used so far is spent. Every set operation is O(1), so no call's
// cost grows with the number of applications, members or nodes.
//
// A view costs 2600 plus 3 per 32-byte word of input plus 800 for every slot
// it may read, whether called through the precompile, eth_call or a
// transaction: the price is computed from the input alone (as a precompile's
// must be), charged before the view runs, and the view is stopped if it would
// read more. Lists that grow without bound are paginated (cursor, limit of at
// most 1000, next cursor), priced by their limit: members, accounts,
// attestations, nodes, validators, flagged and equivocating nodes, projects, applications, capital requests
// by collective and status, meetings, motions, agreements, upgrades, capital
// and extraordinary meeting requests (by id), calls, candidates. The lists other views answer whole are bounded by
// rule: at most 16 collectives of names of at most 32 bytes, seats and a
// meeting's attendance at most 40.
//
// # Rules (docs/governance.md)
//
//   - §2 an account belongs to at most one record (offerAccount, acceptAccount;
//     a record keeps one); 2–3 leaders per collective of one collective's
//     members, never two of one institution; one Projects and one Nodes
//     Commission seat per collective and a secretary; a record holds at most
//     one council seat (besides a leader seat), and seatOf shows it first; at
//     most maxAdvisory Advisory Council seats; every seat has a term end and
//     holds over; names and URIs are capped at maxURILength.
//   - §3.1 applyNode (one open application per account; node ID and validator
//     key unique; keys "ed25519", 32 bytes; the node ID is derived from the
//     node's p2p key, and the node key and the consensus key each sign
//     NodeApplicationMessage, binding the governance address, the applicant,
//     the collective, the role and the keys, so no one claims a node or key
//     it does not hold) → endorse/reject by a leader of
//     the collective → commissionVote, decided by a majority of the filled
//     Nodes Commission seats (holdover counts) → admitted: a member record if
//     needed, the node a peer, a validator sharing its collective's 720720
//     equally (remainder one unit each to the first admitted: [Share], the
//     one power rule, which InitChain and genesis files follow too).
//     Suspension, removal and reinstatement by proposeNodeAction/
//     proposeMemberAction and voteAction with the same majority, never of
//     a seat holder's record (moveMemberAction in plenary); for cause
//     needs a reason commitment. Approved, a suspension or removal is
//     provisional (a removal only suspends) until moveRatifyAction passes
//     within ratificationPeriod, else EndBlock undoes it (lapsed), with
//     bounded work per block; moveOverturnAction undoes it sooner; one
//     relying on cause, or emptying a collective of validators, takes
//     effect only when ratified; reinstatement is final. The
//     validator set never empties (only formed collectives' validators hold
//     power; a call leaving a set without power, or a formed collective's
//     validators holding other than 720720, is refused); unless for cause, a
//     formed collective keeps a node and its least leaders, and four
//     collectives with validators stay four. The secretary's record is never
//     suspended or removed. Suspending a member suspends its nodes,
//     removing it removes its nodes and seats; reinstating a member leaves its
//     nodes suspended until each is reinstated.
//   - §3.2 applyProject (deployer accounts: keys of their own, never a
//     system address or an account with code, each accepting with
//     acceptProjectAccount before a leader endorses; checked again at
//     approval) → endorse → commissionVote by the Projects Commission
//     (majority: to plenary) → moveApproveProject passes → an active project
//     whose accounts may create contracts; moveProjectStatus suspends, closes
//     or reactivates it.
//   - §3.3 capital per record, granted or revoked by a leader of its
//     collective, never to its own record, within the collective's budget
//     (moveCapitalBudget; 0 until set): the gas of its records' grants is
//     kept as one committed sum, an expired grant counted until touched
//     (revoked or granted again), and a new or larger grant must keep it
//     within the budget; requests are open until granted, declined or
//     withdrawn. Admit charges the sender's record, a call to governance the
//     record's governanceAllowance; accounts of no record may only apply or
//     accept (acceptAccount, acceptProjectAccount), applyQuota per block, or
//     as a holder's proxy attend and vote from the holder's allowance;
//     creation needs an active project (Create).
//   - §3.4 a term is the role's term (leaderTerm, councilTerm, advisoryTerm)
//     from the block that seats or renews the holder, never a caller's;
//     then the holder holds over until a successor is seated, and EndBlock
//     announces the end once (TermEnded). Leaders are elected: openCall (by
//     the secretary or a leader, while fewer than maxLeaders are seated or
//     one holds over) → standForSeat during candidacyPeriod → moveElect in
//     plenary. A leader's term renews at most twice, by a ballot of its
//     collective's members (openRenewalBallot in the term's last quarter or
//     holdover, castBallot (changeable until the end), closed by the end of
//     the first block past its end: more yes than no and a turnout, direct
//     and delegated, of a third of the members, at least two). Every seat has its own flow and
//     no other fills it: leaders by election, Executive Council seats by
//     designation, Advisory seats by admission (below); the plenary only
//     vacates one (moveUnseat, a seat motion is retired); resign leaves a seat,
//     but the secretary's only for a successor and the last Nodes Commission
//     seat never while there are nodes; a formed collective left below
//     minLeaders gets an open call by itself; vacancies lists the gaps. The
//     Advisory Council: applyAdvisory (CV and statement commitments;
//     strangers too, within applyQuota) →
//     moveAdmitAdvisory in plenary (a new record for a stranger; term
//     advisoryTerm from the decision; within maxAdvisory, replacing one
//     holding over), one renewal per record. It designates Executive Council
//     members: proposeDesignation by a leader (of the collective, or any for
//     the secretary) of a record able to take a vacant or held-over seat or
//     renew its own, one open per seat → voteDesignation, approved by a
//     majority of the filled Advisory seats (term councilTerm), rejected when
//     out of reach, expired after candidacyPeriod.
//   - §3.5 convene with meetingNotice by the secretary (extraordinary: on a
//     leader's request), attendance in [start, end) by the holder or its proxy
//     (one seat per proxy, appointed before the start; a proxy only attends
//     and votes), motions by present members and votes (voting records
//     attendance), decide after the end on the meeting's own record:
//     quorate if the secretary attended and as many others as the quorum
//     fixed at convening (ordinaryQuorum/extraordinaryQuorum, at most the
//     filled commission seats; else it reverts), passed by a majority of
//     those present, a tie fails; minutes and agreements by the secretary.
//     Parameters stay within their ranges (params.go) and take effect from
//     the next block; gasLimit also goes to CometBFT through EndBlock.
//     Upgrades are named, at a height; a motion of height 0 cancels one
//     before its height (UpgradeScheduled(name, 0)).
//   - §3.6 member ballots: a renewal, a question of a collective by its
//     leader (openBallot) or of the network by the plenary (moveBallot);
//     one vote per record, changeable until the end (voteBallot,
//     castBallot); counted at the end of the first block past the end
//     (ballotStep); the winner has more votes than any other option and the
//     turnout reaches the quorum. delegate/revokeDelegation per scope (the
//     network or the member's collective), to an active member of it, never
//     itself; the
//     tally at the close ([store.tally]) counts each active member once, for
//     the first active direct voter on its chain; inactive members pass
//     weight on; cycles without a voter count nothing; a scope's delegations
//     hold still in the block that ends one of its ballots.
//   - §3.7 applyCollective (an account of no record) → moveNewCollective,
//     passed by two thirds of those present → the collective, forming, led
//     by the applicant's new record; formed with its least leaders and a
//     node; overdue past formationPeriod; at most maxCollectives.
//   - §3.8 submitReport in order, after the period, by whom the obligation
//     falls on; reportStatus and overdueReports compute what is due and
//     overdue when read.
//   - §3.9 moveEthicsCode puts the next version in force; acceptEthics;
//     checkEthics bars a member that has not accepted it from member
//     ballots and seats; reportViolation, and moveSanction decides each
//     once (warning, capital cut, suspension as moveMemberAction for cause,
//     dismissal).
//   - §3.10 only active records' accounts transact; only approved projects,
//     and contracts descending from them, create; no personal data, only
//     salted commitments and capped URIs.
package governance
