# Reports over a million scans, beside a bare GROUP BY verdict on the same
# table in the same run (bench/bench_reports.c; docs/performance.md).
add_executable(bench_reports bench_reports.c)
target_link_libraries(bench_reports PRIVATE PkgConfig::SQLITE3)
add_custom_target(bench-reports
  COMMAND bench_reports $<TARGET_FILE:ocop-host> ${PROJECT_BINARY_DIR}/bench-reports 1000000
  DEPENDS bench_reports ocop-host USES_TERMINAL)
