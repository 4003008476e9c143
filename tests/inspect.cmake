# Inspectors (issue 7): badge format, the kiosk's inspector mode and
# findings on their way to the collector.
ocop_test(test_badge)
ocop_test(test_inspect)
target_link_libraries(test_inspect PRIVATE kiosk)
add_executable(inspect_badge_tool inspect_badge_tool.c)
target_link_libraries(inspect_badge_tool PRIVATE labels)
add_test(NAME inspect_e2e COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/inspect_e2e.sh
         $<TARGET_FILE:ocop-host> $<TARGET_FILE:ocop-kiosk>
         $<TARGET_FILE:inspect_badge_tool>)
set_tests_properties(inspect_e2e PROPERTIES TIMEOUT 300 ENVIRONMENT
  "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp")
# Findings in scan batches: kiosk writer against the collector's parser.
ocop_test(test_inspect_batch ../host/collector_batch.c)
target_include_directories(test_inspect_batch PRIVATE ${PROJECT_SOURCE_DIR}/host)
target_link_libraries(test_inspect_batch PRIVATE kiosk)
