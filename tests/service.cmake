# The kiosk service: scan debouncing, the camera source, and
# `ocop-kiosk run` end to end (tests/service_e2e.py).
ocop_test(test_debounce)
target_link_libraries(test_debounce PRIVATE kiosk)
add_test(NAME service_e2e
  COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/service_e2e.py)
set_tests_properties(service_e2e PROPERTIES TIMEOUT 240
  ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}")
