import GRDB

extension Schema {
    /// Segments (named filters over one list's members), and what filter each send used.
    /// `sends.segment_where` is the filter text the send's audience is frozen with; `segment_id`
    /// names the segment it came from (cleared when that segment is removed, the text stays).
    static func createSegments(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE segments (
                  id         INTEGER PRIMARY KEY AUTOINCREMENT,
                  slug       TEXT NOT NULL UNIQUE
                             CHECK (length(slug) BETWEEN 1 AND 64 AND slug NOT GLOB '*[^a-z0-9-]*'),
                  list_id    INTEGER NOT NULL REFERENCES lists(id) ON DELETE RESTRICT,
                  name       TEXT NOT NULL CHECK (length(name) > 0),
                  expression TEXT NOT NULL CHECK (length(expression) > 0),
                  created_at DATETIME NOT NULL,
                  updated_at DATETIME NOT NULL
                );
                CREATE INDEX segments_list ON segments(list_id);

                ALTER TABLE sends ADD COLUMN segment_id INTEGER REFERENCES segments(id) ON DELETE SET NULL;
                ALTER TABLE sends ADD COLUMN segment_where TEXT;
                CREATE INDEX sends_segment ON sends(segment_id) WHERE segment_id IS NOT NULL;
                """)
    }
}
