# The collector's engines below HTTP, SQLite against PostgreSQL, on an
# empty store and after a bulk preload, through HTTP and below it, and the
# reports over the loaded year (bench/collector_pg.sh).
add_executable(bench_store bench_store.c bench_store_pg.c bench_store_sqlite.c)
target_link_libraries(bench_store PRIVATE host_collector kiosk_net)
add_custom_target(bench-collector-pg
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/collector_pg.sh ${PROJECT_BINARY_DIR}
  DEPENDS bench_store bench_collector ocop-host USES_TERMINAL)
# The same store under an open loop: Poisson arrivals at fixed rates,
# latency from the scheduled time (bench/collector_open.sh).
add_custom_target(bench-collector-open
  COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/collector_open.sh ${PROJECT_BINARY_DIR}
  DEPENDS bench_collector ocop-host USES_TERMINAL)
