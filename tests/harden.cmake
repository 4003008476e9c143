# Issue 12's file and mirror integrity family: outputs that cannot be
# redirected (tests/harden_outputs.sh); the kiosk's side and the mirror
# schema are in tests/feed_test.py (feed_schema, feed_links) and
# tests/test_verdict.c.
add_test(NAME harden_outputs
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/harden_outputs.sh
  $<TARGET_FILE:ocop-host>)
set_tests_properties(harden_outputs PROPERTIES TIMEOUT 300)

# A changeset made without the publisher's checks (tests/feed_test.py).
add_executable(feed_mkdelta feed_mkdelta.c)
target_link_libraries(feed_mkdelta PRIVATE PkgConfig::SQLITE3)
foreach(s schema links publish_faults)
  add_test(NAME feed_${s}
    COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/feed_test.py ${s})
  set_tests_properties(feed_${s} PROPERTIES TIMEOUT 180
    ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}")
endforeach()

# labels/file_safe.c on its own.
ocop_test(test_file_safe)

# Issue 12 defects 4, 6, 7, 8: the collector and the HTTP front against
# the real ocop-host serve (tests/harden_serve.sh).
add_test(NAME harden_serve COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/harden_serve.sh)
set_tests_properties(harden_serve PROPERTIES TIMEOUT 180 ENVIRONMENT
  "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR};LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/lsan.supp")
