# Registry import of 100,000 and 1,000,000 generated products and a 1 %
# update, beside a bare SQLite insert/update of the same rows in the same
# run (bench/bench_import.c; docs/performance.md).
add_executable(bench_import bench_import.c)
target_link_libraries(bench_import PRIVATE PkgConfig::SQLITE3)
add_custom_target(bench-import
  COMMAND bench_import $<TARGET_FILE:ocop-host> ${PROJECT_BINARY_DIR}/bench-import
  DEPENDS bench_import ocop-host USES_TERMINAL)
