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
ocop_test(test_inspect_batch)
target_link_libraries(test_inspect_batch PRIVATE host_collector)
target_link_libraries(test_inspect_batch PRIVATE kiosk_net)

if(OCOP_FUZZ)
  # The badge parser compiled into the target for coverage feedback; a
  # short run seeded with a real badge.
  add_executable(fuzz_badge fuzz_badge.c ${PROJECT_SOURCE_DIR}/labels/badge.c
    ${PROJECT_SOURCE_DIR}/labels/base32.c)
  target_compile_options(fuzz_badge PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(fuzz_badge PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(fuzz_badge PRIVATE labels)
  add_test(NAME fuzz_badge COMMAND bash -c
    "d=$(mktemp -d) && mkdir $d/c && $<TARGET_FILE:ocop-host> keygen --secret $d/a.sec --public $d/a.pub >/dev/null && $<TARGET_FILE:inspect_badge_tool> $d/a.sec HN-INS-1 2030-01-01 | tr -d '\\n' >$d/c/seed && $<TARGET_FILE:fuzz_badge> -runs=30000 -max_len=1024 $d/c 2>$d/log; rc=$?; [ $rc = 0 ] || tail -40 $d/log; rm -rf $d; exit $rc")
endif()
