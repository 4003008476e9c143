# Label printing (ocop-host print): end-to-end tests that run the built
# ocop-host against a mirror made here, then decode and verify the output.
add_executable(print_mirror print_mirror.c)
target_link_libraries(print_mirror PRIVATE labels PkgConfig::SQLITE3)
add_executable(print_check print_check.c)
target_link_libraries(print_check PRIVATE labels)
add_test(NAME print_e2e
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/print_e2e.sh
          $<TARGET_FILE:ocop-host> $<TARGET_FILE:print_mirror>
          $<TARGET_FILE:print_check>)
set_tests_properties(print_e2e PROPERTIES TIMEOUT 300
  ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp")

# host/print/print.h as a library, the way the demo generator calls it.
ocop_test(test_print_api)
target_link_libraries(test_print_api PRIVATE host_print)
set_tests_properties(test_print_api PROPERTIES
  ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp")
