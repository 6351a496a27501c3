# All dependencies come from Debian packages (scripts/setup.sh installs them).
find_package(nlohmann_json 3.11 CONFIG REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(CLI11 CONFIG REQUIRED)
find_package(fmt REQUIRED)
find_package(date CONFIG REQUIRED)
find_package(TBB REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(CAIRO REQUIRED IMPORTED_TARGET cairo cairo-png cairo-pdf pangocairo)
# librsvg: consent signatures drawn on screen arrive as SVG and go into the PDF as vectors.
pkg_check_modules(RSVG REQUIRED IMPORTED_TARGET librsvg-2.0)
if(DERMAPLAN_TESTS)
  find_package(GTest CONFIG REQUIRED)
  include(GoogleTest)
endif()
if(DERMAPLAN_BENCH)
  find_package(benchmark REQUIRED)
endif()
# SOCI: one SQL layer over SQLite and PostgreSQL (records). It ships no CMake config and no
# pkg-config file, so it is found by hand and wrapped in the interface target SOCI::soci.
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(Threads REQUIRED)
find_path(SOCI_INCLUDE_DIR soci/soci.h REQUIRED)
find_library(SOCI_CORE_LIBRARY soci_core REQUIRED)
find_library(SOCI_SQLITE3_LIBRARY soci_sqlite3 REQUIRED)
find_library(SOCI_POSTGRESQL_LIBRARY soci_postgresql REQUIRED)
if(NOT TARGET SOCI::soci)
  add_library(SOCI::soci INTERFACE IMPORTED)
  target_include_directories(SOCI::soci INTERFACE ${SOCI_INCLUDE_DIR})
  target_link_libraries(SOCI::soci INTERFACE
    ${SOCI_SQLITE3_LIBRARY} ${SOCI_POSTGRESQL_LIBRARY} ${SOCI_CORE_LIBRARY}
    SQLite::SQLite3 PostgreSQL::PostgreSQL ${CMAKE_DL_LIBS})
endif()
if(NOT TARGET PkgConfig::SODIUM)
  pkg_check_modules(SODIUM REQUIRED IMPORTED_TARGET libsodium)
endif()
# HTTP server (server): Debian builds cpp-httplib as a shared library with OpenSSL, zlib and
# brotli; its pkg-config Cflags carry the matching -D defines, which every user must compile with.
if(NOT TARGET PkgConfig::HTTPLIB)
  pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
endif()
