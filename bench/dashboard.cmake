# Console dashboard benchmark (docs/performance.md, "Console dashboard"):
# `make bench_dashboard` (1M products, 10M stored scans).
add_custom_target(bench_dashboard
  COMMAND ${CMAKE_COMMAND} -E env OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}
          python3 ${CMAKE_CURRENT_SOURCE_DIR}/bench_dashboard.py 1000000
          10000000
  DEPENDS ocop-host console_driver
  USES_TERMINAL)
# Console kiosk fleet (docs/performance.md, "Console kiosk fleet"):
# `make bench_fleet` (10,000 kiosks, 10M stored scans).
add_custom_target(bench_fleet
  COMMAND ${CMAKE_COMMAND} -E env OCOP_BUILD_DIR=${PROJECT_BINARY_DIR}
          python3 ${CMAKE_CURRENT_SOURCE_DIR}/bench_fleet.py 10000 10000000
  DEPENDS ocop-host console_driver
  USES_TERMINAL)
