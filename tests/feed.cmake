# The signed mirror feed: ocop-host publish and ocop-kiosk sync end to end,
# against nginx and a misbehaving server (tests/feed_test.py).
add_executable(feed_mkmirror feed_mkmirror.c)
target_link_libraries(feed_mkmirror PRIVATE labels)

# One ctest per attack or fault (tests/feed_test.py lists them).
set(FEED_SCENARIOS nginx other_key rollback same_version expired flipped
    wrong_base oversize resume trickle http_errors server_down kill9
    disk_full unknown_table rotation https publish_errors config)
foreach(s ${FEED_SCENARIOS})
  add_test(NAME feed_${s}
    COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/feed_test.py ${s})
  set_tests_properties(feed_${s} PROPERTIES TIMEOUT 180
    ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}")
endforeach()
