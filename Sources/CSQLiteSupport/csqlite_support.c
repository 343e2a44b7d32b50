#include "csqlite_support.h"

#include <sqlite3.h>

int csqlite_configure_process(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
