# Collector throughput and latency beside nginx (bench/collector.sh).
find_package(Threads REQUIRED)
add_executable(bench_collector bench_collector.c)
target_link_libraries(bench_collector PRIVATE kiosk_net Threads::Threads m)
add_custom_target(bench-collector
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/collector.sh ${PROJECT_BINARY_DIR}
  DEPENDS bench_collector ocop-host USES_TERMINAL)
