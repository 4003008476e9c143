# The phone page (GET /V/<payload> of ocop-host serve): end to end with
# the real server, curl and zbarimg; screenshots in headless Chromium at
# phone size when Debian's chromium is installed.
add_test(NAME phone_e2e COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/phone_e2e.sh)
set_tests_properties(phone_e2e PROPERTIES TIMEOUT 300 ENVIRONMENT
  "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp")
add_test(NAME phone_screens COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/phone_screens.sh)
set_tests_properties(phone_screens PROPERTIES TIMEOUT 300 SKIP_RETURN_CODE 77
  ENVIRONMENT
  "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp")

# The page renderer alone, against a hostile mirror's strings.
ocop_test(test_phone_page)
target_link_libraries(test_phone_page PRIVATE host_serve)

# The kiosk screen keeps no copy of the wording it shares with the phone
# page (labels/).
ocop_test(test_phone_text)
target_link_libraries(test_phone_text PRIVATE kiosk_screen)

# One answer everywhere for a lowercased label text, and the home page
# (issue 11, 3.6).
add_test(NAME phone_home_e2e
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/phone_home_e2e.sh)
set_tests_properties(phone_home_e2e PROPERTIES TIMEOUT 300 ENVIRONMENT
  "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp")
