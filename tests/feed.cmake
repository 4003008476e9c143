# The signed mirror feed: ocop-host publish and ocop-kiosk sync end to end,
# against nginx and a misbehaving server (tests/feed_test.py).
add_executable(feed_mkmirror feed_mkmirror.c)
target_link_libraries(feed_mkmirror PRIVATE labels)
add_executable(feed_sign feed_sign.c)
target_link_libraries(feed_sign PRIVATE labels)
# LD_PRELOAD fault injector for feed_kill9 (not sanitized itself: it is
# preloaded ahead of the sanitizer runtime).
add_library(feed_crash_shim SHARED feed_crash_shim.c)
target_compile_options(feed_crash_shim PRIVATE -fno-sanitize=all)
target_link_libraries(feed_crash_shim PRIVATE ${CMAKE_DL_LIBS})

# One ctest per attack or fault (tests/feed_test.py lists them).
set(FEED_SCENARIOS nginx other_key rollback same_version expired flipped
    wrong_base wrong_base_label lying_sizes oversize resume trickle http_errors server_down kill9
    disk_full unknown_table rotation https publish_errors kiosk_conf config
    inplace publish_db delta_pages overlay delta_rules grace)
foreach(s ${FEED_SCENARIOS})
  add_test(NAME feed_${s}
    COMMAND python3 ${CMAKE_CURRENT_SOURCE_DIR}/feed_test.py ${s})
  set_tests_properties(feed_${s} PROPERTIES TIMEOUT 180
    ENVIRONMENT "OCOP_SOURCE_DIR=${PROJECT_SOURCE_DIR};OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}")
endforeach()
# kill9 kills a sync at 24 points, each a full sync under the sanitizers.
set_tests_properties(feed_kill9 PROPERTIES TIMEOUT 600)

# The kiosk's manifest and state parsers, unit-tested.
ocop_test(test_feed_manifest)
target_link_libraries(test_feed_manifest PRIVATE kiosk_net)
# The delta's products rows read ahead on a second connection and thread.
ocop_test(test_sync_prefetch)
target_link_libraries(test_sync_prefetch PRIVATE kiosk_net)

if(OCOP_FUZZ)
  add_executable(fuzz_feed_manifest fuzz_feed_manifest.c)
  target_compile_options(fuzz_feed_manifest PRIVATE -fsanitize=fuzzer)
  target_link_options(fuzz_feed_manifest PRIVATE -fsanitize=fuzzer)
  target_link_libraries(fuzz_feed_manifest PRIVATE kiosk_manifest_fuzz)
  # A short bounded run in ctest, seeded with a real manifest's shape.
  # libFuzzer adds what it finds to the first folder: a build folder,
  # never the source tree.
  file(MAKE_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/feed_corpus)
  add_test(NAME fuzz_feed_manifest COMMAND fuzz_feed_manifest -runs=30000
    -max_len=2048 -seed=1 ${CMAKE_CURRENT_BINARY_DIR}/feed_corpus
    ${CMAKE_CURRENT_SOURCE_DIR}/feed_corpus)
endif()
