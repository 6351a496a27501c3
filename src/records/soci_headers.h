// Includes SOCI's core API. Debian's soci-config.h declares Boost support, but the Boost
// headers are not a dependency of libsoci-dev and dermaplan uses no Boost types with SOCI;
// the Boost parts of SOCI are header-only, so turning them off changes no ABI.
// Never include <sqlite3.h> in a file that includes this (see sqlite_file.h).
#pragma once

#include <soci/soci-config.h>
#undef SOCI_HAVE_BOOST
#undef SOCI_HAVE_BOOST_DATE_TIME
#include <soci/soci.h>
