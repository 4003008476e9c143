# Issue 12's file and mirror integrity family: outputs that cannot be
# redirected (tests/harden_outputs.sh); the kiosk's side and the mirror
# schema are in tests/feed_test.py (feed_schema, feed_links) and
# tests/test_verdict.c.
add_test(NAME harden_outputs
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/harden_outputs.sh
  $<TARGET_FILE:ocop-host>)
set_tests_properties(harden_outputs PROPERTIES TIMEOUT 300)
