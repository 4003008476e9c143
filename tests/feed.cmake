# The signed mirror feed: ocop-host publish and ocop-kiosk sync end to end,
# against nginx and a misbehaving server (tests/feed_test.py).
add_executable(feed_mkmirror feed_mkmirror.c)
target_link_libraries(feed_mkmirror PRIVATE labels)
