# Feed at national size (docs/performance.md, "Feed at national size"):
# `make bench_scale` (100,000 products); 1,000,000 with
# `OCOP_BUILD_DIR=build/release python3 bench/bench_scale.py 1000000`.
add_custom_target(bench_scale
  COMMAND ${CMAKE_COMMAND} -E env OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}
          python3 ${CMAKE_CURRENT_SOURCE_DIR}/bench_scale.py 100000
  DEPENDS ocop-host ocop-kiosk
  USES_TERMINAL)
