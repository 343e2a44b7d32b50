import GRDB

extension AppDatabase {
    /// Fills an empty database with one running send of `deliveries` deliveries in a realistic mix of
    /// states (sent, queued, sending, deferred, failed), in one statement: what `rundbrief-bench ops`
    /// measures the status refresh against. `package`: for this package's benchmarks and tests only.
    /// - Throws: `StoreError` when the database is not empty or cannot be written.
    package func fillWithRunningSend(deliveries: Int) throws {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO lists(id, slug, name, created_at) VALUES (1, 'verteiler', 'Verteiler', '2025-01-01');
                    INSERT INTO editions(id, slug, subject, list_slug, markdown, source, created_at, updated_at)
                      VALUES (1, 'iii-2025', 'Newsletter III/2025', 'verteiler', '# x', '# x', '2025-01-01', '2025-01-01');
                    INSERT INTO sends(id, edition_id, list_id, status, scheduled_at, created_at, updated_at)
                      VALUES (1, 1, 1, 'running', '2025-01-01', '2025-01-01', '2025-01-01');
                    WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < ?)
                    INSERT INTO deliveries(send_id, domain, status, last_code, updated_at)
                    SELECT 1, 'example.de',
                           CASE x % 20 WHEN 0 THEN 'deferred' WHEN 1 THEN 'failed' WHEN 2 THEN 'sending'
                                       ELSE CASE WHEN x < ? / 2 THEN 'sent' ELSE 'queued' END END,
                           CASE x % 20 WHEN 0 THEN 451 WHEN 1 THEN 550 ELSE NULL END, '2025-01-01'
                    FROM n;
                    """, arguments: [deliveries, deliveries])
        }
    }
}
