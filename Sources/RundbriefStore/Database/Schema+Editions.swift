import GRDB

extension Schema {
    /// Editions count their saves, and remember who saved last: two editors working on one edition
    /// in the console are told when the later save did not see the earlier one.
    static func addEditionRevisions(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE editions ADD COLUMN revision INTEGER NOT NULL DEFAULT 1 CHECK (revision >= 1);
                ALTER TABLE editions ADD COLUMN updated_by TEXT NOT NULL DEFAULT '';
                """)
    }
}
