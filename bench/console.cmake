# Console search and product page at 100k and 1M products beside a bare
# SQLite query of the same rows (docs/performance.md, "Console"):
# `make bench_console`.
add_custom_target(bench_console
  COMMAND ${CMAKE_COMMAND} -E env OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}
          python3 ${CMAKE_CURRENT_SOURCE_DIR}/bench_console.py 100000 1000000
  DEPENDS ocop-host
  USES_TERMINAL)
