// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.20;

/// @title Governance of the Red Blockchain México
/// @notice The network's governance is a native system contract at
/// 0x0000000000000000000000000000000000001000. This interface is the only
/// contract between the chain and its clients: the node implements exactly
/// these functions and events (a test checks it), and IGovernance.abi.json is
/// generated from this file.
///
/// Conventions:
/// - Collectives are named by short lowercase ids: "public", "academic",
///   "private", "cso", and any created later.
/// - Members and projects are records, numbered from 1. An account belongs to
///   at most one record; votes and seats count per record, never per account.
/// - Times are block times in seconds; durations are parameters.
/// - Documents appear only as salted commitments (keccak256 of salt and
///   content) and length-capped URIs: never personal data.
/// - State-changing functions must be sent by the actor's own account in a
///   transaction; a call from a contract reverts. View functions may be called
///   from anywhere, contracts included.
/// - A refusal reverts with a reason that says what is missing, e.g.
///   "not a leader of collective academic".
/// - The rules are in docs/governance.md; the section numbers (§) below
///   are its sections.
interface IGovernance {
    // ----- Enumerations (as uint8; 0 is none) -----
    // Every uint8 argument, result and event field is one of these: its
    // NatSpec names it and lists its values (`@param role NodeRole: 1 validator,
    // 2 observer`), and clients print the names. Tests check the lists here
    // and in the NatSpec against the node's names (governance/enums.go).
    // RecordKind:        1 institution, 2 individual, 3 project
    // RecordStatus:      1 active, 2 suspended, 3 removed
    // ProjectStatus:     1 active, 2 suspended, 3 closed
    // NodeRole:          1 validator, 2 observer
    // NodeStatus:        1 admitted, 2 suspended, 3 removed
    // ApplicationKind:   1 node, 2 project, 3 advisory, 4 collective
    // ApplicationStatus: 1 submitted, 2 endorsed, 3 to-plenary, 4 approved, 5 rejected,
    //                    6 withdrawn
    // Role:              1 leader, 2 secretary, 3 projects-commission, 4 nodes-commission,
    //                    5 advisory
    // MeetingKind:       1 ordinary, 2 extraordinary
    // MotionKind:        1 approve-project, 2 project-status, 3 seat, 4 unseat, 5 parameter,
    //                    6 upgrade, 7 member-action, 8 ratify-action, 9 overturn-action,
    //                    10 capital-budget, 11 elect, 12 admit-advisory, 13 ballot,
    //                    14 ethics-code, 15 sanction, 16 new-collective
    //                    (3 seat is retired: no function moves it; council seats are
    //                    filled by election, designation and admission alone)
    // MotionStatus:      1 open, 2 passed, 3 failed
    // NodeAction:        1 suspend, 2 remove, 3 reinstate
    // ActionTarget:      1 node, 2 member
    // ActionStatus:      1 proposed, 2 provisional, 3 to-plenary, 4 final, 5 rejected,
    //                    6 lapsed, 7 overturned
    //   (proposed: commission votes open; provisional: in effect until its deadline
    //   unless ratified; to-plenary: relies on cause, takes effect only if ratified;
    //   lapsed: not ratified in time, undone)
    // CapitalRequestStatus: 1 open, 2 granted, 3 declined, 4 withdrawn
    // AgreementStatus:   1 pending, 2 in-progress, 3 done, 4 dropped
    // DesignationStatus: 1 open, 2 approved, 3 rejected, 4 expired
    //   (expired: open past its deadline)
    // CallStatus:        1 open, 2 filled, 3 lapsed
    //   (filled: no vacancy left; lapsed: replaced by a new call, nobody left standing)
    // BallotKind:        1 renewal, 2 question
    //   (renewal: of a leader's term)
    // BallotStatus:      1 open, 2 passed, 3 failed
    // Sanction:          1 warning, 2 capital-cut, 3 suspension, 4 dismissal
    //   (capital-cut: the member's capital grant revoked; suspension: as
    //   moveMemberAction for cause; dismissal: the report found without merit)
    // ViolationStatus:   1 open, 2 sanctioned, 3 dismissed
    // ReportKind:        1 member-nodes, 2 project, 3 leaders, 4 projects-commission,
    //                    5 nodes-commission, 6 secretary, 7 advisory
    //   (member-nodes: each member with nodes, monthly; project: each project,
    //   every 2 months; leaders: each collective's, every 2 months; the
    //   commissions monthly; the secretary and the Advisory Council every 3 months)
    // Criteria (bits):   1 public-value, 2 open-source, 4 open-data, 8 testing, 16 research,
    //                    32 impact
    //   (social benefit or better public services, open source, open data, testing and
    //   development, research, impact entrepreneurship)

    // ===== Events =====
    event AccountOffered(uint64 indexed recordId, address indexed account);
    event AccountAdded(uint64 indexed recordId, address indexed account);
    event AccountRemoved(uint64 indexed recordId, address indexed account);
    event IdentityAttested(uint64 indexed recordId, uint64 indexed leader, bytes32 commitment);

    /// @param role NodeRole: 1 validator, 2 observer
    event NodeApplied(uint64 indexed applicationId, address indexed applicant, string collective, bytes20 nodeId, uint8 role);
    event ProjectApplied(uint64 indexed applicationId, address indexed applicant, string collective, string name);
    event ProjectAccountAccepted(uint64 indexed applicationId, address indexed account);
    event ApplicationEndorsed(uint64 indexed applicationId, uint64 indexed leader);
    event ApplicationRejected(uint64 indexed applicationId, uint64 indexed by, bytes32 reasonHash);
    event ApplicationWithdrawn(uint64 indexed applicationId);
    event CommissionVoteCast(uint64 indexed applicationId, uint64 indexed member, bool approve);
    event ProjectSentToPlenary(uint64 indexed applicationId);

    /// @param kind RecordKind: 1 institution, 2 individual, 3 project
    event MemberAdmitted(uint64 indexed recordId, string collective, uint8 kind);
    /// @param status RecordStatus: 1 active, 2 suspended, 3 removed
    event MemberStatusChanged(uint64 indexed recordId, uint8 status, bool forCause);
    /// @param role NodeRole: 1 validator, 2 observer
    event NodeAdmitted(bytes20 indexed nodeId, uint64 indexed operator, string collective, uint8 role);
    /// @param status NodeStatus: 1 admitted, 2 suspended, 3 removed
    event NodeStatusChanged(bytes20 indexed nodeId, uint8 status, bool forCause);
    event ValidatorPowerChanged(bytes20 indexed nodeId, uint64 power);
    /// A validator missed more than livenessMaxMissedPermille of its last
    /// livenessWindow blocks (docs/governance.md §3.11). Raised at the end of
    /// a block, by no transaction: it is a CometBFT block event of the same
    /// name (attributes nodeId, missed, window), not an Ethereum log. Nothing
    /// else changes: power and removal stay a vote.
    event NodeFlagged(bytes20 indexed nodeId, uint64 missed, uint64 window);
    /// A flagged validator's misses fell back to the share allowed; a block
    /// event like NodeFlagged.
    event NodeRecovered(bytes20 indexed nodeId, uint64 missed, uint64 window);
    /// A block committed evidence that the validator signed two conflicting
    /// votes at `height` (or a conflicting header for a light client), with
    /// the collective it belongs to (docs/governance.md §3.11). A block event
    /// (attributes nodeId, collective, height) like NodeFlagged. Nothing else
    /// changes: suspension and removal stay a vote.
    event NodeEquivocated(bytes20 indexed nodeId, string collective, uint64 height);
    /// @param action NodeAction: 1 suspend, 2 remove, 3 reinstate
    event ActionProposed(uint64 indexed actionId, uint64 indexed proposer, uint8 action, bool forCause, bytes32 reasonHash);
    event ActionVoteCast(uint64 indexed actionId, uint64 indexed member, bool approve);
    event ActionDecided(uint64 indexed actionId, bool approved);
    /// The commission's decision took effect provisionally (a removal only
    /// suspends); it lapses at `deadline` unless the plenary ratifies it.
    event ActionProvisional(uint64 indexed actionId, uint64 deadline);
    /// The action relies on cause (or is moved in plenary): nothing takes
    /// effect unless the plenary ratifies it before `deadline`.
    event ActionSentToPlenary(uint64 indexed actionId, uint64 deadline);
    /// The plenary's motion made the action final.
    event ActionRatified(uint64 indexed actionId, uint64 indexed motionId);
    /// The plenary's motion undid a provisional action.
    event ActionOverturned(uint64 indexed actionId, uint64 indexed motionId);
    /// Not ratified by its deadline, the action was undone at the end of a
    /// block: a block event (attribute actionId), like NodeFlagged, with the
    /// MemberStatusChanged, NodeStatusChanged and ValidatorPowerChanged of
    /// what it restored.
    event ActionLapsed(uint64 indexed actionId);

    event ProjectApproved(uint64 indexed projectId, uint64 indexed applicationId, string collective);
    /// @param status ProjectStatus: 1 active, 2 suspended, 3 closed
    event ProjectStatusChanged(uint64 indexed projectId, uint8 status);

    event CapitalRequested(uint64 indexed requestId, uint64 indexed recordId, uint64 gasPerEpoch, bytes32 justificationHash);
    /// `requestId` is the request the grant answers (0: none).
    event CapitalGranted(uint64 indexed recordId, uint64 indexed leader, uint64 gasPerEpoch, uint64 expiry, uint64 requestId);
    event CapitalRevoked(uint64 indexed recordId, uint64 indexed leader);
    event CapitalRequestDeclined(uint64 indexed requestId, uint64 indexed leader, bytes32 reasonHash);
    event CapitalRequestWithdrawn(uint64 indexed requestId);
    /// A plenary set a collective's capital budget; `committed` is what its
    /// records' grants count against it then.
    event CapitalBudgetSet(string collective, uint64 gasPerEpoch, uint64 committed);

    /// @param role Role: 1 leader, 2 secretary, 3 projects-commission, 4 nodes-commission, 5 advisory
    event SeatFilled(uint8 indexed role, string collective, uint64 indexed recordId, uint64 termEnd);
    /// @param role Role: 1 leader, 2 secretary, 3 projects-commission, 4 nodes-commission, 5 advisory
    event SeatVacated(uint8 indexed role, string collective, uint64 indexed recordId);
    /// A holder's term ended: it holds over until a successor is seated.
    /// Emitted once, at the end of the block whose time passed the term end,
    /// by no transaction: it is a CometBFT block event (like NodeFlagged).
    /// @param role Role: 1 leader, 2 secretary, 3 projects-commission, 4 nodes-commission, 5 advisory
    event TermEnded(uint8 indexed role, string collective, uint64 indexed recordId, uint64 termEnd);
    /// A leader's term renewed by its collective's ballot; `renewals` so far (at most 2).
    /// @param role Role: 1 leader, 2 secretary, 3 projects-commission, 4 nodes-commission, 5 advisory
    event TermRenewed(uint8 indexed role, string collective, uint64 indexed recordId, uint64 termEnd, uint32 renewals);
    /// An open call for a collective's vacant leader seats takes candidacies until `candidacyEnd`.
    event VacancyOpened(uint64 indexed callId, string collective, uint64 candidacyEnd);
    /// @param status CallStatus: 1 open, 2 filled, 3 lapsed
    event CallClosed(uint64 indexed callId, uint8 status);
    event CandidacyFiled(uint64 indexed callId, uint64 indexed recordId, bytes32 statementHash, string statementURI);
    event CandidacyWithdrawn(uint64 indexed callId, uint64 indexed recordId);
    /// `collective` "": a ballot of the whole network. `subject`: the leader to
    /// renew; for a question, the leader who asked it, or the plenary's motion.
    /// @param kind BallotKind: 1 renewal, 2 question
    event BallotOpened(uint64 indexed ballotId, uint8 kind, string collective, uint64 subject, uint64 end);
    /// A question's commitment and URI, its options (1 to `options`) and the
    /// turnout it needs, in votes.
    event BallotQuestion(uint64 indexed ballotId, bytes32 questionHash, string questionURI, uint16 options, uint32 quorum);
    /// A member's vote (changed, if it voted before).
    event BallotVoted(uint64 indexed ballotId, uint64 indexed recordId, uint16 option);
    /// A leader promoting a new collective applied (`applicant`: its account).
    event CollectiveRequested(uint64 indexed applicationId, string name, address applicant, bytes32 requestHash);
    /// The plenary created a collective: forming, led by `leaderRecord`, the
    /// promoter's new record, until it has its least leaders and a node
    /// (`formationDue`: the end of formationPeriod).
    event CollectiveCreated(string name, uint64 indexed applicationId, uint64 leaderRecord, uint64 formationDue);
    /// A report submitted: its kind, its actor (a collective for leaders, a
    /// record for members and projects, none for the councils), its period (from
    /// 0), the document's commitment and URI, and the record that submitted it.
    /// @param kind ReportKind: 1 member-nodes, 2 project, 3 leaders, 4 projects-commission, 5 nodes-commission, 6 secretary, 7 advisory
    event ReportSubmitted(uint8 kind, string collective, uint64 indexed recordId, uint64 period, bytes32 documentHash, string documentURI, uint64 submittedBy);
    /// The plenary put a version of the code of ethics in force.
    event EthicsCodeSet(uint64 version, bytes32 codeHash, string codeURI);
    event EthicsAccepted(uint64 indexed recordId, uint64 version);
    event ViolationReported(uint64 indexed violationId, uint64 indexed recordId, uint64 reporter, bytes32 evidenceHash);
    /// The plenary's decision on a reported violation.
    /// @param sanction Sanction: 1 warning, 2 capital-cut, 3 suspension, 4 dismissal
    event SanctionDecided(uint64 indexed violationId, uint64 indexed recordId, uint8 sanction, uint64 motionId);
    event BallotCast(uint64 indexed ballotId, uint64 indexed recordId, bool yes);
    /// `yes` and `no`: options 1 and 2, direct and delegated (BallotTallied
    /// has every option, split).
    event BallotClosed(uint64 indexed ballotId, bool passed, uint32 yes, uint32 no, uint32 electorate);
    /// Per option (index 0 is option 1), the direct and delegated votes, and the
    /// winning option (0: a tie, or the turnout short of the quorum).
    event BallotTallied(uint64 indexed ballotId, uint32[] direct, uint32[] delegated, uint16 winner);
    /// A member's delegation in a scope ("": the network, or its collective); `to` 0: revoked.
    event Delegated(uint64 indexed recordId, string scope, uint64 to);

    event ExtraordinaryRequested(uint64 indexed requestId, uint64 indexed leader, bytes32 objectivesHash);
    /// @param kind MeetingKind: 1 ordinary, 2 extraordinary
    event MeetingConvened(uint64 indexed meetingId, uint8 kind, uint64 start, uint64 end, bytes32 agendaHash);
    event ProxyAppointed(uint64 indexed holder, address indexed proxy);
    event ProxyRevoked(uint64 indexed holder, address indexed proxy);
    event AttendanceRecorded(uint64 indexed meetingId, uint64 indexed holder, address by);
    /// @param kind MotionKind: 1 approve-project, 2 project-status, 3 seat, 4 unseat, 5 parameter, 6 upgrade, 7 member-action, 8 ratify-action, 9 overturn-action, 10 capital-budget, 11 elect, 12 admit-advisory, 13 ballot, 14 ethics-code, 15 sanction, 16 new-collective
    event MotionProposed(uint64 indexed motionId, uint64 indexed meetingId, uint8 kind, uint64 proposer);
    event VoteCast(uint64 indexed motionId, uint64 indexed holder, bool yes);
    event MotionDecided(uint64 indexed motionId, bool passed, uint32 yes, uint32 no, uint32 present);
    event MinutesRecorded(uint64 indexed meetingId, bytes32 minutesHash);
    event AgreementAdded(uint64 indexed agreementId, uint64 indexed meetingId, bytes32 textHash);
    /// @param status AgreementStatus: 1 pending, 2 in-progress, 3 done, 4 dropped
    event AgreementStatusChanged(uint64 indexed agreementId, uint8 status);

    /// An application to the Advisory Council; `renewal`: the applicant's
    /// record holds a seat of it and asks for its one more term.
    event AdvisoryApplied(uint64 indexed applicationId, address indexed applicant, bool renewal);
    /// The plenary admitted (or renewed) an Advisory Council member until `termEnd`.
    event AdvisoryAdmitted(uint64 indexed recordId, uint64 indexed applicationId, uint64 termEnd, bool renewal);
    /// @param role Role: 1 leader, 2 secretary, 3 projects-commission, 4 nodes-commission, 5 advisory
    event DesignationProposed(uint64 indexed designationId, uint8 role, string collective, uint64 indexed recordId, uint64 proposer, uint64 deadline);
    event DesignationVoteCast(uint64 indexed designationId, uint64 indexed member, bool approve);
    /// A designation approved (the record took the seat), rejected, or
    /// recorded as expired (DesignationStatus).
    /// @param status DesignationStatus: 1 open, 2 approved, 3 rejected, 4 expired
    event DesignationDecided(uint64 indexed designationId, uint8 status);

    event ParameterChanged(string name, uint256 value);
    event UpgradeScheduled(string name, uint64 height);

    // ===== Accounts and identity (§2, §3.10) =====

    /// Offer `account` to the sender's record; the account joins when it accepts.
    function offerAccount(address account) external;
    /// Accept an offer: the sender's account joins record `recordId`.
    function acceptAccount(uint64 recordId) external;
    /// Remove one of the sender's record's accounts (never its last).
    function removeAccount(address account) external;
    /// A leader of the record's collective attests that the record's identity
    /// was checked off chain; `commitment` is a salted commitment to the evidence.
    function attestIdentity(uint64 recordId, bytes32 commitment) external;

    // ===== Node admission (§3.1) =====

    /// Apply to run a node. `nodeKey` is the node's p2p (ed25519) public key;
    /// its node ID is the first 20 bytes of its sha256. For a validator,
    /// `keyType` and `pubKey` are its consensus key (checked here). `memberKind`
    /// and `institution` describe the applicant if it is not yet a member.
    /// `nodeSignature` (by the node key) and `keySignature` (by the consensus
    /// key; empty for an observer) prove possession: each signs
    /// nodeApplicationMessage(...) of this application. Returns its id.
    /// @param role NodeRole: 1 validator, 2 observer
    /// @param memberKind RecordKind: 1 institution, 2 individual, 3 project
    function applyNode(
        string calldata collective,
        bytes32 nodeKey,
        uint8 role,
        string calldata keyType,
        bytes calldata pubKey,
        uint8 memberKind,
        bytes32 institution,
        bytes32 letterCommitment,
        string calldata letterURI,
        bytes32 adhesionCommitment,
        string calldata adhesionURI,
        bytes calldata nodeSignature,
        bytes calldata keySignature
    ) external returns (uint64 applicationId);

    /// A leader of the application's collective endorses it.
    function endorse(uint64 applicationId) external;
    /// A leader of the application's collective rejects it.
    function reject(uint64 applicationId, bytes32 reasonHash) external;
    /// The applicant withdraws an application not yet decided.
    function withdraw(uint64 applicationId) external;
    /// A seat holder of the Nodes (node applications) or Projects (project
    /// applications) Commission votes; a majority of the filled seats decides.
    function commissionVote(uint64 applicationId, bool approve) external;

    /// A Nodes Commission member proposes to suspend, remove or reinstate a
    /// node. For cause needs `reasonHash`, a commitment to the reason.
    /// @param action NodeAction: 1 suspend, 2 remove, 3 reinstate
    function proposeNodeAction(bytes20 nodeId, uint8 action, bool forCause, bytes32 reasonHash) external returns (uint64 actionId);
    /// A Nodes Commission member proposes to suspend, remove or reinstate a
    /// member that holds no seat (a seat holder: moveMemberAction). For cause
    /// needs `reasonHash`.
    /// @param action NodeAction: 1 suspend, 2 remove, 3 reinstate
    function proposeMemberAction(uint64 recordId, uint8 action, bool forCause, bytes32 reasonHash) external returns (uint64 actionId);
    /// A Nodes Commission member votes on an action; a majority of the filled
    /// seats decides. Approved, a reinstatement is final; a suspension or
    /// removal takes effect provisionally (a removal only suspends) until
    /// the plenary ratifies it within ratificationPeriod, else it lapses and
    /// is undone; one that relies on cause (the safety rules refuse it
    /// without) or leaves a collective without validators goes to the
    /// plenary and takes effect only if ratified.
    function voteAction(uint64 actionId, bool approve) external;

    // ===== Project admission (§3.2) =====

    /// Apply for a project; `accounts` will deploy its contracts. Each must
    /// accept with acceptProjectAccount before a leader endorses the
    /// application (the sender, if listed, accepts by applying); accounts
    /// with code and system addresses are refused.
    /// @param criteria Criteria: 1 public-value, 2 open-source, 4 open-data, 8 testing, 16 research, 32 impact
    function applyProject(
        string calldata collective,
        string calldata name,
        bytes32 descriptionCommitment,
        string calldata descriptionURI,
        bytes32 justificationCommitment,
        string calldata repositoryURI,
        uint8 criteria,
        address[] calldata accounts
    ) external returns (uint64 applicationId);
    /// A deployer account listed by a project application accepts, by its
    /// own transaction, to be that project's account.
    function acceptProjectAccount(uint64 applicationId) external;

    // ===== Capital (§3.3) =====
    // A collective's leaders grant capital within its budget, gas per epoch,
    // which a plenary sets (moveCapitalBudget; 0 until set, unless genesis
    // set it). The gas of its records' grants counts against the budget
    // ("committed") from the grant until it is revoked or replaced; an
    // expired grant counts until a leader revokes or renews it.

    /// A member or project asks its collective's leaders for capital. The
    /// request stays open until a leader grants or declines it or the record
    /// withdraws it (its status: CapitalRequestStatus).
    function requestCapital(uint64 gasPerEpoch, bytes32 justificationHash) external returns (uint64 requestId);
    /// A leader of the record's collective grants (or changes) its capital:
    /// gas per epoch, until `expiry` (0: no expiry), answering the record's
    /// open request `requestId` (0: none), which becomes granted. No leader
    /// grants to its own record. A new or larger grant must keep the
    /// collective's committed gas within its budget; a grant no larger than
    /// the live one it replaces is always allowed.
    function grantCapital(uint64 recordId, uint64 gasPerEpoch, uint64 expiry, uint64 requestId) external;
    /// A leader of the record's collective revokes its capital, which stops
    /// counting against the budget.
    function revokeCapital(uint64 recordId) external;
    /// A leader of the record's collective declines an open request.
    function declineCapitalRequest(uint64 requestId, bytes32 reasonHash) external;
    /// The requesting record (any of its accounts) withdraws its open request.
    function withdrawCapitalRequest(uint64 requestId) external;

    // ===== Meetings and plenary (§3.5) =====

    /// A leader requests an extraordinary meeting, stating its objectives.
    function requestExtraordinary(bytes32 objectivesHash) external returns (uint64 requestId);
    /// The secretary convenes a meeting, at least the notice period ahead.
    /// An extraordinary meeting names the request it answers.
    /// @param kind MeetingKind: 1 ordinary, 2 extraordinary
    function convene(uint8 kind, bytes32 agendaHash, uint64 start, uint64 end, string calldata place, uint64 requestId)
        external returns (uint64 meetingId);
    /// An Executive Council seat holder appoints a proxy account (one seat
    /// per proxy), member or not: it may send attend and vote for the holder,
    /// and nothing else for it, from the holder's governance allowance (an
    /// account of no record may send only those). It acts at meetings that
    /// start after the appointment.
    function appointProxy(address proxy) external;
    /// The holder revokes its proxy.
    function revokeProxy() external;
    /// A seat holder, or its proxy, records attendance during the meeting.
    function attend(uint64 meetingId) external;

    /// Motions, proposed by a present council member during the meeting.
    function moveApproveProject(uint64 meetingId, uint64 applicationId) external returns (uint64 motionId);
    /// @param status ProjectStatus: 1 active, 2 suspended, 3 closed
    function moveProjectStatus(uint64 meetingId, uint64 projectId, uint8 status) external returns (uint64 motionId);
    /// Move to vacate a seat (never the secretary's: designate a successor
    /// instead; never the last Nodes Commission seat while there are nodes).
    /// @param role Role: 1 leader, 2 secretary, 3 projects-commission, 4 nodes-commission, 5 advisory
    function moveUnseat(uint64 meetingId, uint8 role, string calldata collective, uint64 recordId)
        external returns (uint64 motionId);
    /// Move to elect candidate `recordId` of open call `callId`, once its
    /// candidacies closed: on passing it takes a leader seat for leaderTerm
    /// (in place of a leader holding over if the seats are full), and the call
    /// closes when the collective has no vacancy left.
    function moveElect(uint64 meetingId, uint64 callId, uint64 recordId) external returns (uint64 motionId);
    /// Move to change a parameter, within its range (checked again when decided).
    function moveParameter(uint64 meetingId, string calldata name, uint256 value) external returns (uint64 motionId);
    /// Move to set a collective's capital budget, gas per epoch. Lowering it
    /// below what is committed leaves the grants standing, but no new or
    /// larger grant is made until the committed gas falls within it.
    function moveCapitalBudget(uint64 meetingId, string calldata collective, uint64 gasPerEpoch) external returns (uint64 motionId);
    /// Move to schedule a named upgrade at a height; height 0 cancels the
    /// scheduled upgrade of that name before its height (UpgradeScheduled(name, 0)).
    function moveUpgrade(uint64 meetingId, string calldata name, uint64 height) external returns (uint64 motionId);
    /// Move to ask every member of the network a question (as openBallot) for
    /// `duration` seconds (a minute to 60 days) from the decision; passed, the
    /// ballot opens (BallotOpened, its subject the motion).
    function moveBallot(uint64 meetingId, bytes32 questionHash, string calldata questionURI, uint16 options, uint64 duration, uint32 quorumPermille)
        external returns (uint64 motionId);

    /// Move to suspend, remove or reinstate a member, a seat holder among
    /// them (the secretary is never suspended or removed): recorded as an
    /// action to plenary, carried out and final when the motion passes, with
    /// its rules checked again. For cause needs `reasonHash`.
    /// @param action NodeAction: 1 suspend, 2 remove, 3 reinstate
    function moveMemberAction(uint64 meetingId, uint64 recordId, uint8 action, bool forCause, bytes32 reasonHash)
        external returns (uint64 motionId);
    /// Move to ratify a provisional or to-plenary action before its deadline:
    /// passed, it is final (a provisional removal becomes the removal; a
    /// to-plenary action takes effect), its rules checked again.
    function moveRatifyAction(uint64 meetingId, uint64 actionId) external returns (uint64 motionId);
    /// Move to overturn a provisional or to-plenary action before its
    /// deadline: passed, what it suspended is restored at once.
    function moveOverturnAction(uint64 meetingId, uint64 actionId) external returns (uint64 motionId);

    /// A present seat holder (or its proxy) votes during the meeting; voting records attendance.
    function vote(uint64 motionId, bool yes) external;
    /// After the meeting, anyone tallies a motion: it passes in a quorate
    /// meeting by a majority of those present (a tie fails), and takes effect.
    /// Quorum is the meeting's own: the secretary and, of the others who
    /// attended, the quorum fixed when it was convened (at most the filled seats).
    function decide(uint64 motionId) external;
    /// The secretary or a leader of the collective opens a call for its vacant
    /// leader seats (fewer than maxLeaders seated, or one holding over): members
    /// stand for candidacyPeriod. One open call per collective; after its
    /// candidacies, a call with nobody left standing lapses when a new one opens.
    function openCall(string calldata collective) external returns (uint64 callId);
    /// An active member of the call's collective stands, once per call, with a
    /// commitment to its statement and the statement's URI.
    function standForSeat(uint64 callId, bytes32 statementHash, string calldata statementURI) external;
    /// A candidate withdraws from an open call (it may not stand again in it).
    function withdrawCandidacy(uint64 callId) external;
    /// The leader, or the secretary, opens the member ballot on renewing the
    /// leader's term, in its last quarter or in holdover; at most 2 renewals
    /// per holder of a seat. The ballot lasts ballotPeriod.
    function openRenewalBallot(uint64 leaderRecord) external returns (uint64 ballotId);
    /// An active member of the ballot's scope votes yes (option 1) or no
    /// (option 2) while it runs; it may change its vote until the end. A direct
    /// vote overrides the member's delegation for this ballot.
    function castBallot(uint64 ballotId, bool yes) external;
    /// The same, for any option of the ballot (1 to its options).
    function voteBallot(uint64 ballotId, uint16 option) external;
    /// A leader of a collective asks its members a question (a commitment to
    /// its text and the text's URI) with 2 to 16 options, until `end` (a
    /// minute to 60 days away), with a turnout quorum in ‰ of the members (0,
    /// or anything lower: a third). At most 8 open questions per collective.
    function openBallot(string calldata collective, bytes32 questionHash, string calldata questionURI, uint16 options, uint64 end, uint32 quorumPermille)
        external returns (uint64 ballotId);
    /// The end of the first block at or after the ballot's end closes it (or
    /// anyone, by this call, in that block). The tally follows the delegations
    /// as they stand then: each active direct voter counts once, and so does
    /// each active member whose chain of delegations reaches it before another
    /// direct voter (inactive members pass the weight behind them on; a cycle
    /// no voter is on counts nothing). It passes when one option has more votes
    /// than any other and the turnout (direct and delegated) reaches its quorum:
    /// at least a third of the members at its opening (and at least 2 unless
    /// there is 1); a renewal passes with yes, and starts a new term of
    /// leaderTerm from now.
    function closeBallot(uint64 ballotId) external;
    /// A member delegates its vote in the member ballots of a scope (""
    /// the network, or its own collective) to an active member of the scope,
    /// replacing any delegation it had there. Transitive; refused in the block
    /// in which a ballot of the scope ends, until that ballot is counted.
    function delegate(string calldata scope, uint64 to) external;
    /// A member revokes its delegation in a scope.
    function revokeDelegation(string calldata scope) external;
    /// The holder leaves its seat. The secretary leaves only when a successor
    /// is seated; the last Nodes Commission seat stays while there are nodes. A
    /// formed collective left with fewer than minLeaders gets an open call.
    /// @param role Role: 1 leader, 2 secretary, 3 projects-commission, 4 nodes-commission, 5 advisory
    function resign(uint8 role, string calldata collective) external;

    /// The leader promoting a new collective applies, from an account of no
    /// record (within applyQuota): the collective's name (1 to 32 bytes, new),
    /// a commitment to its written request, committing to the node
    /// requirements, the request's URI, and its institution (a salted
    /// commitment). At most 16 collectives.
    function applyCollective(string calldata name, bytes32 requestHash, string calldata requestURI, bytes32 institution)
        external returns (uint64 applicationId);
    /// Move to create the collective of a new collective's application. It
    /// passes with two thirds of those present (not a simple majority): the
    /// collective exists, forming, with the applicant's new record as its
    /// first leader (a term of leaderTerm); it is formed, and its validators
    /// hold an equal share of the power, once it has minLeaders leaders and an
    /// admitted node. Refused, the application is rejected.
    function moveNewCollective(uint64 meetingId, uint64 applicationId) external returns (uint64 motionId);
    /// Submit a report of an obligation of §3.8, in order (`period`: the next
    /// one, from 0), once its period has ended: a member with nodes its
    /// nodes' (member-nodes, monthly), a project its own (every 2 months), a
    /// leader its collective's leaders' (`collective`, every 2 months), a seat
    /// holder its commission's (monthly), the secretary's or the Advisory
    /// Council's (every 3 months). Periods run from the obligation's start
    /// (the calendar's, or the record's or collective's making), in
    /// reportMonth units; each report is due a reportMonth after its period.
    /// @param kind ReportKind: 1 member-nodes, 2 project, 3 leaders, 4 projects-commission, 5 nodes-commission, 6 secretary, 7 advisory
    function submitReport(uint8 kind, string calldata collective, uint64 period, bytes32 documentHash, string calldata documentURI) external;
    /// Move to put a new version of the code of ethics in force: a commitment
    /// to its text and the text's URI. Passed, it is the next version, and a
    /// member that has not accepted it neither votes in member ballots nor
    /// stands for or takes a seat until it does.
    function moveEthicsCode(uint64 meetingId, bytes32 codeHash, string calldata codeURI) external returns (uint64 motionId);
    /// A member accepts the code of ethics in force (its version, as ethics() says).
    function acceptEthics(uint64 version) external;
    /// A member reports a violation of the code by another member, with a
    /// commitment to its evidence and the evidence's URI.
    function reportViolation(uint64 recordId, bytes32 evidenceHash, string calldata evidenceURI) external returns (uint64 violationId);
    /// Move a sanction on an open reported violation; passed, it is applied
    /// and the violation decided (SanctionDecided). A suspension is moved as
    /// moveMemberAction for cause, its reason the report's commitment, and
    /// follows every rule of that motion.
    /// @param sanction Sanction: 1 warning, 2 capital-cut, 3 suspension, 4 dismissal
    function moveSanction(uint64 meetingId, uint64 violationId, uint8 sanction) external returns (uint64 motionId);

    /// The secretary records the minutes of a meeting that has ended.
    function recordMinutes(uint64 meetingId, bytes32 minutesHash) external;
    /// The secretary records an agreement of a meeting, and its follow-up.
    function addAgreement(uint64 meetingId, bytes32 textHash) external returns (uint64 agreementId);
    /// @param status AgreementStatus: 1 pending, 2 in-progress, 3 done, 4 dropped
    function setAgreementStatus(uint64 agreementId, uint8 status) external;

    // ===== Advisory Council (§3.4) =====

    /// Apply to the Advisory Council with a written application: commitments
    /// to the CV (with its URI) and to the statement. Anyone may apply, also
    /// an account of no record (within the apply quota), or an Advisory
    /// member asking for its one renewal. The application goes straight to
    /// the plenary; the applicant may withdraw it.
    function applyAdvisory(bytes32 cvCommitment, string calldata cvURI, bytes32 statementCommitment)
        external returns (uint64 applicationId);
    /// Move to admit (or renew) the applicant to the Advisory Council until
    /// the decision's block time plus advisoryTerm, within maxAdvisory seats
    /// (a full council takes a new member only in place of one holding over).
    /// An applicant of no record becomes an individual member of no
    /// collective. If the motion fails the application is rejected.
    function moveAdmitAdvisory(uint64 meetingId, uint64 applicationId) external returns (uint64 motionId);
    /// A collective leader proposes that the Advisory Council designate
    /// `recordId` to an Executive Council seat: role 2 secretary (any
    /// leader; `collective` ignored), 3 projects or 4 nodes commission (a
    /// leader of `collective`, of whose members the record is). The record
    /// must be able to take the seat: vacant, holding over, or its own (a
    /// renewal). One open designation per seat; it expires undecided after
    /// candidacyPeriod.
    /// @param role Role: 1 leader, 2 secretary, 3 projects-commission, 4 nodes-commission, 5 advisory
    function proposeDesignation(uint8 role, string calldata collective, uint64 recordId, bytes32 rationaleCommitment)
        external returns (uint64 designationId);
    /// An Advisory Council member votes on an open designation. A majority
    /// of the filled Advisory seats (holding over counts) approves it, and
    /// the record takes the seat for councilTerm in place of the holder; a
    /// designation that can no longer reach that majority is rejected.
    function voteDesignation(uint64 designationId, bool approve) external;

    // ===== Views =====
    // A view costs gas for every slot it may read. Lists that grow without
    // bound are paginated: pass `cursor` 0 and a `limit` (0 or above 1000:
    // 1000) for the first page, then the `next` cursor of each answer until
    // it is 0. The price follows `limit`, so ask for what you need.

    /// The message a node key and a consensus key sign to apply (see applyNode).
    /// @param role NodeRole: 1 validator, 2 observer
    function nodeApplicationMessage(
        address applicant,
        string calldata collective,
        bytes32 nodeKey,
        uint8 role,
        string calldata keyType,
        bytes calldata pubKey
    ) external view returns (bytes32 message);

    function parameter(string calldata name) external view returns (uint256 value);
    function parameterNames() external view returns (string[] memory names);

    function collectives() external view returns (string[] memory names);
    function collective(string calldata name)
        external view returns (bool formed, uint64[] memory leaders, uint32 members, uint32 nodes, uint32 validators);

    function recordOf(address account) external view returns (uint64 recordId);
    /// @return kind RecordKind: 1 institution, 2 individual, 3 project
    /// @return collective
    /// @return status RecordStatus: 1 active, 2 suspended, 3 removed
    function record(uint64 recordId)
        external view returns (uint8 kind, string memory collective, uint8 status, bytes32 institution, uint32 accounts);
    /// A record's accounts, in the order added.
    function accounts(uint64 recordId, bytes32 cursor, uint32 limit)
        external view returns (address[] memory accounts, bytes32 next);
    function members(string calldata collective, bytes32 cursor, uint32 limit)
        external view returns (uint64[] memory recordIds, bytes32 next);
    function attestations(uint64 recordId, bytes32 cursor, uint32 limit)
        external view returns (uint64[] memory leaders, uint64[] memory times, bytes32[] memory commitments, bytes32 next);

    /// For contracts: may this account transact, deploy, and how much gas is left.
    function isMember(address account) external view returns (bool);
    function canDeploy(address account) external view returns (bool);
    function capitalOf(address account)
        external view returns (uint64 recordId, uint64 gasPerEpoch, uint64 used, uint64 remaining, uint64 epochEnd);
    function capital(uint64 recordId)
        external view returns (uint64 gasPerEpoch, uint64 expiry, uint64 used, uint64 remaining, uint64 epochEnd);
    /// A collective's capital budget, the gas its grants commit against it,
    /// and the current epoch and when it ends.
    function capitalBudget(string calldata collective)
        external view returns (uint64 gasPerEpoch, uint64 committed, uint64 epoch, uint64 epochEnd);
    /// A collective's capital requests in a status, in the order they reached it.
    /// @param status CapitalRequestStatus: 1 open, 2 granted, 3 declined, 4 withdrawn
    function capitalRequests(string calldata collective, uint8 status, bytes32 cursor, uint32 limit)
        external view returns (uint64[] memory requestIds, bytes32 next);

    function nodes(bytes32 cursor, uint32 limit) external view returns (bytes20[] memory nodeIds, bytes32 next);
    /// @return collective
    /// @return operator
    /// @return role NodeRole: 1 validator, 2 observer
    /// @return status NodeStatus: 1 admitted, 2 suspended, 3 removed
    function node(bytes20 nodeId)
        external view returns (string memory collective, uint64 operator, uint8 role, uint8 status, string memory keyType, bytes memory pubKey, uint64 power);
    /// A validator's liveness review: misses among the last `window` blocks
    /// it was a validator in (`counted` so far, at most the window), and the
    /// height it was flagged at (0: not flagged).
    function nodeLiveness(bytes20 nodeId)
        external view returns (uint64 missed, uint64 window, uint64 counted, bool flagged, uint64 since);
    /// Validators flagged by the liveness review, in order of flagging.
    function flaggedNodes(bytes32 cursor, uint32 limit) external view returns (bytes20[] memory nodeIds, bytes32 next);
    /// The evidence of misbehaviour committed against a node: how many
    /// pieces (`equivocations`), the height it last misbehaved at, and the
    /// block (`recordedAt`) and block time (`recordedTime`) that recorded it;
    /// all 0 for a node never caught. With the node's collective and operator.
    function nodeMisbehaviour(bytes20 nodeId)
        external view returns (string memory collective, uint64 operator, uint64 equivocations, uint64 lastHeight, uint64 recordedAt, uint64 recordedTime);
    /// Nodes with evidence of misbehaviour against them, in order of the first.
    function equivocatingNodes(bytes32 cursor, uint32 limit) external view returns (bytes20[] memory nodeIds, bytes32 next);
    /// Validators with power, by collective, in order of admission.
    function validators(bytes32 cursor, uint32 limit)
        external view returns (bytes20[] memory nodeIds, uint64[] memory powers, bytes32 next);

    function projects(bytes32 cursor, uint32 limit) external view returns (uint64[] memory projectIds, bytes32 next);
    /// A project; its accounts are read with accounts(projectId, …).
    /// @return collective
    /// @return name
    /// @return status ProjectStatus: 1 active, 2 suspended, 3 closed
    function project(uint64 projectId)
        external view returns (string memory collective, string memory name, uint8 status, string memory repositoryURI, uint32 accounts);

    /// @param kind ApplicationKind: 1 node, 2 project, 3 advisory, 4 collective
    /// @param status ApplicationStatus: 1 submitted, 2 endorsed, 3 to-plenary, 4 approved, 5 rejected, 6 withdrawn
    function applications(uint8 kind, uint8 status, bytes32 cursor, uint32 limit)
        external view returns (uint64[] memory applicationIds, bytes32 next);
    /// @return kind ApplicationKind: 1 node, 2 project, 3 advisory, 4 collective
    /// @return status ApplicationStatus: 1 submitted, 2 endorsed, 3 to-plenary, 4 approved, 5 rejected, 6 withdrawn
    /// @return applicant
    /// @return collective
    /// @return nodeId
    /// @return role NodeRole: 1 validator, 2 observer
    function application(uint64 applicationId)
        external view returns (uint8 kind, uint8 status, address applicant, string memory collective, bytes20 nodeId, uint8 role, uint64 submitted, uint32 approvals, uint32 rejections);
    /// A project application's deployer accounts and whether each accepted.
    function applicationAccounts(uint64 applicationId)
        external view returns (address[] memory accounts, bool[] memory accepted);
    /// What a node application asks for and brings: the node and its
    /// consensus key, and for an applicant not yet a member its kind and
    /// the commitments to its institution, letter and adhesion (zero for a
    /// project application).
    /// @return nodeId
    /// @return role NodeRole: 1 validator, 2 observer
    /// @return keyType
    /// @return pubKey
    /// @return memberKind RecordKind: 1 institution, 2 individual, 3 project
    function nodeApplication(uint64 applicationId)
        external view returns (bytes20 nodeId, uint8 role, string memory keyType, bytes memory pubKey, uint8 memberKind, bytes32 institution, bytes32 letterCommitment, string memory letterURI, bytes32 adhesionCommitment, string memory adhesionURI);
    /// What a project application states (empty for a node application);
    /// its deployer accounts are applicationAccounts'.
    /// @return name
    /// @return descriptionCommitment
    /// @return descriptionURI
    /// @return justificationCommitment
    /// @return repositoryURI
    /// @return criteria Criteria: 1 public-value, 2 open-source, 4 open-data, 8 testing, 16 research, 32 impact
    function projectApplication(uint64 applicationId)
        external view returns (string memory name, bytes32 descriptionCommitment, string memory descriptionURI, bytes32 justificationCommitment, string memory repositoryURI, uint8 criteria);
    /// Who reviewed an application and what came of it: the leader who
    /// endorsed it and when (0: not endorsed), a leader's reason for
    /// rejecting it (0: none given, or rejected by its commission), and the
    /// record it admitted (the member operating the node, the project, or the
    /// Advisory Council member; 0 until approved). Advisory Council
    /// applications go to the plenary unendorsed.
    function applicationReview(uint64 applicationId)
        external view returns (uint64 endorser, uint64 endorsed, bytes32 reasonHash, uint64 recordId);
    /// The commission members who voted on an application, in the order
    /// they voted (application() has the counts).
    function applicationVotes(uint64 applicationId) external view returns (uint64[] memory yes, uint64[] memory no);
    /// A Nodes Commission action: its target and subject (the node ID, or
    /// the record id as a number), kind, cause and reason commitment, status,
    /// proposer, ratification deadline (0: none), the motion that moved,
    /// ratified or overturned it, and the commission's votes.
    /// @return target ActionTarget: 1 node, 2 member
    /// @return subject
    /// @return kind NodeAction: 1 suspend, 2 remove, 3 reinstate
    /// @return forCause
    /// @return reasonHash
    /// @return status ActionStatus: 1 proposed, 2 provisional, 3 to-plenary, 4 final, 5 rejected, 6 lapsed, 7 overturned
    function action(uint64 actionId)
        external view returns (uint8 target, bytes32 subject, uint8 kind, bool forCause, bytes32 reasonHash, uint8 status,
            uint64 proposer, uint64 deadline, uint64 motionId, uint32 approvals, uint32 rejections);
    /// Actions of a status, in the order they reached it.
    /// @param status ActionStatus: 1 proposed, 2 provisional, 3 to-plenary, 4 final, 5 rejected, 6 lapsed, 7 overturned
    function actions(uint8 status, bytes32 cursor, uint32 limit)
        external view returns (uint64[] memory actionIds, bytes32 next);
    /// An action's subject decoded (the node of a node action, the record of
    /// a member action; the other 0), and when it was proposed.
    function actionDetail(uint64 actionId)
        external view returns (bytes20 nodeId, uint64 recordId, uint64 proposed);
    /// The Nodes Commission members who voted on an action, in the order
    /// they voted.
    function actionVotes(uint64 actionId) external view returns (uint64[] memory yes, uint64[] memory no);

    /// Capital requests (requestCapital), every one, in the order made.
    function capitalRequestIds(bytes32 cursor, uint32 limit) external view returns (uint64[] memory requestIds, bytes32 next);
    /// A capital request: the record asking, the gas per epoch it asks
    /// for, the commitment to its justification, when it was made, its
    /// status, the leader who granted or declined it (0: none yet, or
    /// withdrawn) and the gas per epoch granted.
    /// @return recordId
    /// @return gasPerEpoch
    /// @return justificationHash
    /// @return requested
    /// @return status CapitalRequestStatus: 1 open, 2 granted, 3 declined, 4 withdrawn
    function capitalRequest(uint64 requestId)
        external view returns (uint64 recordId, uint64 gasPerEpoch, bytes32 justificationHash, uint64 requested, uint8 status, uint64 decidedBy, uint64 grantedGasPerEpoch);
    /// Extraordinary meeting requests, in the order made: the leader's
    /// record, the commitment to the objectives, when, and the meeting
    /// convened for it (0: not yet).
    function extraordinaryRequests(bytes32 cursor, uint32 limit)
        external view returns (uint64[] memory requestIds, uint64[] memory requesters, bytes32[] memory objectivesHashes, uint64[] memory requested, uint64[] memory meetingIds, bytes32 next);
    /// One extraordinary meeting request (see extraordinaryRequests).
    function extraordinaryRequest(uint64 requestId)
        external view returns (uint64 requester, bytes32 objectivesHash, uint64 requested, uint64 meetingId);

    /// @param role Role: 1 leader, 2 secretary, 3 projects-commission, 4 nodes-commission, 5 advisory
    function seats(uint8 role, string calldata collective)
        external view returns (uint64[] memory holders, uint64[] memory termEnds, bool[] memory holdingOver);
    /// @return role Role: 1 leader, 2 secretary, 3 projects-commission, 4 nodes-commission, 5 advisory
    function seatOf(uint64 recordId)
        external view returns (uint8 role, string memory collective, uint64 termEnd, bool holdingOver);
    function proxyOf(uint64 holder) external view returns (address proxy);
    /// A holder's term of a role: its end, whether it ended (holding over),
    /// renewals so far and the open renewal ballot (0: none).
    /// @param role Role: 1 leader, 2 secretary, 3 projects-commission, 4 nodes-commission, 5 advisory
    function term(uint8 role, uint64 recordId)
        external view returns (uint64 termEnd, bool holdingOver, uint32 renewals, uint64 openBallot);
    /// Seats with room or a holder holding over: per collective its leaders
    /// and commission seats, then the secretary and the Advisory Council, with
    /// the seats missing, the holders holding over and, for leaders, the open call.
    /// @return roles Role: 1 leader, 2 secretary, 3 projects-commission, 4 nodes-commission, 5 advisory
    function vacancies()
        external view returns (uint8[] memory roles, string[] memory collectives, uint32[] memory missing, uint32[] memory holdingOver, uint64[] memory callIds);
    /// Open calls for leader seats, in the order opened.
    function calls(bytes32 cursor, uint32 limit) external view returns (uint64[] memory callIds, bytes32 next);
    /// @return collective
    /// @return status CallStatus: 1 open, 2 filled, 3 lapsed
    function call(uint64 callId)
        external view returns (string memory collective, uint8 status, uint64 openedBy, uint64 opened, uint64 candidacyEnd, uint32 candidates, uint32 elected);
    /// A call's standing candidates, in the order they stood.
    function candidates(uint64 callId, bytes32 cursor, uint32 limit)
        external view returns (uint64[] memory recordIds, bytes32[] memory statementHashes, string[] memory statementURIs, bytes32 next);
    /// @return kind BallotKind: 1 renewal, 2 question
    /// @return status BallotStatus: 1 open, 2 passed, 3 failed
    /// `yes` and `no`: the direct votes while it runs; once closed, the tally.
    function ballot(uint64 ballotId)
        external view returns (uint8 kind, uint8 status, string memory collective, uint64 subject, uint64 opened, uint64 end, uint32 yes, uint32 no, uint32 electorate);
    /// A ballot's votes per option (index 0 is option 1), direct and delegated
    /// (delegated: 0 until it closes), its electorate, the turnout it needs, and
    /// once closed the winning option (0: a tie, or the turnout short).
    function ballotTally(uint64 ballotId)
        external view returns (uint32[] memory direct, uint32[] memory delegated, uint32 electorate, uint32 quorum, uint16 winner);
    /// A question's commitment, URI and number of options.
    function ballotQuestion(uint64 ballotId) external view returns (bytes32 questionHash, string memory questionURI, uint16 options);
    /// Whether a collective is formed; for one created after genesis, its
    /// application, the end of its formation period, and whether it is past
    /// it still forming (overdue); its leaders and nodes so far.
    function collectiveFormation(string calldata collective)
        external view returns (bool formed, uint64 applicationId, uint64 formationDue, bool overdue, uint32 leaders, uint32 nodes);
    /// A new collective's application: its request's commitment and URI.
    function collectiveRequest(uint64 applicationId) external view returns (bytes32 requestHash, string memory requestURI);
    /// An obligation's schedule: its start, its period length, the reports
    /// submitted, when the next is due, and how many are overdue (`collective`
    /// for leaders, `recordId` for members and projects; the rest ignore both).
    /// @param kind ReportKind: 1 member-nodes, 2 project, 3 leaders, 4 projects-commission, 5 nodes-commission, 6 secretary, 7 advisory
    function reportStatus(uint8 kind, string calldata collective, uint64 recordId)
        external view returns (uint64 startedAt, uint64 periodLength, uint64 reports, uint64 nextDue, uint64 overdue);
    /// A submitted report: the document's commitment and URI, and when.
    /// @param kind ReportKind: 1 member-nodes, 2 project, 3 leaders, 4 projects-commission, 5 nodes-commission, 6 secretary, 7 advisory
    function report(uint8 kind, string calldata collective, uint64 recordId, uint64 period)
        external view returns (bytes32 documentHash, string memory documentURI, uint64 submittedAt);
    /// A page of a collective's members (member-nodes) or of the projects (of a
    /// collective, or all for ""), answering those with reports overdue and how
    /// many.
    /// @param kind ReportKind: 1 member-nodes, 2 project, 3 leaders, 4 projects-commission, 5 nodes-commission, 6 secretary, 7 advisory
    function overdueReports(uint8 kind, string calldata collective, bytes32 cursor, uint32 limit)
        external view returns (uint64[] memory recordIds, uint64[] memory overdue, bytes32 next);
    /// A member's node report, ready-made from chain data: for a page of the
    /// nodes it operates, the blocks each signed and missed as a validator and
    /// the blocks it proposed since the member's last member-nodes report (or
    /// since its record was made), and when that was. Commit to it and submit
    /// it with submitReport.
    function nodeReport(uint64 recordId, bytes32 cursor, uint32 limit)
        external view returns (uint64 countedFrom, bytes20[] memory nodeIds, uint64[] memory signed, uint64[] memory missed, uint64[] memory proposals, bytes32 next);
    /// The code of ethics in force (version 0: none yet).
    function ethics() external view returns (uint64 version, bytes32 codeHash, string memory codeURI);
    /// The version of the code a record accepted, and whether that is the one
    /// in force (or none is), so it may vote and be seated.
    function ethicsOf(uint64 recordId) external view returns (uint64 acceptedVersion, bool current);
    /// A reported violation.
    /// @return recordId
    /// @return reporter
    /// @return evidenceHash
    /// @return evidenceURI
    /// @return reported
    /// @return status ViolationStatus: 1 open, 2 sanctioned, 3 dismissed
    /// @return sanction Sanction: 1 warning, 2 capital-cut, 3 suspension, 4 dismissal
    function violation(uint64 violationId)
        external view returns (uint64 recordId, uint64 reporter, bytes32 evidenceHash, string memory evidenceURI, uint64 reported, uint8 status, uint8 sanction, uint64 motionId);
    /// The open ballots, in the order they opened.
    function openBallots(bytes32 cursor, uint32 limit) external view returns (uint64[] memory ballotIds, bytes32 next);
    /// A member's delegate in a scope (0: none) and how many delegate to it directly.
    function delegation(uint64 recordId, string calldata scope) external view returns (uint64 to, uint32 delegators);
    /// The members delegating directly to a member in a scope, in the order they did.
    function delegators(uint64 recordId, string calldata scope, bytes32 cursor, uint32 limit)
        external view returns (uint64[] memory recordIds, bytes32 next);
    /// A member's chain of delegates in a scope, and the member whose direct
    /// vote in ballot `ballotId` (0: none) carries its weight: itself if it
    /// voted; 0 if the chain ends or loops. A chain longer than `limit` comes
    /// in pages: `next` is the record to go on from (as the next `cursor`), 0
    /// at the end.
    function delegationChain(uint64 recordId, string calldata scope, uint64 ballotId, bytes32 cursor, uint32 limit)
        external view returns (uint64[] memory chain, uint64 carriedBy, bytes32 next);

    function meetings(bytes32 cursor, uint32 limit) external view returns (uint64[] memory meetingIds, bytes32 next);
    /// @return kind MeetingKind: 1 ordinary, 2 extraordinary
    function meeting(uint64 meetingId)
        external view returns (uint8 kind, uint64 start, uint64 end, bytes32 agendaHash, string memory place, bytes32 minutesHash, uint64[] memory present);
    function motions(uint64 meetingId, bytes32 cursor, uint32 limit)
        external view returns (uint64[] memory motionIds, bytes32 next);
    /// @return meetingId
    /// @return kind MotionKind: 1 approve-project, 2 project-status, 3 seat, 4 unseat, 5 parameter, 6 upgrade, 7 member-action, 8 ratify-action, 9 overturn-action, 10 capital-budget, 11 elect, 12 admit-advisory, 13 ballot, 14 ethics-code, 15 sanction, 16 new-collective
    /// @return status MotionStatus: 1 open, 2 passed, 3 failed
    function motion(uint64 motionId)
        external view returns (uint64 meetingId, uint8 kind, uint8 status, uint64 proposer, uint64[] memory yes, uint64[] memory no);
    /// What a motion would do, decoded by its kind; the fields its kind does
    /// not use are zero. approve-project: applicationId; project-status:
    /// projectId and projectStatus; elect: role (leader), collective and
    /// recordId (the candidate) and termEnd; unseat: role, collective and
    /// recordId; parameter: name and value; upgrade: name and height (0:
    /// cancel); member-action, ratify-action, overturn-action: actionId (and
    /// recordId, for an action on a member); capital-budget: collective and
    /// value (gas per epoch); admit-advisory: applicationId, role (advisory),
    /// recordId (the applicant's record; 0: a new one) and termEnd; seat
    /// (retired, moved only before seats had their own flows): role,
    /// collective, recordId and the term end it gave, if decided; ballot: name
    /// (the question's URI), value (its duration in seconds), height (its number
    /// of options) and termEnd (the ballot's end, once carried). The term end
    /// of an election or an admission is the decision's, or before the
    /// decision the one it would give at the meeting's end (the role's term
    /// from then).
    /// @return kind MotionKind: 1 approve-project, 2 project-status, 3 seat, 4 unseat, 5 parameter, 6 upgrade, 7 member-action, 8 ratify-action, 9 overturn-action, 10 capital-budget, 11 elect, 12 admit-advisory, 13 ballot, 14 ethics-code, 15 sanction, 16 new-collective
    /// @return applicationId
    /// @return projectId
    /// @return projectStatus ProjectStatus: 1 active, 2 suspended, 3 closed
    /// @return role Role: 1 leader, 2 secretary, 3 projects-commission, 4 nodes-commission, 5 advisory
    function motionContent(uint64 motionId)
        external view returns (uint8 kind, uint64 applicationId, uint64 projectId, uint8 projectStatus, uint8 role, string memory collective, uint64 recordId, uint64 termEnd, string memory name, uint256 value, uint64 height, uint64 actionId);
    /// @return agreementIds
    /// @return textHashes
    /// @return statuses AgreementStatus: 1 pending, 2 in-progress, 3 done, 4 dropped
    function agreements(uint64 meetingId, bytes32 cursor, uint32 limit)
        external view returns (uint64[] memory agreementIds, bytes32[] memory textHashes, uint8[] memory statuses, bytes32 next);

    /// An Advisory Council application's content (its applicant and status
    /// are in application(…)).
    function advisoryApplication(uint64 applicationId)
        external view returns (bytes32 cvCommitment, string memory cvURI, bytes32 statementCommitment, bool renewal);
    /// A designation: the seat (role, collective: "" for the secretary), the
    /// record designated, the proposing leader's record, the rationale, its
    /// status, when it was proposed and when it expires, and the Advisory
    /// members' records that approved and rejected it.
    /// @return role Role: 1 leader, 2 secretary, 3 projects-commission, 4 nodes-commission, 5 advisory
    /// @return collective
    /// @return recordId
    /// @return proposer
    /// @return rationaleCommitment
    /// @return status DesignationStatus: 1 open, 2 approved, 3 rejected, 4 expired
    function designation(uint64 designationId)
        external view returns (uint8 role, string memory collective, uint64 recordId, uint64 proposer, bytes32 rationaleCommitment,
            uint8 status, uint64 proposed, uint64 deadline, uint64[] memory approvals, uint64[] memory rejections);
    /// Designations of a status (DesignationStatus), in the order each
    /// reached it; expired ones include those still open past their deadline.
    /// @param status DesignationStatus: 1 open, 2 approved, 3 rejected, 4 expired
    function designations(uint8 status, bytes32 cursor, uint32 limit)
        external view returns (uint64[] memory designationIds, bytes32 next);

    /// Scheduled upgrades, in the order scheduled.
    function upgrades(bytes32 cursor, uint32 limit)
        external view returns (string[] memory names, uint64[] memory heights, bytes32 next);
}
