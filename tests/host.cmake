# ocop-host registry, import, stats, export and demo: end-to-end tests that
# run the built binary in temporary folders (tests/host_*.sh).
foreach(t host_registry host_import host_export host_crash host_demo host_check
  host_provinces host_move)
  add_test(NAME ${t} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/${t}.sh
           $<TARGET_FILE:ocop-host>)
  set_tests_properties(${t} PROPERTIES TIMEOUT 300 ENVIRONMENT
    "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}")
endforeach()

# The demo's expected verdicts against the verdict engine, once the engine
# (labels/verdict.c) is part of the library.
if(EXISTS ${PROJECT_SOURCE_DIR}/labels/verdict.c)
  ocop_test(test_host_demo_verdicts)
  add_dependencies(test_host_demo_verdicts ocop-host)
  set_tests_properties(test_host_demo_verdicts PROPERTIES TIMEOUT 300)
endif()

# The registry's input checks, from the registry module.
ocop_test(test_host_fields)
target_link_libraries(test_host_fields PRIVATE host_registry)
# The guarded changes the commands and the console share.
ocop_test(test_host_changes)
target_link_libraries(test_host_changes PRIVATE host_registry)

if(OCOP_FUZZ)
  # csv.c compiled in again so libFuzzer has coverage of the parser itself.
  add_executable(fuzz_host_csv fuzz_host_csv.c
    ${PROJECT_SOURCE_DIR}/host/registry/csv.c)
  target_compile_options(fuzz_host_csv PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(fuzz_host_csv PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(fuzz_host_csv PRIVATE host_registry labels)
  # A short run from nothing; a crash or sanitizer report fails the test.
  add_test(NAME fuzz_host_csv
    COMMAND $<TARGET_FILE:fuzz_host_csv> -seed=1 -runs=50000 -max_len=512)
endif()

# The demo world through the feed to a kiosk's mirror.
add_test(NAME demo_e2e COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/demo_e2e.sh
         $<TARGET_FILE:ocop-host> $<TARGET_FILE:ocop-kiosk>)
set_tests_properties(demo_e2e PROPERTIES TIMEOUT 300 ENVIRONMENT
  "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp")

# A wrong kiosk clock, faked with libfaketime: not under ASan (see the script).
if(NOT OCOP_SANITIZE)
  add_test(NAME kiosk_clock COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/kiosk_clock.sh
           $<TARGET_FILE:ocop-host> $<TARGET_FILE:ocop-kiosk>)
  set_tests_properties(kiosk_clock PROPERTIES TIMEOUT 300 ENVIRONMENT
    "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}")
endif()

# A genuine payload under another host (issue 11, item 2).
add_test(NAME host_bind COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/host_bind.sh
         $<TARGET_FILE:ocop-host> $<TARGET_FILE:ocop-kiosk>)
set_tests_properties(host_bind PROPERTIES TIMEOUT 300 ENVIRONMENT
  "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp")

# ocop-kiosk scan / check on the demo world.
add_test(NAME kiosk_scan COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/kiosk_scan.sh
         $<TARGET_FILE:ocop-host> $<TARGET_FILE:ocop-kiosk>)
set_tests_properties(kiosk_scan PROPERTIES TIMEOUT 300 ENVIRONMENT
  "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp")
