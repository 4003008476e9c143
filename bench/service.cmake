# The kiosk service: start-to-ready time and idle RSS with a 100,000-
# product mirror, beside a bare SQLite program measured the same way.
add_executable(bench_kiosk bench_kiosk.c)
target_link_libraries(bench_kiosk PRIVATE labels PkgConfig::SQLITE3
  PkgConfig::SYSTEMD)
add_custom_target(bench-kiosk
  COMMAND bench_kiosk $<TARGET_FILE:ocop-kiosk> $<TARGET_FILE:feed_mkmirror>
  DEPENDS bench_kiosk ocop-kiosk ocop-kiosk-net feed_mkmirror frames_gen_tool
  USES_TERMINAL)
