# Feed benchmark (docs/performance.md, "Feed"): `make bench_feed`.
add_custom_target(bench_feed
  COMMAND ${CMAKE_COMMAND} -E env OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}
          python3 ${CMAKE_CURRENT_SOURCE_DIR}/bench_feed.py 100000
  DEPENDS ocop-host ocop-kiosk feed_mkmirror
  USES_TERMINAL)
