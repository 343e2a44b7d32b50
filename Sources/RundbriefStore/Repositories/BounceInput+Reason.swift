import RundbriefCore

extension BounceInput {
    /// The kind that the failure's reason decides (`BounceReason.weight`): a bounce whose
    /// status and words name a block, spam or virus verdict, a rate limit or failed
    /// authentication is the sender's problem (recorded as sender-blocked); a filtered
    /// rejection, a full mailbox or an expired delivery counts as soft, never as hard.
    /// Complaints and inputs without status or words keep their kind.
    public func weighedByReason() -> BounceInput {
        guard kind == .hard || kind == .soft, status != nil || diagnostic != nil else { return self }
        var weighed = self
        switch BounceReason.classify(status: status, diagnostic: diagnostic).weight(permanent: kind == .hard) {
        case .hard: break
        case .soft: weighed.kind = .soft
        case .none: weighed.kind = .senderBlocked
        }
        return weighed
    }
}
