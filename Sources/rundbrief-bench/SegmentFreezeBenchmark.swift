import ArgumentParser
import Foundation
import RundbriefCore
import RundbriefStore

#if canImport(Glibc)
    import Glibc
#endif

/// `rundbrief-bench segment-freeze`: freezes one send's audience on an existing database (see
/// `scripts/bench segments`, which makes one with a million subscribers) and prints how long the
/// freeze took and the process's peak RSS. One filter per process, so the peak is this freeze's.
struct SegmentFreezeBenchmark: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segment-freeze", abstract: "Audience freeze time and peak RSS for one segment filter.")

    @Option(help: "The database file (changed: a send is added and started).") var database: String
    @Option(help: "The list's slug.") var list: String
    @Option(help: "The edition's slug.") var edition: String
    @Option(name: .customLong("where"), help: "The filter; none freezes the whole list.") var filter: String?
    @Option(help: "The time zone of dates in the filter.") var timeZone = "Europe/Berlin"

    func run() async throws {
        let database = try AppDatabase(path: database)
        let zone = TimeZone(identifier: timeZone) ?? .gmt
        let expression = try filter.map { try SegmentParser.parse($0) }
        let listID = try database.list(slug: list).id!
        let counting = ContinuousClock.now
        let count = try database.countAudience(listID: listID, filter: expression, timeZone: zone)
        let counted = ContinuousClock.now - counting
        let send = try database.scheduleSend(
            edition: edition, list: list, at: Date(), now: Date(),
            audience: filter.map { AudienceFilter(segmentID: nil, expression: $0) })
        let start = ContinuousClock.now
        _ = try await database.startSend(id: send.id!, now: Date(), timeZone: zone)
        let froze = ContinuousClock.now - start
        let total = try await database.sendCounts(id: send.id!).total
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let seconds = { (duration: Duration) in
            String(format: "%.2f", Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18)
        }
        print(
            "\(filter ?? "(whole list)"): \(total) recipients frozen in \(seconds(froze)) s "
                + "(count query \(count) in \(seconds(counted)) s), peak RSS \(usage.ru_maxrss / 1024) MB")
    }
}
