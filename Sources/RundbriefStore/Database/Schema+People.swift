import GRDB

extension Schema {
    /// A person's page lists their deliveries newest first: without this index that is a scan of every
    /// delivery of every send.
    static func indexDeliveriesBySubscriber(_ db: Database) throws {
        try db.execute(sql: "CREATE INDEX deliveries_subscriber ON deliveries(subscriber_id, id)")
    }
}
