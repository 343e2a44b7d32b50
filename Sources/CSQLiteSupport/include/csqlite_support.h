#ifndef CSQLITE_SUPPORT_H
#define CSQLITE_SUPPORT_H

/// Process-wide SQLite settings that only the variadic sqlite3_config() can make, which Swift cannot
/// call. Must run before SQLite initialises (before the first connection opens).
///
/// Turns off memory-usage statistics (SQLITE_CONFIG_MEMSTATUS): with them on, every allocation
/// inside SQLite takes a global mutex, which costs about a tenth of a bulk import's write time.
/// Returns SQLITE_OK, or SQLITE_MISUSE when SQLite was already initialised (then nothing changes).
int csqlite_configure_process(void);

#endif
