# The collector's PostgreSQL engine (host/collector/pg_store*.c) against a
# private cluster (tests/pg_lib.sh): the engine's own test, and the upload
# end-to-end test with ocop-host serve on PostgreSQL.
add_executable(test_collector_pg test_collector_pg.c)
target_link_libraries(test_collector_pg PRIVATE host_collector kiosk_net
  PkgConfig::CMOCKA)
add_test(NAME collector_pg COMMAND bash
  ${CMAKE_CURRENT_SOURCE_DIR}/collector_pg.sh $<TARGET_FILE:test_collector_pg>)
add_test(NAME upload_e2e_pg COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/upload_e2e.sh)
set_tests_properties(collector_pg upload_e2e_pg PROPERTIES TIMEOUT 300
  ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}")
set_property(TEST upload_e2e_pg APPEND PROPERTY ENVIRONMENT OCOP_COLLECTOR_PG=1)
add_test(NAME collector_pg_cli COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/collector_pg_cli.sh)
set_tests_properties(collector_pg_cli PROPERTIES TIMEOUT 300
  ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}")
# Both engines side by side: the same HTTP answers and the same report
# bytes (tests/engines_compare.sh).
add_test(NAME engines_compare COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/engines_compare.sh)
set_tests_properties(engines_compare PROPERTIES TIMEOUT 600
  ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}")
# Two ocop-host serve instances on one PostgreSQL (tests/serve_many_pg.sh).
add_test(NAME serve_many_pg COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/serve_many_pg.sh)
set_tests_properties(serve_many_pg PROPERTIES TIMEOUT 300
  ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}")
# The phone page's report form, lookups, clones report and console queue
# on a PostgreSQL collector (tests/phone_pg.sh).
add_test(NAME phone_pg COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/phone_pg.sh
  $<TARGET_FILE:console_driver> $<TARGET_FILE:ocop-host>)
set_tests_properties(phone_pg PROPERTIES TIMEOUT 300 ENVIRONMENT
  "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp")
