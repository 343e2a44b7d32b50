public import Foundation
import GRDB

/// A send that has started: the archive shows the edition as that send froze it.
public struct StartedSend: Sendable, Equatable {
    public var sendID: Int64
    /// The list the edition went to.
    public var list: MailingList
    /// The edition as it was at the start of the send.
    public var snapshot: Send.Snapshot
    public var startedAt: Date
}

extension AppDatabase {
    /// Every send that has started (whatever became of it since), oldest first, with its list and
    /// edition snapshot: the web archive is made of these. Scheduled sends are not here, so an
    /// edition appears in the archive only once a send of it has started.
    public func startedSends() async throws -> [StartedSend] {
        try await read { db in
            let sends = try Send.filter(Column("started_at") != nil && Column("snapshot") != nil)
                .order(Column("started_at"), Column("id")).fetchAll(db)
            var lists: [Int64: MailingList] = [:]
            return try sends.compactMap { send -> StartedSend? in
                guard let id = send.id, let startedAt = send.startedAt, let snapshot = send.decodedSnapshot else {
                    return nil
                }
                if lists[send.listID] == nil { lists[send.listID] = try MailingList.fetchOne(db, key: send.listID) }
                guard let list = lists[send.listID] else { return nil }
                return StartedSend(sendID: id, list: list, snapshot: snapshot, startedAt: startedAt)
            }
        }
    }
}
