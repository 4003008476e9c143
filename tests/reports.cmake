# ocop-host report and demo-scans, end to end on a demo world
# (tests/report_e2e.py; checks figures against the sqlite3 CLI).
add_test(NAME report_e2e COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/report_e2e.py
         $<TARGET_FILE:ocop-host>)
set_tests_properties(report_e2e PROPERTIES TIMEOUT 300 ENVIRONMENT
  "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp")
# The SQLite reports' query plans (no statistics: the index they name).
ocop_test(test_report_plan)
target_link_libraries(test_report_plan PRIVATE host_collector host_report)
