# The collector's PostgreSQL engine (host/collector/pg_store*.c) and its
# test against a private cluster (tests/pg_lib.sh). Until the collector
# module library takes these files, they build here as their own static
# library with the batch parser and rate limiter they reuse; those sit in
# host/ or, after the module split, host/collector/.
pkg_check_modules(PQ REQUIRED IMPORTED_TARGET libpq)
find_package(Threads REQUIRED)
set(PG_HOST ${PROJECT_SOURCE_DIR}/host)
if(EXISTS ${PG_HOST}/collector/collector_batch.c)
  set(PG_COLLECTOR_DIR ${PG_HOST}/collector)
else()
  set(PG_COLLECTOR_DIR ${PG_HOST})
endif()
add_library(collector_pg STATIC
  ${PG_HOST}/collector/pg_store.c
  ${PG_HOST}/collector/pg_store_admin.c
  ${PG_COLLECTOR_DIR}/collector_batch.c
  ${PG_COLLECTOR_DIR}/collector_rate.c)
target_include_directories(collector_pg PUBLIC ${PG_HOST}/collector
  ${PG_COLLECTOR_DIR})
target_link_libraries(collector_pg PUBLIC labels PkgConfig::PQ
  PkgConfig::SQLITE3 PkgConfig::SODIUM Threads::Threads)

# The SQLite collector too, as the source of the import test.
add_executable(test_collector_pg test_collector_pg.c
  ${PG_COLLECTOR_DIR}/collector.c)
target_link_libraries(test_collector_pg PRIVATE collector_pg kiosk
  PkgConfig::CMOCKA)
add_test(NAME collector_pg COMMAND bash
  ${CMAKE_CURRENT_SOURCE_DIR}/collector_pg.sh $<TARGET_FILE:test_collector_pg>)
set_tests_properties(collector_pg PROPERTIES TIMEOUT 300
  ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}")
