# Scan upload: the kiosk's uploader against the real ocop-host serve.
add_executable(upload_driver upload_driver.c)
find_package(Threads REQUIRED)
target_link_libraries(upload_driver PRIVATE kiosk_net Threads::Threads)
foreach(t upload_e2e upload_load)
  add_test(NAME ${t} COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/${t}.sh)
  set_tests_properties(${t} PROPERTIES TIMEOUT 180
    ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}")
endforeach()

# The batch format from both ends: kiosk writer, collector parser.
ocop_test(test_collector_batch)
target_link_libraries(test_collector_batch PRIVATE host_collector)
target_link_libraries(test_collector_batch PRIVATE kiosk_net)

if(OCOP_FUZZ)
  # batch.c compiled in again so libFuzzer has coverage of the parser itself.
  add_executable(test_collector_fuzz test_collector_fuzz.c
    ${PROJECT_SOURCE_DIR}/host/collector/batch.c)
  target_link_libraries(test_collector_fuzz PRIVATE host_collector)
  target_compile_options(test_collector_fuzz PRIVATE -fsanitize=fuzzer)
  target_link_options(test_collector_fuzz PRIVATE -fsanitize=fuzzer)
  target_link_libraries(test_collector_fuzz PRIVATE labels)
  # A short bounded run from a valid batch, so CI catches parser crashes.
  add_test(NAME test_collector_fuzz COMMAND bash -c
    "d=$(mktemp -d) && mkdir $d/k $d/c && $<TARGET_FILE:upload_driver> keygen $d/k >/dev/null && $<TARGET_FILE:upload_driver> batch $d/k $d/c/seed 3 1 && $<TARGET_FILE:test_collector_fuzz> -runs=30000 -max_len=4096 $d/c 2>$d/log; rc=$?; [ $rc = 0 ] || tail -40 $d/log; rm -rf $d; exit $rc")
endif()

ocop_test(upload_backoff)
target_link_libraries(upload_backoff PRIVATE kiosk)
